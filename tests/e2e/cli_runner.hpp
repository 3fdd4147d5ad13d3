// Runs the real mlptrain binary for end-to-end tests and captures what it did.
#pragma once

#include "temp_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlp::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs mlptrain with `args` (from the repository root, where the tests run), feeding `input` on
// stdin when given.
CliResult run_mlptrain(const std::vector<std::string>& args, const std::optional<std::string>& input = std::nullopt);

// The lines of a command's output (or of a file), without their line breaks.
std::vector<std::string> lines_of(const std::string& text);

// A running mlptrain process, for tests that interrupt or kill it.
class RunningMlptrain {
 public:
  // Starts mlptrain with `args`; stdout and stderr are discarded.
  explicit RunningMlptrain(const std::vector<std::string>& args);
  ~RunningMlptrain();  // kills the process if it is still running
  RunningMlptrain(const RunningMlptrain&) = delete;
  RunningMlptrain& operator=(const RunningMlptrain&) = delete;

  void signal(int signal_number) const;
  // Waits for the process to end; returns its exit code, or 128 + the signal that killed it.
  int wait();

 private:
  int pid_ = -1;
  bool waited_ = false;
};

}  // namespace mlp::test
