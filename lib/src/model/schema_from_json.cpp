// Reading a model file's data schema (task, feature columns and their standardisation, targets,
// classes) from its JSON, checking every key, type and value; model_from_json.cpp reads the rest.
#include "model/schema_from_json.hpp"

#include <set>

namespace mlp {
namespace {

Task read_task(const JsonNode& node) {
  const std::string name = node.string();
  for (const Task task : {Task::kClassification, Task::kRegression}) {
    if (name == task_name(task)) return task;
  }
  node.fail("unknown task \"" + name + "\"; valid: " + task_name(Task::kClassification) + ", " +
            task_name(Task::kRegression));
}

// An array of distinct strings, at least `min` of them.
std::vector<std::string> read_names(const JsonNode& node, std::size_t min, const std::string& what) {
  const std::size_t n = node.size();
  if (n < min) node.fail("expected at least " + std::to_string(min) + " " + what + ", got " + std::to_string(n));
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = node[i].string();
    if (!seen.insert(name).second) node[i].fail("duplicate name \"" + name + "\"");
    names.push_back(std::move(name));
  }
  return names;
}

Vector read_vector(const JsonNode& node, Index n, const std::string& what) {
  Vector values(n);
  node.scalars(values.data(), static_cast<std::size_t>(n), what);
  return values;
}

// A standardisation's mean and scale, one per name: `node` holds "mean" and "scale".
Standardizer read_scaling(const JsonNode& node, Index n, const std::string& what) {
  Standardizer s;
  s.mean = read_vector(node["mean"], n, what);
  s.scale = read_vector(node["scale"], n, what);
  const JsonNode scale = node["scale"];
  for (Index i = 0; i < n; ++i) {
    if (!(s.scale[i] > 0)) scale[static_cast<std::size_t>(i)].fail("must be > 0 (it divides)");
  }
  return s;
}

// "targets": version 1, a list of names; version 2, {"names"} for classification and {"names",
// "mean", "scale"} for regression.
void read_targets(const JsonNode& targets, std::int64_t version, DataSchema& schema) {
  const bool classification = schema.task == Task::kClassification;
  const JsonNode names = version == 1 ? targets : targets["names"];
  if (version > 1) {
    if (classification) {
      targets.check_keys({"names"});
    } else {
      targets.check_keys({"names", "mean", "scale"});
    }
  }
  schema.target_names = read_names(names, 1, "target names");
  if (classification && schema.target_names.size() != 1) names.fail("a classification model has one target");
  if (classification) return;
  const auto t = static_cast<Index>(schema.target_names.size());
  schema.target_scaling =
      version == 1 ? Standardizer::identity(t) : read_scaling(targets, t, "values (one per target)");
}

ColumnType read_column_type(const JsonNode& node) {
  const std::string name = node.string();
  for (const ColumnType type : {ColumnType::kNumeric, ColumnType::kCategorical}) {
    if (name == column_type_name(type)) return type;
  }
  node.fail("unknown column type " + json_text(node.json()) + "; valid: " + column_type_name(ColumnType::kNumeric) +
            ", " + column_type_name(ColumnType::kCategorical));
}

// A categorical column's levels: distinct, non-empty (an empty cell has its own input,
// missing_level), in byte order, the order of their one-hot inputs.
std::vector<std::string> read_levels(const JsonNode& node) {
  std::vector<std::string> levels;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string level = node[i].string();
    if (level.empty()) node[i].fail("a level cannot be empty (an empty cell is the missing level)");
    if (i > 0 && level == levels.back()) node[i].fail("duplicate level " + json_text(node[i].json()));
    if (i > 0 && level < levels.back()) {
      node[i].fail("levels must be sorted in byte order: " + json_text(node[i].json()) + " comes before " +
                   json_text(node[i - 1].json()));
    }
    levels.push_back(std::move(level));
  }
  return levels;
}

// A numeric column's fill: the raw value an empty cell becomes, so it must be a float32 as any
// value read from a CSV is; kept as the double the file holds, which writes back the same text.
double read_fill(const JsonNode& node) {
  node.scalar();
  return node.number();
}

// features.columns[i], which must describe features.names[i].
FeatureColumn read_column(const JsonNode& node, const std::string& name) {
  FeatureColumn column;
  column.name = node["name"].string();
  if (column.name != name) {
    node["name"].fail("expected " + json_text(name) + " (as features.names), got " + json_text(node["name"].json()));
  }
  column.type = read_column_type(node["type"]);
  if (column.type == ColumnType::kNumeric) {
    node.check_keys({"name", "type", "fill", "indicator"});
    column.fill = read_fill(node["fill"]);
    column.indicator = node["indicator"].boolean();
    return column;
  }
  node.check_keys({"name", "type", "levels", "missing_level", "other_level"});
  column.levels = read_levels(node["levels"]);
  column.missing_level = node["missing_level"].boolean();
  column.other_level = node["other_level"].boolean();
  if (column.width() == 0)
    node.fail("a categorical column needs at least one input: a level, missing_level or other_level");
  return column;
}

// Version 3: "columns", one per feature name, and "inputs", their inputs' names. The names are
// derived from the columns; checking them keeps a hand-edited file from labelling the standardizer
// entries wrongly.
std::vector<FeatureColumn> read_columns(const JsonNode& features, const std::vector<std::string>& names) {
  const JsonNode node = features["columns"];
  node.expect_size(names.size(), "columns (one per feature name)");
  std::vector<FeatureColumn> columns;
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < names.size(); ++i) {
    columns.push_back(read_column(node[i], names[i]));
    for (std::string& input : columns.back().input_names()) expected.push_back(std::move(input));
  }
  const JsonNode inputs = features["inputs"];
  inputs.expect_size(expected.size(), "input names (the inputs of features.columns)");
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (inputs[i].string() != expected[i]) {
      inputs[i].fail("expected " + json_text(expected[i]) + " (from features.columns), got " +
                     json_text(inputs[i].json()));
    }
  }
  return columns;
}

// "features": the names, then (version 3) the fitted columns and their inputs' names, the texts
// read as missing values, and the
// standardisation, one entry per network input. Before version 3 every feature is one input and
// `columns` stays empty: plain numeric columns, where an empty cell is an error.
void read_features(const JsonNode& features, std::int64_t version, DataSchema& schema) {
  if (version < 3) {
    features.check_keys({"names", "mean", "scale"});
  } else {
    features.check_keys({"names", "columns", "inputs", "na_values", "mean", "scale"});
  }
  schema.feature_names = read_names(features["names"], 1, "feature names");
  if (version >= 3) schema.columns = read_columns(features, schema.feature_names);
  // Absent from format-3 files written before data.na_values: those read only empty cells as missing.
  if (version >= 3 && features.has("na_values")) schema.na_values = read_names(features["na_values"], 0, "na_values");
  schema.standardizer =
      read_scaling(features, schema.input_width(), version < 3 ? "values (one per feature)" : "values (one per input)");
}

}  // namespace

DataSchema read_schema(const JsonNode& root, std::int64_t version) {
  DataSchema schema;
  schema.task = read_task(root["task"]);
  read_features(root["features"], version, schema);
  read_targets(root["targets"], version, schema);
  const bool classification = schema.task == Task::kClassification;
  const JsonNode classes = root["classes"];
  schema.classes = read_names(classes, classification ? 1 : 0, "class labels");
  if (!classification && !schema.classes.empty()) classes.fail("a regression model has no classes");
  return schema;
}

}  // namespace mlp
