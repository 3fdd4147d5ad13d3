// What the terminal shows, through the real binary: numbers in the tables people read, and (with
// stderr on a pseudo-terminal) progress displays, which --quiet removes.
#include "cli_runner.hpp"
#include "slow_epochs.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

using namespace mlp::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A train run of so many slow epochs (20000 rows each) that it cannot end before the tests
// interrupt it.
std::vector<std::string> slow_train_args(const TempDir& dir) {
  std::vector<std::string> args = slow_epoch_args(dir, 20000, 1000);
  args.insert(args.begin(), "train");
  return args;
}

// The most significant digits a number among the blank-separated words of `text` is written with
// (6 for "1.63173e+14", 21 for "163173128842498.250000"); a word may end in ',' or 's'.
int most_significant_digits(const std::string& text) {
  int most = 0;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    while (!word.empty() && (word.back() == ',' || word.back() == 's')) word.pop_back();
    char* end = nullptr;
    std::strtod(word.c_str(), &end);
    if (word.empty() || *end != '\0') continue;
    int digits = 0;
    for (const char c : word.substr(0, word.find_first_of("eE"))) {
      if (std::isdigit(static_cast<unsigned char>(c)) && (digits > 0 || c != '0')) ++digits;
    }
    most = std::max(most, digits);
  }
  return most;
}

// The rows of the epoch table that `out` (train's stdout) holds: the lines after its header.
std::vector<std::string> table_rows(const std::string& out) {
  std::vector<std::string> rows;
  std::istringstream lines(out.substr(out.find('\n') + 1));
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  return rows;
}

std::string first_word(const std::string& line) {
  std::istringstream words(line);
  std::string word;
  words >> word;
  return word;
}

}  // namespace

TEST_CASE("the epoch table ends with the last epoch that ran, also when the run stopped early") {
  TempDir dir;
  // iris stops early (after 36 of 100 epochs); every 1000 epochs prints the first and the last.
  const CliResult r = run_mlptrain(
      {"train", "--config", "configs/iris.json", "--out", (dir / "run").string(), "--print-every", "1000"});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json summary = nlohmann::json::parse(read_text(dir / "run" / "summary.json"));
  REQUIRE(summary["stop_reason"] == "early_stopped");
  const std::vector<std::string> rows = table_rows(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(first_word(rows.front()) == "1");
  CHECK(first_word(rows.back()) == std::to_string(summary["epochs_run"].get<int>()));
}

TEST_CASE("the epoch table's time and the summary line's are the same clock: the training time") {
  TempDir dir;
  // A checkpoint after every epoch: time spent writing files, which is not training time.
  const CliResult r = run_mlptrain(
      {"train", "--config", "configs/iris.json", "--out", (dir / "run").string(), "--set", "train.checkpoint_every=1"});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  std::string last_time = table_rows(r.out).back();
  last_time = last_time.substr(last_time.find_last_of(' ') + 1);
  REQUIRE(last_time.back() == 's');
  last_time.pop_back();
  const std::size_t in = r.err.find(" epochs in ");  // "early_stopped: 36 epochs in 0.002 s (...)"
  REQUIRE(in != std::string::npos);
  const std::string summary_time = first_word(r.err.substr(in + 11));
  CHECK(last_time == summary_time);
}

TEST_CASE("a huge loss is shown with 6 significant digits in the epoch table, the test line and evaluate") {
  TempDir dir;
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 100; ++i) {
    const double a = (i % 7) - 3.0, b = (i % 11) - 5.0;
    csv += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(1.3e7 * (a + b) + 2.1e7) + "\n";
  }
  dir.write("data.csv", csv);
  // Targets as they are (not standardised), so that the losses are huge.
  dir.write("config.json", R"({"data": {"train": "data.csv", "task": "regression", "standardize_target": false},
                               "train": {"epochs": 3}})");
  const CliResult r = run_mlptrain({"train", "--config", (dir / "config.json").string(), "--set",
                                    "data.train=" + (dir / "data.csv").string(), "--set",
                                    "data.test=" + (dir / "data.csv").string(), "--out", (dir / "run").string()});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "e+15"));  // the losses are about 3e15 (MSE of targets about 5e7)
  CHECK(most_significant_digits(r.out) <= 6);
  const std::string test_line = r.err.substr(r.err.find("test: "));
  CHECK(has(test_line, "e+15"));
  CHECK(most_significant_digits(test_line.substr(0, test_line.find('\n'))) <= 6);

  const CliResult e = run_mlptrain(
      {"evaluate", "--model", (dir / "run" / "model.json").string(), "--data", (dir / "data.csv").string()});
  INFO(e.out, e.err);
  REQUIRE(e.exit_code == 0);
  CHECK(has(e.out, "e+15"));
  CHECK(most_significant_digits(e.out) <= 6);
}

TEST_CASE("train draws its progress bar on a terminal, and not with --quiet") {
  TempDir dir;
  std::vector<std::string> args = slow_train_args(dir);
  const auto start = std::chrono::steady_clock::now();
  TerminalMlptrain shown(args);
  // Without the bar here, the check below could not fail.
  const bool drawn = shown.read_until("epoch 1/", 60);
  if (!drawn) shown.signal(SIGINT);  // rather than wait for the slow run to end
  REQUIRE_MESSAGE(drawn, "no progress bar: ", shown.finish().err);
  const double drawn_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  shown.signal(SIGINT);
  CHECK(shown.finish().exit_code == 130);

  // The same run with --quiet, given a second longer than the bar took to appear above.
  args.push_back("--quiet");
  TerminalMlptrain quiet(args);
  CHECK_FALSE(quiet.read_until("epoch 1/", drawn_after + 1));
  quiet.signal(SIGINT);
  const CliResult result = quiet.finish();
  CHECK(result.exit_code == 130);
  CHECK_MESSAGE(!has(result.err, "epoch 1/"), result.err);
  CHECK(result.out.empty());
}

TEST_CASE("compare shows its runs on a terminal, and not with --quiet") {
  TempDir dir;
  std::vector<std::string> args = {
      "compare",        "--config", "configs/iris.json",    "--activations", "relu,tanh", "--set",
      "train.epochs=2", "--out",    (dir / "out").string(), "--format",      "csv"};
  const CliResult shown = TerminalMlptrain(args).finish();
  REQUIRE(shown.exit_code == 0);
  CHECK(has(shown.err, "runs 2/2"));

  args.push_back("--quiet");
  const CliResult quiet = TerminalMlptrain(args).finish();
  REQUIRE(quiet.exit_code == 0);
  CHECK_MESSAGE(quiet.err.empty(), quiet.err);
}
