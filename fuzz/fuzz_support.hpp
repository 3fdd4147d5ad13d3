// Shared by the fuzz targets: the fuzzer's input as a file the library can open by path, and the
// checks that turn a broken promise of the library into a crash libFuzzer reports.
#pragma once

#include "mlp/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlp::fuzz {

// Reports a broken invariant as a crash (libFuzzer saves the input that caused it).
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}

inline void expect(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// An error the library reports to a user is printed as one line (app/main.cpp prints what()
// after "error: "), so it must be one non-empty line. Only InputError is caught by the targets:
// any other exception escapes LLVMFuzzerTestOneInput, ends in std::terminate, and is a finding.
// MLP_FUZZ_VERBOSE=1 prints each message, to see how far a seed gets.
inline void check_message(const Error& error) {
  const std::string_view message = error.what();
  static const bool verbose = std::getenv("MLP_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "InputError: %s\n", error.what());
  expect(!message.empty(), "empty error message");
  expect(message.find_first_of("\n\r") == std::string_view::npos,
         "error message with a line break: " + std::string(message));
}

// Runs `load` on a fuzzed input: its result, or nothing when the input is rejected with an
// InputError (whose message must be one line, see check_message). Any other exception escapes.
template <class Load>
auto load_or_reject(Load&& load) -> std::optional<decltype(load())> {
  try {
    return load();
  } catch (const InputError& error) {
    check_message(error);
    return std::nullopt;
  }
}

// An anonymous in-memory file (memfd), opened by the library through /proc/self/fd: no disk
// traffic and nothing left behind when a run crashes. Each input replaces the content.
class MemoryFile {
 public:
  explicit MemoryFile(const char* name) : fd_(memfd_create(name, 0)) {
    if (fd_ < 0) fail("memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  ~MemoryFile() { close(fd_); }

  const std::filesystem::path& path() const { return path_; }

  void write(std::string_view data) {
    if (ftruncate(fd_, 0) != 0) fail("ftruncate failed");
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(done));
      if (n <= 0) fail("pwrite failed");
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  std::filesystem::path path_;
};

}  // namespace mlp::fuzz
