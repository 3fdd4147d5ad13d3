// Terminal output: log messages (spdlog, to stderr), the per-epoch progress lines and the
// in-epoch progress bar. The library never prints; everything a user sees goes through here.
#pragma once

#include "mlp/dataset.hpp"
#include "mlp/trainer.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace mlp::app {

// Configures the default spdlog logger: stderr, a plain "level: message" pattern, and the level
// from --log-level (trace, debug, info, warn, error, off); --quiet means warn.
void setup_logging(const std::string& level, bool quiet);

// Characters per line of the terminal stdout goes to: COLUMNS when set (as shells export it
// and users override it), else the terminal's own width, else 80.
std::size_t terminal_width();

// The epoch table printed while training: a header, then a line every `every` epochs, for the
// first and for the last epoch that ran, each with epoch, train loss, val loss, val accuracy or
// R^2, lr and time. The time is the training time so far in this run: the running total of the
// epochs' EpochMetrics::seconds, the clock of the summary line's TrainResult::train_seconds (not
// the time spent writing files and printing between epochs), so the last line and the summary agree.
class EpochPrinter {
 public:
  EpochPrinter(Task task, int epochs, int every);
  void print_header() const;
  // After each epoch: prints its line every `every` epochs, for the first and the configured last.
  void print(const EpochMetrics& metrics);
  // When the run has ended: prints the last epoch's line if print() skipped it (a run that
  // stopped early, was interrupted or diverged ends before the configured last epoch).
  void finish();

 private:
  void print_line(const EpochMetrics& metrics, double elapsed_seconds) const;

  Task task_;
  int epochs_;
  int every_;
  double train_seconds_ = 0;             // the epochs' seconds so far
  std::optional<EpochMetrics> skipped_;  // the last epoch given to print(), when not printed
  double skipped_seconds_ = 0;           // train_seconds_ at its end
};

// A one-line progress bar for long epochs, on stderr, only when stderr is a terminal, info
// messages are shown (not with --quiet or --log-level warn) and the epoch has already taken more
// than a second (so short runs stay clean). Made after setup_logging, which sets the level.
class ProgressBar {
 public:
  ProgressBar();
  void start_epoch(int epoch);
  void update(long long done, long long total);
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
  int epoch_ = 0;
  std::chrono::steady_clock::time_point epoch_start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace mlp::app
