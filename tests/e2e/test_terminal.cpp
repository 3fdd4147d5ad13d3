// What an interactive terminal shows, through the real binary with its stderr on a
// pseudo-terminal: progress displays appear there, and --quiet removes them.
#include "cli_runner.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

using namespace mlp::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A run of one epoch that takes more than the second after which the progress bar is drawn:
// 2000 training rows one at a time through two layers of 1024 units (about 2 s).
std::vector<std::string> slow_epoch_args(const TempDir& dir) {
  std::string csv = "a,b,c,d,y\n";
  for (int i = 0; i < 2500; ++i) {
    char row[96];
    const double a = (i % 97) / 48.5 - 1, b = (i % 89) / 44.5 - 1;
    std::snprintf(row, sizeof row, "%.3f,%.3f,%.3f,%.3f,%s\n", a, b, a * b, a - b, a * b > 0 ? "p" : "q");
    csv += row;
  }
  dir.write("data.csv", csv);
  dir.write("config.json", R"({"data": {"train": ")" + (dir / "data.csv").string() +
                               R"("}, "model": {"hidden": [1024, 1024]},
  "train": {"epochs": 1, "batch_size": 1, "optimizer": {"name": "sgd", "lr": 0.01}}})");
  return {"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string(), "--threads", "1"};
}

}  // namespace

TEST_CASE("train draws its progress bar on a terminal, and not with --quiet") {
  TempDir dir;
  std::vector<std::string> args = slow_epoch_args(dir);
  const CliResult shown = run_mlptrain_on_terminal(args);
  REQUIRE(shown.exit_code == 0);
  // Without it, the check below could not fail: the epoch must last long enough for the bar.
  REQUIRE_MESSAGE(has(shown.err, "epoch 1 ["), "no progress bar: the epoch took under a second? ", shown.err);

  args.push_back("--quiet");
  const CliResult quiet = run_mlptrain_on_terminal(args);
  REQUIRE(quiet.exit_code == 0);
  CHECK_MESSAGE(quiet.err.empty(), quiet.err);
  CHECK(quiet.out.empty());
}

TEST_CASE("compare shows its runs on a terminal, and not with --quiet") {
  TempDir dir;
  std::vector<std::string> args = {
      "compare",        "--config", "configs/iris.json",    "--activations", "relu,tanh", "--set",
      "train.epochs=2", "--out",    (dir / "out").string(), "--format",      "csv"};
  const CliResult shown = run_mlptrain_on_terminal(args);
  REQUIRE(shown.exit_code == 0);
  CHECK(has(shown.err, "runs 2/2"));

  args.push_back("--quiet");
  const CliResult quiet = run_mlptrain_on_terminal(args);
  REQUIRE(quiet.exit_code == 0);
  CHECK_MESSAGE(quiet.err.empty(), quiet.err);
}
