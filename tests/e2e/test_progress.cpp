// The progress displays on a terminal, through the real binary with stderr on a pseudo-terminal:
// train's epoch bar (epoch k/N, samples/s, the run's ETA, kept to the terminal's width) and
// compare's runs done with their ETA.
#include "cli_runner.hpp"
#include "slow_epochs.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <vector>

using namespace mlp::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Sets an environment variable for the processes a test starts, and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name); old != nullptr) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A run of 3 epochs of 40000 rows (about 2 s each in a release build). The test interrupts it
// once the bar is drawn, so its length costs nothing.
std::vector<std::string> long_epoch_args(const TempDir& dir) { return slow_epoch_args(dir, 40000, 3); }

// The texts drawn with \r on the terminal's last line: each piece of `received` between two \r
// or line ends.
std::vector<std::string> drawn_pieces(const std::string& received) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= received.size(); ++i) {
    if (i == received.size() || received[i] == '\r' || received[i] == '\n') {
      pieces.push_back(received.substr(start, i - start));
      start = i + 1;
    }
  }
  return pieces;
}

}  // namespace

TEST_CASE("train's progress bar shows epoch k/N, samples/s and the run's ETA within the terminal's width") {
  TempDir dir;
  const std::vector<std::string> args = long_epoch_args(dir);
  // 60 columns: the bar shrinks below its 30 so that the line keeps to 59 characters.
  const ScopedEnv columns("COLUMNS", "60");
  TerminalMlptrain terminal(args);
  // The bar is drawn only after a second in the epoch; loading takes longer under sanitizers.
  const bool drawn = terminal.read_until("ETA", 120);
  terminal.signal(SIGINT);
  const CliResult result = terminal.finish();
  INFO(result.err);
  REQUIRE(drawn);
  CHECK(result.exit_code == 130);

  const std::regex bar_line(R"(  epoch 1/3 \[=* *\] +\d+%  \d[\d.]*[kMG]? samples/s  ETA (\d+s|\d+m\d\ds|\d+h\d\dm))");
  std::size_t bars = 0;
  std::size_t longest = 0;
  for (const std::string& piece : drawn_pieces(result.err)) {
    if (piece.rfind("  epoch ", 0) != 0) continue;  // a log line or a blank
    CHECK_MESSAGE(piece.size() <= 59, piece);
    ++bars;
    longest = std::max(longest, piece.size());
    CHECK_MESSAGE(std::regex_match(piece, bar_line), piece);
  }
  CHECK(bars >= 1);
  // On ending, the bar is blanked over its whole length before the next message.
  const std::size_t cleared = result.err.rfind('\r' + std::string(longest, ' ') + '\r');
  CHECK(cleared != std::string::npos);
  CHECK(cleared > result.err.rfind("ETA"));
  CHECK(has(result.err.substr(cleared), "interrupted"));
}

TEST_CASE("compare's progress shows the runs done and the ETA, and ends with the time taken") {
  TempDir dir;
  const CliResult result =
      TerminalMlptrain({"compare", "--config", "configs/iris.json", "--activations", "relu,tanh", "--set",
                        "train.epochs=2", "--jobs", "1", "--out", (dir / "out").string(), "--format", "csv"})
          .finish();
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(std::regex_search(result.err, std::regex(R"(\r  runs 1/2 done, ETA \d+s)")));
  CHECK(std::regex_search(result.err, std::regex(R"(\r  runs 2/2 done in \d+s {0,9}\r\n)")));
}
