#include "mlp/files.hpp"
#include "mlp/error.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

using namespace mlp;
using mlp::test::entries;
using mlp::test::read_text;
using mlp::test::TempDir;
using mlp::test::write_text;

namespace {

// Lowers the largest file this process may write (RLIMIT_FSIZE) for one test: a write past it
// fails with EFBIG, as a write to a full disk fails with ENOSPC, and this works as root too.
// SIGXFSZ, which would otherwise end the process, is ignored meanwhile.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{bytes, old_.rlim_max};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit old_{};
  void (*old_handler_)(int) = nullptr;
};

std::string error_of(const std::filesystem::path& path, const std::string& content) {
  try {
    write_file_atomically(path, content);
  } catch (const IoError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("write_file_atomically creates a file, replaces its content and leaves no temporary file") {
  TempDir dir;
  const auto path = dir / "model.json";
  write_file_atomically(path, "first\n");
  CHECK(read_text(path) == "first\n");
  write_file_atomically(path, "second, longer\n");
  CHECK(read_text(path) == "second, longer\n");
  write_file_atomically(path, "");
  CHECK(read_text(path).empty());
  CHECK(entries(dir.path()) == std::vector<std::string>{"model.json"});
}

TEST_CASE("write_file_atomically writes a file in the current folder given a bare name") {
  TempDir dir;
  const auto old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  write_file_atomically("bare.txt", "x");
  std::filesystem::current_path(old_cwd);
  CHECK(read_text(dir / "bare.txt") == "x");
  CHECK(entries(dir.path()) == std::vector<std::string>{"bare.txt"});
}

TEST_CASE("write_file_atomically names the path and the reason when the folder cannot hold a file") {
  TempDir dir;
  write_text(dir / "file", "not a folder");
  const auto path = dir / "file" / "model.json";
  CHECK(error_of(path, "x") == "cannot write " + path.string() + ": Not a directory");
  const auto missing = dir / "missing" / "model.json";
  CHECK(error_of(missing, "x") == "cannot write " + missing.string() + ": No such file or directory");
}

TEST_CASE("a failed rename removes the temporary file and leaves the target alone") {
  TempDir dir;
  const auto target = dir / "taken";
  std::filesystem::create_directory(target);
  write_text(target / "inside", "kept");
  CHECK(error_of(target, "new content") == "cannot write " + target.string() + ": Is a directory");
  CHECK(entries(dir.path()) == std::vector<std::string>{"taken"});
  CHECK(read_text(target / "inside") == "kept");
}

TEST_CASE("a failed write (file size limit, like a full disk) removes the temporary file and keeps the old content") {
  TempDir dir;
  const auto path = dir / "model.json";
  write_file_atomically(path, "old content\n");
  const std::string big(1 << 20, 'x');
  std::string message;
  {
    FileSizeLimit limit(4096);
    message = error_of(path, big);
  }
  CHECK(message == "cannot write " + path.string() + ": File too large");
  CHECK(read_text(path) == "old content\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"model.json"});
}

TEST_CASE("a read-only folder is reported (skipped as root, where permission bits do not stop writes)") {
  if (::geteuid() == 0) {
    MESSAGE("skipped: running as root, so a read-only folder is still writable");
    return;
  }
  TempDir dir;
  const auto ro = dir / "ro";
  std::filesystem::create_directory(ro);
  ::chmod(ro.c_str(), 0555);
  CHECK(error_of(ro / "a.json", "x") == "cannot write " + (ro / "a.json").string() + ": Permission denied");
  CHECK_THROWS_AS(ensure_writable_directory(ro), IoError);
  ::chmod(ro.c_str(), 0755);
  CHECK(entries(ro).empty());
}

TEST_CASE("ensure_writable_directory creates missing folders and leaves no probe behind") {
  TempDir dir;
  const auto nested = dir / "a" / "b" / "c";
  ensure_writable_directory(nested);
  CHECK(std::filesystem::is_directory(nested));
  CHECK(entries(nested).empty());
  ensure_writable_directory(nested);  // an existing folder is fine
  CHECK(entries(nested).empty());
}

TEST_CASE("ensure_writable_directory rejects a path that is, or runs through, a file") {
  TempDir dir;
  const auto file = dir / "file";
  write_text(file, "x");
  const auto check = [&](const std::filesystem::path& out) {
    try {
      ensure_writable_directory(out);
      FAIL("no error for " << out);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()) ==
            "cannot use " + out.string() + " as the output folder: " + file.string() + " is a file, not a folder");
    }
  };
  check(file);
  check(file / "sub");
  check(file / "sub" / "deeper");
}

TEST_CASE("write_file_or_stdout writes \"-\" to standard output and anything else to a file") {
  TempDir dir;
  const auto captured = dir / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int fd = ::open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  ::dup2(fd, STDOUT_FILENO);
  ::close(fd);
  write_file_or_stdout("-", "to stdout\n");
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  CHECK(read_text(captured) == "to stdout\n");

  write_file_or_stdout(dir / "out.csv", "to a file\n");
  CHECK(read_text(dir / "out.csv") == "to a file\n");
}

TEST_CASE("a pipe or device at the path is written in place, not replaced by a file") {
  // As root, a rename over /dev/null would replace the device; a FIFO of our own shows the same
  // without risking the machine's devices.
  TempDir dir;
  const auto fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The read end is open (without blocking) before the write, and the content fits the pipe's
  // buffer, so nothing waits on anything; a file renamed over the pipe would leave it empty.
  const int read_end = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(read_end >= 0);
  write_file_atomically(fifo, "through the pipe\n");
  char buffer[64] = {};
  const ssize_t n = ::read(read_end, buffer, sizeof buffer);
  ::close(read_end);
  CHECK(std::string(buffer, static_cast<std::size_t>(std::max<ssize_t>(n, 0))) == "through the pipe\n");
  CHECK(std::filesystem::is_fifo(fifo));
  CHECK(entries(dir.path()) == std::vector<std::string>{"pipe"});
}

TEST_CASE("a symbolic link is followed: its target gets the new content and the link stays") {
  TempDir dir;
  std::filesystem::create_directory(dir / "runs");
  write_text(dir / "runs" / "model.json", "old");
  std::filesystem::create_symlink("runs/model.json", dir / "latest.json");
  write_file_atomically(dir / "latest.json", "new");
  CHECK(std::filesystem::is_symlink(dir / "latest.json"));
  CHECK(read_text(dir / "runs" / "model.json") == "new");
  CHECK(entries(dir / "runs") == std::vector<std::string>{"model.json"});
}

TEST_CASE("ensure_writable_directory removes temporary files of writers that are gone, not of live ones") {
  TempDir dir;
  const std::string dead = ".model.json.tmp.999999999.3";  // above any pid_max: no such process
  const std::string live = ".model.json.tmp." + std::to_string(::getpid()) + ".0";
  dir.write(dead, "half a fi");
  dir.write(live, "being written");
  dir.write("notes.tmp.1.2", "not ours: no leading dot");
  mlp::ensure_writable_directory(dir.path());
  CHECK_FALSE(std::filesystem::exists(dir / dead));
  CHECK(std::filesystem::exists(dir / live));
  CHECK(std::filesystem::exists(dir / "notes.tmp.1.2"));
}
