#include "console.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
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

std::size_t terminal_width() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    char* end = nullptr;
    const long width = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && width > 0) return static_cast<std::size_t>(width);
  }
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
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

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) != 0 && spdlog::should_log(spdlog::level::info)) {}

void ProgressBar::start_epoch(int epoch) {
  epoch_ = epoch;
  epoch_start_ = std::chrono::steady_clock::now();
  last_draw_ = epoch_start_;
}

void ProgressBar::update(long long done, long long total) {
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - epoch_start_ < std::chrono::seconds(1) || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(std::lround(fraction * kWidth));
  std::fprintf(stderr, "\r  epoch %d [%.*s%*s] %3.0f%%", epoch_, filled,
               "==============================", kWidth - filled, "", 100 * fraction);
  std::fflush(stderr);
  shown_ = true;
}

void ProgressBar::clear() {
  if (!shown_) return;
  std::fprintf(stderr, "\r%*s\r", 60, "");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace mlp::app
