// The model file (model.json): a trained network with what it needs to read new data — the
// schema (feature columns, their standardisation, targets, classes). docs/model-format.md
// describes the format and how it maps onto a torch.nn.Sequential state_dict.
#pragma once

#include "mlp/dataset.hpp"
#include "mlp/network.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace mlp {

// A trained network and the data schema it was trained on.
struct Model {
  DataSchema schema;
  Network network;
};

inline constexpr const char* kModelFormat = "mlptrain-model";
// Version 3: "features" also holds "columns", how each feature column becomes network inputs
// (numeric with its fill for an empty cell, or categorical with its levels: DataSchema::columns),
// and "inputs", the inputs' names; "mean" and "scale" are per input. Version 2: "targets" is an
// object with the target names and, for regression, the targets' standardisation
// (data.standardize_target). Versions 1 (targets a list of names, no scaling) and 2 are still read.
inline constexpr int kModelFormatVersion = 3;
// A model without fitted columns (DataSchema::columns empty: read from a version 1 or 2 file) is
// written as version 2, which means "plain numeric columns, an empty cell is an error": version 3
// cannot say that (its numeric columns fill empty cells), and re-saving must not change what a
// model does.
inline constexpr int kPlainColumnsFormatVersion = 2;

// One feature column as model.json (features.columns) and summary.json write it: {"name",
// "type", "fill", "indicator"} for a numeric column, {"name", "type", "levels", "missing_level",
// "other_level"} for a categorical one. Throws DivergedError when the fill is not finite.
nlohmann::ordered_json feature_column_json(const FeatureColumn& column);

// The model as JSON, keys in a fixed order ("format" and "version" first). Every float is
// written as the shortest decimal that reads back as the same float, and nothing depends on
// the time or the machine: the same weights give the same text. Throws DivergedError when a
// value is not finite (JSON cannot hold NaN or Inf).
nlohmann::ordered_json model_to_json(const Model& model);

// Rebuilds a model from its JSON, checking everything: the format name and version, every key,
// type and shape, that consecutive layer sizes match, activation names and parameter ranges,
// and that every number is finite in float32. Throws InputError "<source>: <json path>: message",
// e.g. "runs/a/model.json: layers[2].weight[3]: expected 4 values (in_features), got 3".
// Dropout layers get a fixed generator seed: they are the identity at prediction anyway.
// A network that would need more than `memory_limit` bytes to predict (see prediction_memory in
// memory_budget.hpp) is refused, from the layer sizes alone, before any weight is allocated.
Model model_from_json(const nlohmann::ordered_json& json, const std::string& source,
                      std::uint64_t memory_limit = UINT64_MAX);

// The JSON text of a model as save_model writes it: two-space indentation, with each array of
// numbers or strings (a bias, a weight row, the feature names) on one line.
std::string model_text(const Model& model);

// Writes model_text to `path` atomically (see write_file_atomically). Throws IoError.
void save_model(const Model& model, const std::filesystem::path& path);

// Reads a model file. Throws InputError naming the path: when it cannot be read, is not valid
// JSON ("<path>:<line>:<column>: invalid JSON: ..."), or fails a check of model_from_json
// (including its memory limit).
Model load_model(const std::filesystem::path& path, std::uint64_t memory_limit = UINT64_MAX);

}  // namespace mlp
