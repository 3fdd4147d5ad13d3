#include "console.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>

namespace mlp::app {

namespace {

// "warning: ", "error: ", "debug: " before a message; nothing before the ordinary info lines.
class LevelPrefix final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (msg.level == spdlog::level::info) return;
    const std::string prefix = msg.level == spdlog::level::warn
                                   ? "warning: "
                                   : std::string(spdlog::level::to_string_view(msg.level).data(),
                                                 spdlog::level::to_string_view(msg.level).size()) +
                                         ": ";
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelPrefix>(); }
};

}  // namespace

std::size_t terminal_width(int file_descriptor) {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    char* end = nullptr;
    const long width = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && width > 0) return static_cast<std::size_t>(width);
  }
  winsize size{};
  if (ioctl(file_descriptor, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

void setup_logging(const std::string& level, bool quiet) {
  auto logger = spdlog::stderr_color_mt("mlptrain");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelPrefix>('*').set_pattern("%^%*%$%v");
  logger->set_formatter(std::move(formatter));
  spdlog::set_default_logger(logger);
  const spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // from_str maps anything it does not know to "off"; only accept the real names.
  if (parsed == spdlog::level::off && level != "off") {
    throw InputError("--log-level: unknown level \"" + level + "\"; valid: trace, debug, info, warn, error, off");
  }
  spdlog::set_level(quiet ? std::max(parsed, spdlog::level::warn) : parsed);
}

EpochPrinter::EpochPrinter(Task task, int epochs, int every) : task_(task), epochs_(epochs), every_(every) {
  if (every_ <= 0) {
    // About 20 lines per run, on round epoch numbers.
    const int steps[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};
    every_ = steps[0];
    for (const int step : steps) {
      if (epochs_ / step >= 10) every_ = step;
    }
    if (epochs_ <= 20) every_ = 1;
  }
}

// Losses and R² with significant digits (format_table_number: a loss of 1e15 is not 21 digits
// wide), wide enough for "-1.23457e+15"; accuracy as a fraction.
void EpochPrinter::print_header() const {
  std::printf("%7s  %12s  %12s  %12s  %10s  %9s\n", "epoch", "train_loss", "val_loss",
              task_ == Task::kClassification ? "val_acc" : "val_r2", "lr", "time");
  std::fflush(stdout);
}

void EpochPrinter::print(const EpochMetrics& m) {
  // Added in the trainer's order, so the total is bit for bit its train_seconds.
  train_seconds_ += m.seconds;
  if (m.epoch % every_ != 0 && m.epoch != epochs_ && m.epoch != 1) {
    skipped_ = m;
    skipped_seconds_ = train_seconds_;
    return;
  }
  skipped_.reset();
  print_line(m, train_seconds_);
}

void EpochPrinter::finish() {
  if (skipped_) print_line(*skipped_, skipped_seconds_);
  skipped_.reset();
}

void EpochPrinter::print_line(const EpochMetrics& m, double elapsed_seconds) const {
  std::string val_loss = "-";
  std::string val_metric = "-";
  if (m.val) {
    val_loss = format_table_number(m.val->loss);
    if (task_ == Task::kClassification && m.val->accuracy) val_metric = format_table_fraction(*m.val->accuracy);
    if (task_ == Task::kRegression && m.val->r2) val_metric = format_table_number(*m.val->r2);
  }
  std::printf("%7d  %12s  %12s  %12s  %10.3g  %8.3fs\n", m.epoch, format_table_number(m.train_loss).c_str(),
              val_loss.c_str(), val_metric.c_str(), m.lr, elapsed_seconds);
  std::fflush(stdout);
}

bool progress_enabled() { return isatty(STDERR_FILENO) != 0 && spdlog::should_log(spdlog::level::info); }

void print_data_notes(const std::vector<std::string>& notes, const std::vector<std::string>& warnings) {
  for (const std::string& note : notes) spdlog::info("data: {}", note);
  for (const std::string& warning : warnings) spdlog::warn("data: {}", warning);
}

void log_read_parts(const std::string& path, int parts) {
  if (parts > 1) spdlog::debug("data: {} read in {} parts at once", path, parts);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  // Rounded once, before choosing the units, so that 59.6 s is "1m00s", not "60s".
  const long long total = std::llround(seconds);
  char text[32];
  if (total < 60) {
    std::snprintf(text, sizeof text, "%llds", total);
  } else if (total < 3600) {
    std::snprintf(text, sizeof text, "%lldm%02llds", total / 60, total % 60);
  } else {
    const long long minutes = (total + 30) / 60;  // to the nearest minute
    std::snprintf(text, sizeof text, "%lldh%02lldm", minutes / 60, minutes % 60);
  }
  return text;
}

std::string format_rate(double per_second) {
  if (!std::isfinite(per_second) || per_second < 0) return "?";
  // The suffix is chosen after rounding to 3 significant digits, so 999.7 is "1.00k", not "1000".
  const char* const suffixes[] = {"", "k", "M", "G"};
  double value = per_second;
  std::size_t unit = 0;
  while (value >= 999.5 && unit + 1 < std::size(suffixes)) {
    value /= 1000;
    ++unit;
  }
  const int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  char text[32];
  std::snprintf(text, sizeof text, "%.*f%s", decimals, value, suffixes[unit]);
  return text;
}

std::string format_epoch_progress(int epoch, int epochs, double fraction, double samples_per_second, double eta_seconds,
                                  std::size_t width) {
  constexpr std::size_t kMaxBar = 30;
  constexpr std::size_t kMinBar = 5;
  fraction = std::clamp(fraction, 0.0, 1.0);
  char percent[8];
  std::snprintf(percent, sizeof percent, "%3.0f%%", 100 * fraction);
  const std::string head = "  epoch " + std::to_string(epoch) + "/" + std::to_string(epochs) + " ";
  const std::string tail =
      std::string(percent) + "  " + format_rate(samples_per_second) + " samples/s  ETA " + format_duration(eta_seconds);
  const std::size_t room = width > 0 ? width - 1 : 0;
  const std::size_t fixed = head.size() + tail.size() + 3;  // "[", "] "
  const std::size_t bar = room > fixed ? std::min(kMaxBar, room - fixed) : 0;
  std::string line = head;
  if (bar >= kMinBar) {
    const auto filled = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(bar)));
    line += "[" + std::string(filled, '=') + std::string(bar - filled, ' ') + "] ";
  }
  line += tail;
  if (line.size() > room) line.resize(room);
  return line;
}

