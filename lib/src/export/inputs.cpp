// The graph's inputs: a CSV's feature columns as ONNX tensors, turned into the network's inputs as
// load_model_input does (fill and missing indicator, one-hot levels), then standardised.
#include "export/nodes.hpp"

#include "mlp/error.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>

namespace mlp::onnx_export {
namespace {

using std::int64_t;

constexpr const char* kFeatures = "features";
// Names of the graph's own inputs and outputs, which a categorical column's input cannot take.
constexpr std::string_view kReservedNames[] = {kFeatures, "probabilities", "label", "predictions"};

// The numeric columns' values [N, k] after an empty cell (NaN) gets its column's fill, followed,
// when any column has a missing indicator, by k 0/1 columns (1 where the value was NaN).
std::vector<std::string> numeric_blocks(Graph& g, const DataSchema& schema,
                                        const std::vector<const FeatureColumn*>& numeric) {
  const auto k = static_cast<int64_t>(numeric.size());
  if (schema.columns.empty()) return {kFeatures};  // format 1 or 2: no fill values
  std::vector<float> fills;
  bool indicators = false;
  for (const FeatureColumn* column : numeric) {
    fills.push_back(static_cast<float>(column->fill));
    indicators = indicators || column->indicator;
  }
  const std::string missing = g.node("IsNaN", {kFeatures}, {}, "features_missing");
  std::vector<std::string> blocks{g.node("Where", {missing, g.floats("fill", {k}, fills), kFeatures}, {}, "filled")};
  if (indicators) blocks.push_back(g.node("Cast", {missing}, {{"to", int64_t{onnx::TensorProto::FLOAT}}}));
  return blocks;
}

// A categorical column's one-hot inputs [N, width] from its string input [N, 1]: the text's slot
// (LabelEncoder: a level's index; an empty cell or missing-value marker the "missing" slot when the
// column has one; anything else "other" when there is one, else -1), compared with 0 ... width-1.
std::string categorical_block(Graph& g, const DataSchema& schema, const FeatureColumn& column) {
  const int64_t width = column.width();
  const int64_t other = column.other_level ? width - 1 : -1;
  std::vector<std::string> keys;
  std::vector<int64_t> slots;
  std::unordered_set<std::string> seen;  // a key twice would be an invalid LabelEncoder
  const auto add = [&](const std::string& key, int64_t slot) {
    if (!seen.insert(key).second) return;
    keys.push_back(key);
    slots.push_back(slot);
  };
  for (std::size_t k = 0; k < column.levels.size(); ++k) add(column.levels[k], static_cast<int64_t>(k));
  if (column.missing_level) {
    const auto missing = static_cast<int64_t>(column.levels.size());
    add("", missing);
    for (const std::string& marker : schema.na_values) add(marker, missing);
  }
  const std::string codes = g.node("LabelEncoder", {column.name},
                                   {{"keys_strings", keys}, {"values_int64s", slots}, {"default_int64", other}},
                                   column.name + "_slot", kMlDomain);
  std::vector<int64_t> range(static_cast<std::size_t>(width));
  std::iota(range.begin(), range.end(), 0);
  const std::string hot = g.node("Equal", {codes, g.int64s(column.name + "_slots", {width}, range)});
  return g.node("Cast", {hot}, {{"to", int64_t{onnx::TensorProto::FLOAT}}}, column.name + "_one_hot");
}

// Declares the graph inputs, before any node takes a name: "features" for the numeric columns,
// then one per categorical column, named by the column.
void declare_inputs(Graph& g, const std::vector<FeatureColumn>& columns, std::size_t numeric) {
  if (numeric > 0) g.input(kFeatures, onnx::TensorProto::FLOAT, static_cast<int64_t>(numeric));
  for (const FeatureColumn& column : columns) {
    if (column.type == ColumnType::kNumeric) continue;
    if (std::ranges::find(kReservedNames, column.name) != std::end(kReservedNames)) {
      throw InputError("categorical column \"" + column.name +
                       "\": the ONNX graph has an input or output of that "
                       "name (features, probabilities, label, predictions); rename the column and train again");
    }
    g.input(column.name, onnx::TensorProto::STRING, 1);
  }
}

}  // namespace

std::string add_inputs(Graph& g, const DataSchema& schema) {
  // Format 1 or 2 models have no columns: every feature is a plain number.
  std::vector<FeatureColumn> plain;
  for (const std::string& name : schema.feature_names) plain.push_back(FeatureColumn{.name = name});
  const std::vector<FeatureColumn>& columns = schema.columns.empty() ? plain : schema.columns;
  std::vector<const FeatureColumn*> numeric;
  for (const FeatureColumn& column : columns) {
    if (column.type == ColumnType::kNumeric) numeric.push_back(&column);
  }
  declare_inputs(g, columns, numeric.size());
  std::vector<std::string> blocks = numeric.empty() ? std::vector<std::string>{} : numeric_blocks(g, schema, numeric);
  // Where each network input is in the concatenated blocks: numeric values first, then their
  // indicators, then each categorical column's one-hot inputs.
  const auto k = static_cast<int64_t>(numeric.size());
  int64_t next_numeric = 0, next_categorical = k * static_cast<int64_t>(blocks.size());
  std::vector<int64_t> order;
  for (const FeatureColumn& column : columns) {
    if (column.type == ColumnType::kNumeric) {
      order.push_back(next_numeric);
      if (column.indicator) order.push_back(k + next_numeric);
      ++next_numeric;
      continue;
    }
    if (column.width() == 0) continue;
    blocks.push_back(categorical_block(g, schema, column));
    for (Index j = 0; j < column.width(); ++j) order.push_back(next_categorical++);
  }
  if (blocks.empty()) throw InputError("the model has no inputs");
  const std::string all = blocks.size() == 1 ? blocks[0] : g.node("Concat", blocks, {{"axis", int64_t{1}}});
  std::vector<int64_t> identity(order.size());
  std::iota(identity.begin(), identity.end(), 0);
  if (order == identity && next_categorical == static_cast<int64_t>(order.size())) return all;
  const auto width = static_cast<int64_t>(order.size());
  return g.node("Gather", {all, g.int64s("input_order", {width}, order)}, {{"axis", int64_t{1}}}, "inputs");
}

std::string add_standardisation(Graph& g, const Standardizer& standardizer, const std::string& x) {
  if (standardizer.mean.size() == 0) return x;
  return in_double(g, x, {"Sub", "mean", standardizer.mean}, {"Div", "scale", standardizer.scale}, "standardised");
}

std::string in_double(Graph& g, const std::string& x, const DoubleStep& first, const DoubleStep& second,
                      std::string_view result) {
  const auto step = [&g](const std::string& input, const DoubleStep& s) {
    const std::vector<double> values(s.values.begin(), s.values.end());
    return g.node(s.op, {input, g.doubles(s.name, {static_cast<int64_t>(values.size())}, values)});
  };
  const std::string wide = g.node("Cast", {x}, {{"to", int64_t{onnx::TensorProto::DOUBLE}}});
  return g.node("Cast", {step(step(wide, first), second)}, {{"to", int64_t{onnx::TensorProto::FLOAT}}}, result);
}

}  // namespace mlp::onnx_export
