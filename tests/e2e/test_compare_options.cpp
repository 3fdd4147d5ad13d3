// End to end through the real binary: every option and key that compare accepts changes what it
// does (the refused ones are in tests/bad_inputs).
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <tuple>

using namespace mlp::test;
namespace fs = std::filesystem;

namespace {

// A comparison of `activations` on iris, two epochs: `more` arguments added.
std::vector<std::string> tiny_compare(const fs::path& out, const std::vector<std::string>& more = {},
                                      const std::string& activations = "relu,tanh") {
  std::vector<std::string> args = {"compare",       "--config",  "configs/iris.json", "--set", "train.epochs=2",
                                   "--activations", activations, "--quiet",           "--out", out.string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_text(path)); }

}  // namespace

TEST_CASE("compare --threads is each run's threads, and compare.json records it with --jobs under timing") {
  TempDir dir;
  const CliResult r = run_mlptrain(tiny_compare(dir / "a", {"--threads", "2", "--jobs", "1"}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json timing = read_json(dir / "a" / "compare.json")["timing"];
  CHECK(timing["jobs"] == 1);
  CHECK(timing["threads_per_run"] == 2);
}

namespace {

// The runs' curves, without the last column: `seconds`, the one measurement of time in it.
std::string curves_without_seconds(const fs::path& out) {
  std::istringstream curves(read_text(out / "curves.csv"));
  std::string kept, line;
  while (std::getline(curves, line)) kept += line.substr(0, line.rfind(',')) + "\n";
  REQUIRE(kept.rfind("activation,", 0) == 0);
  return kept;
}

}  // namespace

// Runs on two jobs call the matrix products from two threads at once, and with --threads 2 each
// product is split over a pool besides: the curves stay bit-identical (the text of every double).
TEST_CASE("compare gives bit-identical curves for any --jobs and --threads") {
  TempDir dir;
  const std::string activations = "relu,tanh,sigmoid,silu";
  for (const auto& [name, jobs, threads] :
       {std::tuple("serial", "1", "1"), std::tuple("jobs", "2", "1"), std::tuple("both", "2", "2")}) {
    const CliResult r = run_mlptrain(
        tiny_compare(dir / name, {"--set", "train.epochs=15", "--jobs", jobs, "--threads", threads}, activations));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string serial = curves_without_seconds(dir / "serial");
  CHECK(std::count(serial.begin(), serial.end(), '\n') == 1 + 4 * 15);
  CHECK(curves_without_seconds(dir / "jobs") == serial);
  CHECK(curves_without_seconds(dir / "both") == serial);
}

TEST_CASE("compare evaluates data.test: per run, in the summary, the table and compare.csv") {
  TempDir dir;
  const CliResult r = run_mlptrain(tiny_compare(dir / "a", {"--set", "data.test=data/iris.csv", "--seeds", "2"}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json compare = read_json(dir / "a" / "compare.json");
  for (const nlohmann::json& run : compare["runs"]) {
    CHECK(run["test"]["samples"] == 150);
    CHECK(run["test"]["accuracy"].get<double>() > 0);
    CHECK(run["test"]["loss"].get<double>() > 0);
  }
  for (const nlohmann::json& s : compare["summary"]) CHECK(s["test_accuracy"]["count"] == 2);
  CHECK(lines_of(r.out).at(0).find("test_acc") != std::string::npos);
  CHECK(read_text(dir / "a" / "compare.csv").find(",test_accuracy_mean,test_accuracy_std,") != std::string::npos);

  // Without a test set the table has no such column; compare.csv keeps its fields, empty.
  const CliResult without = run_mlptrain(tiny_compare(dir / "b"));
  REQUIRE(without.exit_code == 0);
  CHECK(lines_of(without.out).at(0).find("test_acc") == std::string::npos);
  CHECK(read_json(dir / "b" / "compare.json")["runs"][0]["test"].is_null());
}

TEST_CASE("compare --baseline takes a full spec and picks that entry among two of one name") {
  TempDir dir;
  const CliResult r = run_mlptrain(
      tiny_compare(dir / "a", {"--baseline", "leaky_relu(negative_slope=0.2)", "--seeds", "2", "--columns", "all"},
                   "relu,leaky_relu,leaky_relu(negative_slope=0.2)"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json compare = read_json(dir / "a" / "compare.json");
  CHECK(compare["baseline"] == "leaky_relu(negative_slope=0.2)");
  for (const nlohmann::json& s : compare["summary"]) {
    CHECK(s["vs_baseline"].is_null() == (s["activation"] == "leaky_relu(negative_slope=0.2)"));
  }
  // Two entries are called leaky_relu, so the column names the baseline in full.
  CHECK(r.out.find(" vs leaky_relu(negative_slope=0.2)\n") != std::string::npos);
}

TEST_CASE("compare --bench-activations prints the format asked for") {
  const std::vector<std::string> bench = {"compare", "--bench-activations", "--activations", "relu", "--quiet"};
  std::vector<std::string> args = bench;
  args.insert(args.end(), {"--format", "csv"});
  CliResult r = run_mlptrain(args);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "activation,forward_ns,backward_ns,total_ns,passes_input_through");
  CHECK(lines[1].starts_with("copy,"));
  CHECK(lines[2].starts_with("relu,"));

  args = bench;
  args.insert(args.end(), {"--format", "json"});
  r = run_mlptrain(args);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json costs = nlohmann::json::parse(r.out);
  REQUIRE(costs.size() == 2);
  CHECK(costs[1]["activation"] == "relu");
  CHECK(costs[1]["forward_ns"].get<double>() > 0);
}

TEST_CASE("compare exits 3 when every run diverged, after writing its files") {
  TempDir dir;
  // At this rate the weights pass float32's largest value within a few steps.
  const CliResult r =
      run_mlptrain(tiny_compare(dir / "a", {"--set", "train.optimizer.name=sgd", "--set", "train.optimizer.lr=1e38"}));
  CHECK(r.exit_code == 3);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(r.err.starts_with("error: compare: every run diverged (2 of 2)"));
  const nlohmann::json compare = read_json(dir / "a" / "compare.json");
  for (const nlohmann::json& run : compare["runs"]) CHECK(run["stop_reason"] == "diverged");
  CHECK(fs::exists(dir / "a" / "compare.csv"));
  CHECK(fs::exists(dir / "a" / "report.html"));
}
