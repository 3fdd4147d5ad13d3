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

// mlptrain running with its stderr on a pseudo-terminal, as in an interactive shell (stdout goes
// to a file, stdin is empty), for tests of what a terminal shows.
class TerminalMlptrain {
 public:
  explicit TerminalMlptrain(const std::vector<std::string>& args);
  ~TerminalMlptrain();  // kills the process if it is still running
  TerminalMlptrain(const TerminalMlptrain&) = delete;
  TerminalMlptrain& operator=(const TerminalMlptrain&) = delete;

  // Reads what the terminal receives until it holds `text` (true), or `seconds` have passed or
  // the process has ended (false).
  bool read_until(const std::string& text, double seconds);
  void signal(int signal_number) const;
  // Reads to the end and waits for the process: its exit code, stdout, and as `err` all that
  // the terminal received (with \r\n line ends).
  CliResult finish();

 private:
  bool read_some(int timeout_ms);  // false once the process has ended

  TempDir io_;
  int terminal_ = -1;  // the side of the pseudo-terminal this process reads
  int pid_ = -1;
  bool ended_ = false;
  std::string received_;
};

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
