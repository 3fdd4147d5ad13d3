// data.standardize_target through the real binary: a regression target of a large scale trains on
// the standardised scale, the losses are reported in the data's units, and predict, evaluate and
// scripts/to_torch.py give values in the data's units from the scaling kept in the model file.
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

using namespace mlp::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

// data/regression.csv with its target y moved to y * 1e5 + 3e6: a scale at which MSE on the raw
// values is of the order of 1e10.
std::vector<double> write_scaled(const fs::path& path) {
  auto rows = csv_rows(read_text("data/regression.csv"));
  std::vector<double> ys;
  std::string text;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) {
      ys.push_back(std::stod(rows[i].back()) * 1e5 + 3e6);
      char value[32];
      std::snprintf(value, sizeof value, "%.2f", ys.back());
      rows[i].back() = value;
      ys.back() = std::stod(value);
    }
    for (std::size_t k = 0; k < rows[i].size(); ++k) text += (k ? "," : "") + rows[i][k];
    text += "\n";
  }
  write_text(path, text);
  return ys;
}

double r2_of(const std::vector<double>& y, const std::vector<double>& predicted) {
  double mean = 0;
  for (const double v : y) mean += v / static_cast<double>(y.size());
  double residual = 0, total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    residual += (y[i] - predicted[i]) * (y[i] - predicted[i]);
    total += (y[i] - mean) * (y[i] - mean);
  }
  return 1 - residual / total;
}

}  // namespace

TEST_CASE("data.standardize_target: trains on the standardised scale, reports and predicts in the data's units") {
  TempDir dir;
  const std::vector<double> y = write_scaled(dir / "big.csv");
  // The validation file is the training file, so that `evaluate` on it must give the last
  // epoch's validation loss.
  const nlohmann::json config = {
      {"data",
       {{"train", (dir / "big.csv").string()},
        {"val", (dir / "big.csv").string()},
        {"task", "regression"},
        {"standardize_target", true}}},
      {"model", {{"hidden", {32}}, {"activation", "tanh"}}},
      {"train", {{"epochs", 30}, {"seed", 1}, {"optimizer", {{"name", "adam"}, {"lr", 0.01}}}}}};
  write_text(dir / "config.json", config.dump());
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  CHECK(r.err.find("every loss and metric, predict and evaluate are in the data's units") != std::string::npos);

  // Losses are in the data's units: the MSEs are a share of y's variance (~1e10), not of 1.
  const auto metrics = csv_rows(read_text(dir / "run" / "metrics.csv"));
  REQUIRE(metrics.front().at(1) == "train_loss");
  REQUIRE(metrics.front().at(2) == "val_loss");
  const double train_loss = std::stod(metrics.back().at(1));
  const double val_loss = std::stod(metrics.back().at(2));
  CHECK(train_loss > 1e7);
  CHECK(val_loss > 1e7);
  const double val_r2 = std::stod(metrics.back().at(3));
  CHECK(val_r2 > 0.7);
  double variance = 0, mean = 0;
  for (const double v : y) mean += v / static_cast<double>(y.size());
  for (const double v : y) variance += (v - mean) * (v - mean) / static_cast<double>(y.size());
  CHECK(val_loss == doctest::Approx((1 - val_r2) * variance).epsilon(1e-3));

  // The model keeps the scaling: the training split's mean and standard deviation of y.
  const nlohmann::json model = nlohmann::json::parse(read_text(dir / "run" / "model.json"));
  CHECK(model["version"] == 3);
  CHECK(std::abs(model["targets"]["mean"][0].get<double>() - 3e6) < 2e5);
  CHECK(model["targets"]["scale"][0].get<double>() > 1e4);

  // predict: values in the data's units, as good as the validation R² says.
  REQUIRE(run_mlptrain({"predict", "--model", (dir / "run" / "model.json").string(), "--input",
                        (dir / "big.csv").string(), "--output", (dir / "p.csv").string()})
              .exit_code == 0);
  const auto predictions = csv_rows(read_text(dir / "p.csv"));
  REQUIRE(predictions.size() == y.size() + 1);
  std::vector<double> predicted;
  for (std::size_t i = 1; i < predictions.size(); ++i) predicted.push_back(std::stod(predictions[i].at(0)));
  const double r2 = r2_of(y, predicted);
  CHECK(r2 > 0.7);

  // evaluate: the same R², and MSE in the data's units (a share of y's variance of ~1e10).
  const CliResult e = run_mlptrain({"evaluate", "--model", (dir / "run" / "model.json").string(), "--data",
                                    (dir / "big.csv").string(), "--format", "json"});
  REQUIRE(e.exit_code == 0);
  const nlohmann::json evaluation = nlohmann::json::parse(e.out);
  CHECK(evaluation["r2"].get<double>() == doctest::Approx(r2).epsilon(1e-4));
  CHECK(evaluation["mse"].get<double>() > 1e7);
  CHECK(evaluation["mse"].get<double>() == doctest::Approx(val_loss).epsilon(1e-5));

  // scripts/to_torch.py undoes the scaling too.
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") == 0) {
    const std::string command = "/usr/bin/python3 scripts/to_torch.py '" + (dir / "run" / "model.json").string() +
                                "' --csv '" + (dir / "big.csv").string() + "' > '" + (dir / "torch.csv").string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    const auto torch_rows = csv_rows(read_text(dir / "torch.csv"));
    REQUIRE(torch_rows.size() == predictions.size());
    for (std::size_t i = 1; i < torch_rows.size(); ++i) {
      CHECK(std::stod(torch_rows[i].at(0)) == doctest::Approx(predicted[i - 1]).epsilon(1e-6));
    }
  }
}

TEST_CASE("data.standardize_target is refused for classification") {
  TempDir dir;
  write_text(dir / "config.json", R"({"data": {"train": ")" + fs::absolute("data/iris.csv").string() +
                                      R"(", "standardize_target": true}, "train": {"epochs": 1}})");
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("config.json: data.standardize_target: applies to regression targets") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "run" / "model.json"));
}
