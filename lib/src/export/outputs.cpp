// The graph's outputs: what `mlptrain predict` writes, from the network's output.
#include "export/nodes.hpp"

namespace mlp::onnx_export {
namespace {

using std::int64_t;

// The class of the highest probability (the first on a tie, as predict), as its label [N, 1].
void add_label(Graph& g, const DataSchema& schema, const std::string& probabilities) {
  const std::string index = g.node("ArgMax", {probabilities}, {{"axis", int64_t{1}}, {"keepdims", int64_t{1}}});
  std::vector<int64_t> keys(schema.classes.size());
  for (std::size_t k = 0; k < keys.size(); ++k) keys[k] = static_cast<int64_t>(k);
  g.node("LabelEncoder", {index}, {{"keys_int64s", keys}, {"values_strings", schema.classes}}, "label", kMlDomain);
  g.output("label", onnx::TensorProto::STRING, 1);
}

// Regression: y * scale + mean per target, in double as Standardizer::undo.
std::string in_target_units(Graph& g, const Standardizer& scaling, const std::string& y) {
  if (scaling.mean.size() == 0) return g.node("Identity", {y}, {}, "predictions");
  return in_double(g, y, {"Mul", "target_scale", scaling.scale}, {"Add", "target_mean", scaling.mean}, "predictions");
}

}  // namespace

void add_outputs(Graph& g, const DataSchema& schema, Index outputs, const std::string& y) {
  if (schema.task == Task::kRegression) {
    in_target_units(g, schema.target_scaling, y);
    g.output("predictions", onnx::TensorProto::FLOAT, outputs);
    return;
  }
  std::string probabilities;
  if (outputs == 1) {
    // A single logit is the score of classes[1]: [1 - p, p], p = sigmoid(logit), as predict shows.
    const std::string p = g.node("Sigmoid", {y});
    const std::string q = g.node("Sub", {g.scalar(1.0F), p});
    probabilities = g.node("Concat", {q, p}, {{"axis", int64_t{1}}}, "probabilities");
  } else {
    probabilities = g.node("Softmax", {y}, {{"axis", int64_t{1}}}, "probabilities");
  }
  g.output(probabilities, onnx::TensorProto::FLOAT, static_cast<int64_t>(schema.classes.size()));
  add_label(g, schema, probabilities);
}

}  // namespace mlp::onnx_export
