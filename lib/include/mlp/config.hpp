// The run configuration: a JSON file (plus --set overrides) parsed and validated once into a
// plain, const Settings value (settings.hpp). Nothing after parse_config sees JSON or argv.
//
// Every key is declared once in lib/src/config/keys.cpp (name, type, default, range,
// description); that declaration drives parsing, validation, "did you mean" suggestions, the
// defaulted-value record, and docs/config.md (see config_reference_markdown).
#pragma once

#include "mlp/activation.hpp"
#include "mlp/settings.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlp {

// Parses and validates a config. `overrides` are --set PATH=VALUE pairs applied to the JSON
// before validation (VALUE parsed as JSON, else taken as a string). Data paths are resolved
// relative to the config file's folder. Throws InputError with the file and the JSON path:
//   "configs/x.json: train.optimizer.lr: must be > 0, got -0.1"
Settings parse_config(const std::filesystem::path& config_path,
                      const std::vector<std::pair<std::string, std::string>>& overrides = {});

// The same from JSON text (tests, fuzzing); `source` names it in messages and `base_dir` is what
// relative data paths are resolved against.
Settings parse_config_text(std::string_view text, const std::string& source, const std::filesystem::path& base_dir,
                           const std::vector<std::pair<std::string, std::string>>& overrides = {});

// Parses one activation written as text, "relu", "leaky_relu(negative_slope=0.2)" or a formula
// ("x * sigmoid(x)"), as `compare --activations` and compare.activations take it. Throws InputError.
Activation parse_activation(std::string_view text);

// docs/config.md, generated from the key declarations (a test keeps the checked-in file equal).
std::string config_reference_markdown();

}  // namespace mlp
