// What the config tests share: parsing config text as if it were configs/x.json, and the
// message of the error it raises.
#pragma once

#include "mlp/config.hpp"
#include "mlp/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlp::test {

using Overrides = std::vector<std::pair<std::string, std::string>>;

inline constexpr const char* kSource = "configs/x.json";

inline Settings parse(std::string_view text, const Overrides& overrides = {}) {
  return parse_config_text(text, kSource, "configs", overrides);
}

// The resolved config, every default filled in, as summary.json records it.
inline nlohmann::json resolved(const Settings& settings) { return nlohmann::json::parse(settings.resolved_json); }

// The message of the InputError the config raises, or "no error".
inline std::string error_of(std::string_view text, const Overrides& overrides = {}) {
  try {
    parse(text, overrides);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

// A config with the required key and `rest` (more sections after a comma).
inline std::string with_train(std::string_view rest) {
  return std::string(R"j({"data": {"train": "a.csv"})j") + std::string(rest) + "}";
}

// The example config of docs/config.md.
inline constexpr const char* kSample = R"j({
  "data":   {"train": "../data/iris.csv", "target": "species", "task": "classification",
             "val_fraction": 0.2, "val": null, "test": null, "standardize": true},
  "model":  {"hidden": [16, 16], "activation": "relu", "init": "default"},
  "train":  {"epochs": 100, "batch_size": 16, "shuffle": true, "seed": 42, "loss": "auto",
             "optimizer": {"name": "adam", "lr": 0.01}},
  "output": {"dir": "runs/iris"}
})j";

}  // namespace mlp::test
