#include "claim.hpp"

#include "mlp/error.hpp"
#include "mlp/files.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace mlp {
namespace {

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// What a claim holds: "host pid\n". The host and pid say whether its process can be checked for
// (only on this host) and whether it is still there.
std::string claim_text() { return host_name() + " " + std::to_string(getpid()) + "\n"; }

std::string read_claim(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A claim of this host whose process no longer exists.
bool stale(const std::string& claim) {
  std::istringstream in(claim);
  std::string host;
  long pid = 0;
  if (!(in >> host >> pid) || host != host_name() || pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// link() that also counts a link NFS made but reported as failed (its reply lost, the retry
// finding the name taken): then the temporary file has two names.
bool link_claim(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (link(from.c_str(), to.c_str()) == 0) return true;
  if (errno != EEXIST) throw IoError(to.string() + ": cannot claim the task: " + std::strerror(errno));
  struct stat st {};
  return stat(from.c_str(), &st) == 0 && st.st_nlink == 2;
}

// Moves a stale claim aside. Another worker may have replaced it in between: a claim that is not
// the stale one read is put back (link fails only when a third worker claimed meanwhile).
bool remove_stale(const std::filesystem::path& claim, const std::string& seen) {
  const std::filesystem::path aside = claim.string() + ".stale." + host_name() + "." + std::to_string(getpid());
  if (std::rename(claim.c_str(), aside.c_str()) != 0) return false;
  const bool same = read_claim(aside) == seen;
  if (!same) (void)link(aside.c_str(), claim.c_str());
  std::filesystem::remove(aside);
  return same;
}

}  // namespace

std::string worker_name() { return host_name() + ":" + std::to_string(getpid()); }

bool take_claim(const std::filesystem::path& task_dir) {
  const std::filesystem::path claim = task_dir / "claim";
  const std::filesystem::path mine = task_dir / ("claim." + host_name() + "." + std::to_string(getpid()) + ".new");
  write_file_atomically(mine, claim_text(), Durability::kAtomicOnly);
  bool taken = link_claim(mine, claim);
  if (!taken) {
    const std::string seen = read_claim(claim);
    if (stale(seen) && remove_stale(claim, seen)) taken = link_claim(mine, claim);
  }
  std::filesystem::remove(mine);
  return taken;
}

void release_claim(const std::filesystem::path& task_dir) {
  const std::filesystem::path claim = task_dir / "claim";
  if (read_claim(claim) == claim_text()) std::filesystem::remove(claim);
}

}  // namespace mlp
