// End to end through the real binary: train, predict, evaluate, determinism, exit codes.
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace mlp::test;
namespace fs = std::filesystem;

namespace {

// Iris split 80/20 with every fifth sample of each class held out for testing.
void split_iris(const fs::path& train, const fs::path& test) {
  const std::vector<std::string> lines = lines_of(read_text("data/iris.csv"));
  std::string train_text = lines[0] + "\n";
  std::string test_text = lines[0] + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) ((i % 5 == 0) ? test_text : train_text) += lines[i] + "\n";
  write_text(train, train_text);
  write_text(test, test_text);
}

// configs/iris.json trained on `train` (the shipped config, so that it is what gets tested).
std::vector<std::string> iris_args(const fs::path& train, const fs::path& out) {
  return {"--config", "configs/iris.json", "--set", "data.train=" + fs::absolute(train).string(),
          "--out",    out.string()};
}

std::vector<std::string> operator+(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_text(path)); }

// metrics.csv without its last column (wall time), which is the only one allowed to differ.
std::string without_seconds(const std::string& csv) {
  std::string result;
  for (const std::string& line : lines_of(csv)) result += line.substr(0, line.rfind(',')) + "\n";
  return result;
}

}  // namespace

TEST_CASE("iris: trains to >= 0.93 test accuracy and writes model, metrics and summary") {
  TempDir dir;
  split_iris(dir / "train.csv", dir / "test.csv");
  const CliResult r = run_mlptrain(iris_args(dir / "train.csv", dir / "run") +
                                   std::vector<std::string>{"--set", "data.test=" + (dir / "test.csv").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("train_loss") != std::string::npos);  // the epoch table
  const nlohmann::json summary = read_json(dir / "run" / "summary.json");
  CHECK(summary["test"]["accuracy"].get<double>() >= 0.93);
  CHECK(summary["stop_reason"] == "early_stopped");
  CHECK(summary["train_seconds"].get<double>() > 0);
  CHECK(summary["samples_per_second"].get<double>() > 0);
  CHECK_FALSE(summary["defaulted"].empty());
  CHECK(lines_of(read_text(dir / "run" / "metrics.csv")).size() == summary["epochs_run"].get<std::size_t>() + 1);
  const nlohmann::json model = read_json(dir / "run" / "model.json");
  CHECK(model["format"] == "mlptrain-model");

  // evaluate on the test file reproduces the test accuracy train reported.
  const CliResult e = run_mlptrain({"evaluate", "--model", (dir / "run" / "model.json").string(), "--data",
                                    (dir / "test.csv").string(), "--format", "json"});
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const nlohmann::json evaluation = nlohmann::json::parse(e.out);
  CHECK(evaluation["accuracy"].get<double>() == summary["test"]["accuracy"].get<double>());
  CHECK(evaluation["confusion_matrix"].size() == 3);
  CHECK(evaluation["per_class"].contains("setosa"));
}

TEST_CASE("predict on the training file reproduces the accuracy train reported for it") {
  TempDir dir;
  split_iris(dir / "train.csv", dir / "test.csv");
  const CliResult r =
      run_mlptrain(iris_args(dir / "train.csv", dir / "run") +
                   std::vector<std::string>{"--quiet", "--set", "data.test=" + (dir / "train.csv").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const double reported = read_json(dir / "run" / "summary.json")["test"]["accuracy"].get<double>();

  const CliResult p = run_mlptrain({"predict", "--model", (dir / "run" / "model.json").string(), "--input",
                                    (dir / "train.csv").string(), "--output", "-"});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  const std::vector<std::string> predictions = lines_of(p.out);
  const std::vector<std::string> truth = lines_of(read_text(dir / "train.csv"));
  REQUIRE(predictions.size() == truth.size());
  CHECK(predictions[0] == "prediction,prob_setosa,prob_versicolor,prob_virginica");
  int hits = 0;
  for (std::size_t i = 1; i < truth.size(); ++i) {
    const std::string label = truth[i].substr(truth[i].rfind(',') + 1);
    hits += predictions[i].substr(0, predictions[i].find(',')) == label ? 1 : 0;
  }
  CHECK(static_cast<double>(hits) / static_cast<double>(truth.size() - 1) == doctest::Approx(reported));

  // Loading the model again and predicting gives identical output, and stdin works too.
  const CliResult again = run_mlptrain({"predict", "-m", (dir / "run" / "model.json").string(), "-i", "-", "-o", "-"},
                                       read_text(dir / "train.csv"));
  CHECK(again.exit_code == 0);
  CHECK(again.out == p.out);
}

TEST_CASE("the same config and seed give a byte-identical model and metrics, with 1 or 2 threads") {
  TempDir dir;
  split_iris(dir / "train.csv", dir / "test.csv");
  std::vector<std::string> models, metrics;
  for (const char* threads : {"1", "2", "1"}) {
    const fs::path out = dir / (std::string("run") + std::to_string(models.size()));
    const CliResult r =
        run_mlptrain(iris_args(dir / "train.csv", out) +
                     std::vector<std::string>{"--quiet", "--threads", threads, "--set", "train.epochs=30"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    models.push_back(read_text(out / "model.json"));
    metrics.push_back(without_seconds(read_text(out / "metrics.csv")));
  }
  CHECK(models[0] == models[1]);
  CHECK(models[0] == models[2]);
  CHECK(metrics[0] == metrics[1]);
  CHECK(metrics[0] == metrics[2]);
  // A different seed gives a different model (so the comparison above can fail).
  const CliResult other =
      run_mlptrain(iris_args(dir / "train.csv", dir / "other") +
                   std::vector<std::string>{"--quiet", "--set", "train.epochs=30", "--set", "train.seed=7"});
  REQUIRE(other.exit_code == 0);
  CHECK(read_text(dir / "other" / "model.json") != models[0]);
}

TEST_CASE("regression: reaches R^2 >= 0.95 on held-out data") {
  TempDir dir;
  const CliResult r = run_mlptrain({"--config", "configs/regression.json", "--quiet", "--out", (dir / "run").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json summary = read_json(dir / "run" / "summary.json");
  CHECK(summary["final"]["val"]["r2"].get<double>() >= 0.95);
}

TEST_CASE("exit codes: 2 for bad usage, config or data, with a one-line message naming the place") {
  TempDir dir;
  write_text(dir / "bad.json",
             R"({"data": {"train": "../data/iris.csv"}, "train": {"optimizer": {"name": "adam", "lr": -0.1}}})");
  CliResult r = run_mlptrain({"--config", (dir / "bad.json").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("train.optimizer.lr") != std::string::npos);
  CHECK(lines_of(r.err).size() == 1);

  r = run_mlptrain({"--config", (dir / "missing.json").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("missing.json") != std::string::npos);

  r = run_mlptrain({"predict", "--model", "nope.json"});  // --input and --output missing
  CHECK(r.exit_code == 2);

  r = run_mlptrain({"--config", "configs/iris.json", "--set", "model.activation=rleu", "--out", (dir / "x").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("relu") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "x"));  // a failed run leaves nothing behind

  // A file name may hold a line break; the message naming it stays one line, as does CLI11's
  // for an argument that holds one.
  write_text(dir / "two\nlines.csv", "x,y\n1,a\nnot a number,b\n");
  r = run_mlptrain({"--config", "configs/iris.json", "--set", "data.train=" + (dir / "two\nlines.csv").string(),
                    "--set", "data.target=y", "--out", (dir / "y").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("two\\nlines.csv:3:1") != std::string::npos);
  CHECK(lines_of(r.err).size() == 1);
  r = run_mlptrain({"--config", "configs/iris.json", "--no-such\noption"});
  CHECK(r.exit_code == 2);
  CHECK(lines_of(r.err).size() == 1);
}

TEST_CASE("exit code 3 when training diverges, keeping the last good model") {
  TempDir dir;
  const CliResult r = run_mlptrain({"--config", "configs/iris.json", "--quiet", "--set", "train.optimizer.name=sgd",
                                    "--set", "train.optimizer.lr=1e30", "--out", (dir / "run").string()});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("learning rate") != std::string::npos);
  const nlohmann::json summary = read_json(dir / "run" / "summary.json");
  CHECK(summary["stop_reason"] == "diverged");
  // The weights as written: no NaN or Inf among them (the file's na_values list holds "nan").
  const std::string layers = read_json(dir / "run" / "model.json")["layers"].dump();
  CHECK(layers.find("nan") == std::string::npos);
  CHECK(layers.find("inf") == std::string::npos);
  CHECK(layers.find("null") == std::string::npos);
}

TEST_CASE("--version, --help with examples, and activations listing") {
  CliResult r = run_mlptrain({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("mlptrain") != std::string::npos);
  for (const char* command : {"train", "predict", "evaluate", "compare", "activations"}) {
    r = run_mlptrain({command, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Examples") != std::string::npos);
  }
  r = run_mlptrain({"activations", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const nlohmann::json list = nlohmann::json::parse(r.out);
  bool leaky = false;
  for (const auto& a : list) {
    if (a["name"] == "leaky_relu") leaky = a["parameters"][0]["default"] == "0.01";
  }
  CHECK(leaky);
}
