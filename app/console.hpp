// Terminal output: log messages (spdlog, to stderr), the per-epoch progress lines, the in-epoch
// progress bar and compare's runs line. The library never prints; everything a user sees goes
// through here.
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

// Characters per line of the terminal that `file_descriptor` (STDOUT_FILENO for the tables,
// STDERR_FILENO for progress lines) writes to: COLUMNS when set (as shells export it and users
// override it), else that terminal's own width, else 80.
std::size_t terminal_width(int file_descriptor);

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

// Whether progress displays are drawn: only when stderr is a terminal (a log file or a pipe
// would fill with \r-joined lines) and info messages are shown (not with --quiet or --log-level
// warn). Asked after setup_logging, which sets the level.
bool progress_enabled();

// What loading the data decided without being asked (info lines) and what the user should not
// miss (warnings, e.g. levels a test file has that training never saw), each as "data: ...".
void print_data_notes(const std::vector<std::string>& notes, const std::vector<std::string>& warnings);

// At debug level, that `path` was read in `parts` parts at once (nothing for one pass).
void log_read_parts(const std::string& path, int parts);

// A duration for a person to read at a glance: to the second below an hour, to the minute above
// ("45s", "4m12s", "2h03m", the second unit with two digits as on a clock), rounded to the nearest
// second; "?" for a negative or non-finite number of seconds.
std::string format_duration(double seconds);

// A rate with 3 significant digits and a k, M or G suffix ("512", "51.2k", "1.23M"), short enough
// for a progress line whatever the data size; "?" for a negative or non-finite rate.
std::string format_rate(double per_second);

// The train progress line, without \r: "  epoch 3/100 [=====     ]  40%  51.2k samples/s  ETA 4m12s".
// `fraction` of this epoch is done (in [0, 1]), at `samples_per_second` so far in this epoch;
// `eta_seconds` is the time left in the whole run. The bar shrinks (to at most 30 columns) so the
// line keeps to `width` - 1 characters (a terminal wraps a line that fills its last column), and
// goes when fewer than 5 columns are left for it; then the line is cut to fit.
std::string format_epoch_progress(int epoch, int epochs, double fraction, double samples_per_second, double eta_seconds,
                                  std::size_t width);

// compare's progress line, without \r: "  runs 4/12 done, ETA 1m05s", the time left being the
// elapsed time times remaining/done (runs are alike in size); "  runs 12/12 done in 3m10s" at the end.
std::string format_runs_progress(int done, int total, double elapsed_seconds);

// One line of stderr redrawn in place: each draw returns to the start of the line with \r and
// writes the new text, blanking what is left of a longer previous one; clear() blanks it all.
class StatusLine {
 public:
  void draw(const std::string& text);
  // Blanks the line and leaves the cursor at its start, for the next output to begin there.
  void clear();
  // Keeps the line and moves to the next one.
  void finish();
  // A line still drawn when its owner goes (an error unwinding the command) is blanked, so that
  // the error message starts on a clean line.
  ~StatusLine() { clear(); }
  StatusLine() = default;
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

 private:
  std::size_t shown_ = 0;  // characters on the line now (the texts are ASCII)
};

// A one-line progress bar for long epochs (format_epoch_progress), on stderr, when
// progress_enabled() and the epoch has already taken more than a second (so short runs stay clean).
// The time left in the run is the rest of this epoch (at its rate so far) plus the epochs after
// it at the mean time per epoch since start_run (this epoch's estimated time before one has ended):
// an upper bound when the run stops early. Made after setup_logging, which sets the level.
class ProgressBar {
 public:
  ProgressBar();
  // Before the first epoch of this run: `first_epoch` (after a resume, not 1) of `epochs` in all.
  void start_run(int first_epoch, int epochs);
  void start_epoch(int epoch);
  // `done` of the epoch's `total` samples have been trained on.
  void update(long long done, long long total);
  void clear();

 private:
  using Clock = std::chrono::steady_clock;

  bool enabled_;
  StatusLine line_;
  int first_epoch_ = 1;
  int epochs_ = 0;
  int epoch_ = 0;
  Clock::time_point run_start_;
  Clock::time_point epoch_start_;
  Clock::time_point last_draw_;
};

}  // namespace mlp::app