std::string format_runs_progress(int done, int total, double elapsed_seconds) {
  const std::string runs = "  runs " + std::to_string(done) + "/" + std::to_string(total) + " done";
  if (done >= total) return runs + " in " + format_duration(elapsed_seconds);
  if (done <= 0) return runs;
  return runs + ", ETA " + format_duration(elapsed_seconds * (total - done) / done);
}

void StatusLine::draw(const std::string& text) {
  // Blanks after a shorter text cover the rest of the previous one; \r returns to its start.
  const std::size_t blanks = shown_ > text.size() ? shown_ - text.size() : 0;
  std::fprintf(stderr, "\r%s%*s", text.c_str(), static_cast<int>(blanks), "");
  std::fflush(stderr);
  shown_ = std::max(shown_, text.size());
}

void StatusLine::clear() {
  if (shown_ == 0) return;
  std::fprintf(stderr, "\r%*s\r", static_cast<int>(shown_), "");
  std::fflush(stderr);
  shown_ = 0;
}

void StatusLine::finish() {
  if (shown_ == 0) return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  shown_ = 0;
}

ProgressBar::ProgressBar() : enabled_(progress_enabled()) {}

void ProgressBar::start_run(int first_epoch, int epochs) {
  first_epoch_ = first_epoch;
  epochs_ = epochs;
  run_start_ = Clock::now();
  start_epoch(first_epoch);
}

void ProgressBar::start_epoch(int epoch) {
  epoch_ = epoch;
  epoch_start_ = Clock::now();
  last_draw_ = epoch_start_;
}

void ProgressBar::update(long long done, long long total) {
  if (!enabled_ || total <= 0 || done <= 0) return;
  const auto now = Clock::now();
  if (now - epoch_start_ < std::chrono::seconds(1) || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double in_epoch = std::chrono::duration<double>(now - epoch_start_).count();
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  // Before an epoch of this run has ended, this one's estimated length stands for the mean.
  const int ended = epoch_ - first_epoch_;
  const double mean_epoch =
      ended > 0 ? std::chrono::duration<double>(epoch_start_ - run_start_).count() / ended : in_epoch / fraction;
  const double eta = in_epoch * (1 - fraction) / fraction + mean_epoch * std::max(0, epochs_ - epoch_);
  line_.draw(format_epoch_progress(epoch_, epochs_, fraction, static_cast<double>(done) / in_epoch, eta,
                                   terminal_width(STDERR_FILENO)));
}

void ProgressBar::clear() { line_.clear(); }

}  // namespace mlp::app
