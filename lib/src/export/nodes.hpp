// What each piece of a model becomes in an ONNX graph: an activation (built-in or formula), the
// network's layers, the data schema's inputs and standardisation, and the task's outputs. Each
// function adds nodes to `graph` after the tensor named `x` and returns the name of its result.
#pragma once

#include "export/graph.hpp"

#include "mlp/activation.hpp"
#include "mlp/dataset.hpp"
#include "mlp/formula.hpp"
#include "mlp/network.hpp"

#include <span>
#include <string>
#include <vector>

namespace mlp::onnx_export {

// f(x) for x of shape [N, units]: every activation of the table (nn/activations.cpp) is one case
// of this function, with its parameters and `learned` values (the layer's: none, one shared, or
// one per unit). Throws InputError for an activation without an ONNX mapping.
std::string add_activation(Graph& graph, const Activation& activation, std::span<const float> learned,
                           const std::string& x);

// A formula activation f(x) for x of shape [N, units]: each node of formula.graph() reachable
// from formula.value() becomes ONNX operators (log1p as Log(1 + a), comparisons as Less ...
// Not(Equal), where as Where). param_values[k] holds parameter k's value: one (shared) or one
// per unit (learned per unit, like PReLU's weight). The result has x's shape. Throws std::invalid_argument when
// param_values does not match formula.params().
std::string add_formula(Graph& graph, const formula::Formula& formula, std::span<const std::vector<float>> param_values,
                        const std::string& x);

// The network's layers after x ([N, inputs]): linear as Gemm, activations by add_activation,
// embedding as one MatMul, dropout as nothing (the identity at prediction). Throws InputError for
// a layer type without a mapping.
std::string add_layers(Graph& graph, const Network& network, const std::string& x);

// Declares the graph inputs for the schema's feature columns and returns the network's inputs,
// [N, input_width], before standardisation. See docs/model-format.md ("ONNX"): numeric columns in
// one float input "features" [N, k] (NaN: an empty cell, filled as the model says, with its
// missing indicator), each categorical column a string input [N, 1] named by the column. Throws
// InputError when a categorical column's name is one the graph uses for something else.
std::string add_inputs(Graph& graph, const DataSchema& schema);

// One elementwise step with a [columns] constant: `op`(x, values), the constant named `name`.
struct DoubleStep {
  std::string_view op;
  std::string_view name;
  const Vector& values;
};
// second(first(x)) computed in double, as mlptrain's standardisation and its undoing are, and
// cast back to float as the tensor named `result` (fresh from it).
std::string in_double(Graph& graph, const std::string& x, const DoubleStep& first, const DoubleStep& second,
                      std::string_view result);

// (x - mean) / scale per input, computed in double as mlptrain does.
std::string add_standardisation(Graph& graph, const Standardizer& standardizer, const std::string& x);

// The graph outputs for the network's output `y` ([N, outputs]): "probabilities" [N, classes]
// (softmax, or [1 - p, p] for a single logit) and "label" [N, 1] (the class of the highest
// probability) for classification; "predictions" [N, targets] in the data's units for regression.
void add_outputs(Graph& graph, const DataSchema& schema, Index outputs, const std::string& y);

}  // namespace mlp::onnx_export
