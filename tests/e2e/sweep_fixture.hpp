// A small sweep of iris for the sweep tests: the config, the sweep file, and the `compare` command
// over the same grid whose files `sweep collect` must reproduce.
#pragma once

#include "cli_runner.hpp"
#include "csv_record.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace mlp::test {

// 2 activations x 2 rates x 3 seeds = 12 tasks of 3 epochs.
struct IrisSweep {
  TempDir dir;
  std::filesystem::path config, sweep_file, folder;

  IrisSweep() {
    const std::string data = std::filesystem::absolute("data/iris.csv").string();
    config = dir.write("c.json", R"({"data": {"train": ")" + data + R"(", "target": "species", "val_fraction": 0.2},
 "model": {"hidden": [8], "activation": "relu"},
 "train": {"epochs": 5, "batch_size": 16, "seed": 42, "optimizer": {"name": "adam", "lr": 0.01}},
 "output": {"dir": "out"}})");
    sweep_file = dir.write("sweep.json", R"({"config": "c.json", "set": {"train.epochs": 3},
 "grid": {"model.activation": ["relu", "tanh"], "train.optimizer.lr": [0.01, 0.03], "train.seed": [1, 2, 3]}})");
    folder = dir / "sweep";
  }
  static constexpr std::size_t kTasks = 12;

  std::vector<std::string> compare_args(const std::filesystem::path& out) const {
    return {"compare",   "--config",  config.string(), "--set", "train.epochs=3", "--activations", "relu,tanh",
            "--lr-grid", "0.01,0.03", "--seed-list",   "1,2,3", "--out",          out.string(),    "--quiet"};
  }
};

// A document without its "timing" members, at any depth: what two runs of one config share.
inline nlohmann::json without_timing(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : j.items()) {
      if (key != "timing") out[key] = without_timing(value);
    }
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : j) out.push_back(without_timing(value));
    return out;
  }
  return j;
}

// A CSV's records without its wall-time columns (names with "seconds"), and without its first
// `skip` columns.
inline std::vector<std::vector<std::string>> csv_without_timing(const std::string& text, std::size_t skip = 0) {
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> keep;
  for (const std::string& line : lines_of(text)) {
    const std::vector<std::string> fields = csv_record(line);
    if (keep.empty()) {
      for (std::size_t c = 0; c < fields.size(); ++c)
        keep.push_back(c >= skip && fields[c].find("seconds") == std::string::npos);
    }
    std::vector<std::string> row;
    for (std::size_t c = 0; c < fields.size() && c < keep.size(); ++c) {
      if (keep[c]) row.push_back(fields[c]);
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace mlp::test
