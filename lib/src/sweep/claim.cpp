#include "claim.hpp"

#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/text.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <sstream>

#include <fcntl.h>
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

double seconds_of(const timespec& t) { return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec); }

// A claim as read through one open file: its text and modification time belong to the same
// file. Opening it also makes an NFS client fetch its attributes afresh (close-to-open), so the
// time is the server's latest, not a cached one.
struct SeenClaim {
  bool exists = false;
  std::string text;
  double mtime = 0;
};

SeenClaim read_claim(const std::filesystem::path& file) {
  SeenClaim seen;
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return seen;
  struct stat st {};
  if (fstat(fd, &st) == 0) {
    seen.exists = true;
    seen.mtime = seconds_of(st.st_mtim);
    char buffer[512];
    ssize_t got = 0;
    while ((got = read(fd, buffer, sizeof buffer)) > 0) seen.text.append(buffer, static_cast<std::size_t>(got));
  }
  close(fd);
  return seen;
}

// Why a claim may be taken over, or empty when it may not: its process is gone (this host, no
// such pid), or it has not been refreshed for longer than the expiry. `now` is the server's
// time of a file just written beside it.
std::string stale_reason(const SeenClaim& claim, double now, double expiry_seconds) {
  std::istringstream in(claim.text);
  std::string host;
  long pid = 0;
  const bool parsed = static_cast<bool>(in >> host >> pid) && pid > 0;
  const std::string holder = parsed ? host + ":" + std::to_string(pid) : "\"" + claim.text + "\"";
  if (parsed && host == host_name() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
    return holder + ", whose process is gone";
  }
  const double age = now - claim.mtime;
  if (age > expiry_seconds) {
    return holder + ", not refreshed for " + format_number(std::round(age)) + " s (the limit is " +
           format_number(expiry_seconds) + " s)";
  }
  return "";
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
  const bool same = read_claim(aside).text == seen;
  if (!same) (void)link(aside.c_str(), claim.c_str());
  std::filesystem::remove(aside);
  return same;
}

}  // namespace

std::string worker_name() { return host_name() + ":" + std::to_string(getpid()); }

std::unique_ptr<Claim> Claim::take(const std::filesystem::path& task_dir, const Timing& timing,
                                   std::string* taken_over) {
  const std::filesystem::path claim = task_dir / "claim";
  const std::filesystem::path mine = task_dir / ("claim." + host_name() + "." + std::to_string(getpid()) + ".new");
  write_file_atomically(mine, claim_text(), Durability::kAtomicOnly);
  bool taken = link_claim(mine, claim);
  if (!taken) {
    const SeenClaim seen = read_claim(claim);
    const SeenClaim written = read_claim(mine);  // its time: the server's "now"
    const std::string reason = seen.exists ? stale_reason(seen, written.mtime, timing.expiry_seconds) : "";
    if (!seen.exists) {
      taken = link_claim(mine, claim);  // released between the link and the read
    } else if (!reason.empty() && remove_stale(claim, seen.text)) {
      taken = link_claim(mine, claim);
      if (taken && taken_over != nullptr) *taken_over = reason;
    }
  }
  // Opened before its temporary name goes: the heartbeat's handle on the claim's inode.
  const int fd = taken ? open(mine.c_str(), O_RDONLY | O_CLOEXEC) : -1;
  std::filesystem::remove(mine);
  if (!taken) return nullptr;
  return std::unique_ptr<Claim>(new Claim(task_dir, fd, timing.heartbeat_seconds));
}

Claim::Claim(std::filesystem::path task_dir, int fd, double heartbeat_seconds)
    : task_dir_(std::move(task_dir)), fd_(fd), heartbeat_([this, heartbeat_seconds] { beat(heartbeat_seconds); }) {}

// Sets the claim's times to "now" (a null time: on NFS the server sets its own time), every
// heartbeat_seconds until the claim is released. A failed refresh is not fatal: the claim only
// ages, and is taken over if it keeps failing for longer than the expiry.
void Claim::beat(double heartbeat_seconds) {
  const auto interval = std::chrono::duration<double>(heartbeat_seconds);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return done_; })) {
    if (fd_ >= 0) (void)futimens(fd_, nullptr);
  }
}

Claim::~Claim() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  heartbeat_.join();
  if (fd_ >= 0) close(fd_);
  const std::filesystem::path claim = task_dir_ / "claim";
  std::error_code ignored;  // a destructor cannot throw; a claim left behind expires
  if (read_claim(claim).text == claim_text()) std::filesystem::remove(claim, ignored);
}

}  // namespace mlp
