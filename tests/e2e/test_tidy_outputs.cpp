// End to end through the real binary: curves.csv and runs.csv, compare.json's runs in tidy
// form, hold compare.json's numbers to the last digit, one row per run and epoch and per run.
#include "cli_runner.hpp"
#include "csv_record.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>

using namespace mlp::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Row = std::map<std::string, std::string>;  // field by column name

struct Table {
  std::vector<std::string> header;
  std::vector<Row> rows;
};

Table read_csv(const fs::path& path) {
  Table table;
  const std::vector<std::string> lines = lines_of(read_text(path));
  REQUIRE(!lines.empty());
  table.header = csv_record(lines[0]);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> fields = csv_record(lines[i]);
    REQUIRE(fields.size() == table.header.size());
    Row row;
    for (std::size_t k = 0; k < fields.size(); ++k) row[table.header[k]] = fields[k];
    table.rows.push_back(row);
  }
  return table;
}

// The whole field as a number, or nothing when it is not one.
std::optional<double> number(const std::string& field) {
  if (field.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size() ? std::optional(v) : std::nullopt;
}

// A field holds compare.json's value exactly: the same double, or empty where it has none.
void check_same(const Row& row, const std::string& column, const json& value) {
  CAPTURE(column);
  REQUIRE(row.contains(column));
  const std::string& field = row.at(column);
  CAPTURE(field);
  CAPTURE(value.dump());
  if (value.is_number()) {
    CHECK(number(field) == value.get<double>());
  } else {
    CHECK(value.is_null());
    CHECK(field.empty());
  }
}

// Every field of the table is empty or a number, but those of the text columns.
void check_numeric(const Table& table, const std::set<std::string>& text_columns) {
  for (const Row& row : table.rows) {
    for (const auto& [column, field] : row) {
      CAPTURE(column);
      CAPTURE(field);
      if (!text_columns.contains(column) && !field.empty()) CHECK(number(field).has_value());
    }
  }
}

}  // namespace

TEST_CASE("compare writes curves.csv and runs.csv with compare.json's numbers, diverged runs included") {
  TempDir dir;
  // Plain SGD at 1e6 diverges for relu in the first epoch; tanh saturates and goes on.
  const CliResult run =
      run_mlptrain({"compare", "--config", "configs/iris.json", "--set", "train.epochs=3", "--set",
                    "train.optimizer.name=sgd", "--activations", "relu,prelu(num_parameters=1, init=0.25),tanh",
                    "--seeds", "2", "--lr-grid", "0.1,1e6", "--quiet", "--out", (dir / "out").string()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json compare = json::parse(read_text(dir / "out" / "compare.json"));
  const Table curves = read_csv(dir / "out" / "curves.csv");
  const Table runs = read_csv(dir / "out" / "runs.csv");
  const json& all_runs = compare["runs"];
  REQUIRE(all_runs.size() == 12);
  REQUIRE(runs.rows.size() == all_runs.size());

  std::size_t epochs = 0, diverged = 0;
  for (std::size_t r = 0; r < all_runs.size(); ++r) {
    const json& j = all_runs[r];
    const Row& row = runs.rows[r];
    CAPTURE(r);
    CHECK(row.at("activation") == j["activation"]);
    CHECK(row.at("name") == j["name"]);
    CHECK(row.at("stop_reason") == j["stop_reason"]);
    CHECK(row.at("epochs_run") == std::to_string(j["epochs"].size()));
    for (const char* key : {"seed", "lr", "best_epoch", "final_val_loss", "best_val_loss", "val_accuracy",
                            "test_accuracy", "epochs_to_target", "dead_fraction", "saturated_fraction", "grad_ratio"}) {
      check_same(row, key, j[key]);
    }
    check_same(row, "train_seconds", j["timing"]["train_seconds"]);
    if (j["stop_reason"] == "diverged") {
      ++diverged;
      CHECK(row.at("final_val_loss").empty());
    }
    // This run's epochs, in order, are the next rows of curves.csv.
    for (std::size_t k = 0; k < j["epochs"].size(); ++k, ++epochs) {
      REQUIRE(epochs < curves.rows.size());
      const json& e = j["epochs"][k];
      const Row& c = curves.rows[epochs];
      CHECK(c.at("activation") == j["activation"]);
      check_same(c, "seed", j["seed"]);
      check_same(c, "lr", j["lr"]);
      for (const char* key : {"epoch", "train_loss", "val_loss", "val_accuracy", "grad_ratio"})
        check_same(c, key, e[key]);
      check_same(c, "epoch_lr", e["lr"]);
      for (const json& layer : e["activation_layers"]) {
        const std::string suffix = "_layer" + layer["layer"].dump();
        for (const char* key : {"dead_fraction", "saturated_fraction", "mean_activation"})
          check_same(c, key + suffix, layer[key]);
      }
      for (std::size_t l = 0; l < e["weight_grad_norm"].size(); ++l)
        check_same(c, "weight_grad_norm_linear" + std::to_string(l + 1), e["weight_grad_norm"][l]);
      for (const json& learned : e["learned"]) {
        for (const char* key : {"mean", "min", "max"})
          check_same(c, std::string("learned_") + key + "_layer" + learned["layer"].dump(), learned[key]);
      }
      check_same(c, "seconds", j["timing"]["epoch_seconds"][k]);
    }
  }
  CHECK(epochs == curves.rows.size());
  CHECK(diverged >= 2);        // relu at 1e6, both seeds
  CHECK(epochs >= 3 * 2 * 3);  // every run at 0.1 ran its three epochs
  CHECK(curves.header.back() == "seconds");
  CHECK(runs.header.back() == "train_seconds");
  check_numeric(curves, {"activation", "name", "init"});
  check_numeric(runs, {"activation", "name", "init", "stop_reason", "message"});
  for (const char* column : {"learned_mean_layer1", "dead_fraction_layer3", "weight_grad_norm_linear3"}) {
    CHECK(std::find(curves.header.begin(), curves.header.end(), column) != curves.header.end());
  }

  // compare.csv's statistics are of runs.csv's figures: the mean over an activation's seeds at
  // its reported rate.
  const Table table = read_csv(dir / "out" / "compare.csv");
  for (const Row& entry : table.rows) {
    double sum = 0;
    int count = 0;
    for (const Row& row : runs.rows) {
      if (row.at("activation") != entry.at("activation") || row.at("lr") != entry.at("lr")) continue;
      if (const auto v = number(row.at("final_val_loss"))) {
        sum += *v;
        ++count;
      }
    }
    CAPTURE(entry.at("activation"));
    CHECK(std::to_string(count) == entry.at("final_val_loss_count"));
    if (count > 0) CHECK(sum / count == doctest::Approx(*number(entry.at("final_val_loss_mean"))).epsilon(1e-12));
  }
}

TEST_CASE("a compare that fails leaves none of its files") {
  TempDir dir;
  const CliResult run =
      run_mlptrain({"compare", "--config", "configs/iris.json", "--set", "train.epochs=2", "--set",
                    "train.checkpoint_every=1", "--seeds", "2", "--quiet", "--out", (dir / "out").string()});
  CHECK(run.exit_code != 0);
  for (const char* name : {"compare.json", "compare.csv", "curves.csv", "runs.csv", "report.html"}) {
    CAPTURE(name);
    CHECK_FALSE(fs::exists(dir / "out" / name));
  }
}
