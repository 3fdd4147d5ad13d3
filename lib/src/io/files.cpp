// Reading and atomically replacing files with POSIX calls: std::ofstream can neither fsync nor
// say why a write failed, and both matter here (a model file must survive a crash, a full disk
// must be named).
#include "mlp/files.hpp"

#include "mlp/error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

namespace mlp {
namespace {

namespace fs = std::filesystem;

// strerror's text, without strerror's shared buffer (files are written from several threads).
std::string reason(int err) { return std::generic_category().message(err); }

[[noreturn]] void fail_write(const fs::path& path, int err) {
  throw IoError("cannot write " + path.string() + ": " + reason(err));
}

// A name in `dir` that no other call, thread or process uses at the same time: the pid separates
// processes and the counter separates calls within one. A name left over by a crashed process
// with a recycled pid is skipped, since files are created with O_EXCL.
fs::path unique_name(const fs::path& dir, const std::string& stem) {
  static std::atomic<unsigned long> counter{0};
  return dir / ("." + stem + "." + std::to_string(::getpid()) + "." + std::to_string(counter++));
}

// Creates a new file in `dir`, named after `stem`; returns its descriptor and sets `created`, or
// returns -1 with errno set.
int create_unique(const fs::path& dir, const std::string& stem, fs::path& created) {
  constexpr int kAttempts = 100;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    created = unique_name(dir, stem);
    const int fd = ::open(created.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

// Writes all of `content`, resuming after partial writes and interruptions. Returns 0 or errno.
int write_all(int fd, std::string_view content) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (written == 0) return EIO;
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  return 0;
}

// Makes a rename in `dir` durable. Some filesystems cannot sync a folder (EINVAL) and a folder
// may be writable without being readable; the file itself is already in place and synced then,
// so only a real I/O error is reported.
void sync_directory(const fs::path& dir, const fs::path& target) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  const int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (err != 0 && err != EINVAL && err != ENOTSUP) fail_write(target, err);
}

// The nearest part of `dir` (itself or a parent) that exists but is not a folder, or nothing.
fs::path blocking_file(const fs::path& dir) {
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    const fs::file_status status = fs::status(p, ec);
    if (fs::exists(status) && !fs::is_directory(status)) return p;
    if (p == p.parent_path()) break;
  }
  return {};
}

// Writes into an existing device or pipe (/dev/null, /dev/stdout, a FIFO), which has no content to
// replace atomically: renaming a file over it would replace the device itself.
void write_in_place(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail_write(path, errno);
  int err = write_all(fd, content);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) fail_write(path, err);
}

}  // namespace

std::string read_text_file(const fs::path& path, std::string_view what) {
  const auto fail = [&](int err) {
    if (err == EISDIR) return InputError(path.string() + ": is a directory, not a " + std::string(what));
    return InputError(path.string() + ": cannot read the " + std::string(what) + ": " + reason(err));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  std::string text;
  std::array<char, 1 << 16> buffer;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw fail(err);
    }
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

void write_file_atomically(const fs::path& given, std::string_view content, Durability durability) {
  const bool sync = durability == Durability::kSynced;
  std::error_code ec;  // a path that does not exist yet sets it; "not found" is all that says
  const fs::file_status status = fs::status(given, ec);  // follows symbolic links
  if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)) {
    return write_in_place(given, content);
  }
  // A symbolic link is followed, so that the file it points to is replaced and the link kept.
  fs::path path = given;
  if (fs::is_symlink(fs::symlink_status(given, ec))) {
    path = fs::weakly_canonical(given, ec);
    if (ec) fail_write(given, ec.value());
  }
  const fs::path dir = path.parent_path();
  fs::path temp;
  const int fd = create_unique(dir, path.filename().string() + ".tmp", temp);
  if (fd < 0) fail_write(path, errno);
  int err = write_all(fd, content);
  if (sync && err == 0 && ::fsync(fd) != 0) err = errno;
  // close can report a delayed write error (NFS, quotas), so its result counts too.
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    fail_write(path, err);
  }
  if (sync) sync_directory(dir, path);
}

namespace {

// True for ".<name>.tmp.<pid>.<n>" left by a write_file_atomically whose process no longer runs
// (it was killed between creating the temporary file and renaming it).
bool is_stale_temporary(const std::string& name) {
  if (name.empty() || name[0] != '.') return false;
  const std::size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos) return false;
  const std::string rest = name.substr(tmp + 5);  // "<pid>.<n>"
  const std::size_t dot = rest.find('.');
  if (dot == std::string::npos || dot == 0) return false;
  const std::string pid_text = rest.substr(0, dot);
  if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) return false;
  if (rest.substr(dot + 1).find_first_not_of("0123456789") != std::string::npos) return false;
  const auto pid = static_cast<pid_t>(std::stol(pid_text));
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

void ensure_writable_directory(const fs::path& dir) {
  if (dir.empty()) return ensure_writable_directory(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (const fs::path file = blocking_file(dir); !file.empty()) {
    throw InputError("cannot use " + dir.string() + " as the output folder: " + file.string() +
                     " is a file, not a folder");
  }
  if (ec) throw IoError("cannot create the output folder " + dir.string() + ": " + ec.message());
  fs::path probe;
  const int fd = create_unique(dir, "mlptrain-write-probe", probe);
  if (fd < 0) throw IoError("cannot write to the output folder " + dir.string() + ": " + reason(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (is_stale_temporary(entry.path().filename().string())) fs::remove(entry.path(), ec);
  }
}

void write_file_or_stdout(const fs::path& path, std::string_view content) {
  if (path != "-") {
    write_file_atomically(path, content);
    return;
  }
  if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0) {
    throw IoError("cannot write to standard output: " + reason(errno));
  }
}

}  // namespace mlp
