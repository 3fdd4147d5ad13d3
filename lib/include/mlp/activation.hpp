// The activation functions: one table, one entry per function.
//
// Each entry holds everything there is to know about one activation: its name (spelled like
// PyTorch), parameters with PyTorch's defaults and their valid ranges, the forward function, its
// derivative (and the derivative with respect to a learnable parameter), a one-line formula, and
// what the compare diagnostics need (the value of its flat region, its output bounds). Config
// validation, `mlptrain activations`, the model file, the gradient-check tests and `compare` all
// iterate this table, so adding an activation is one entry in activations.cpp and nothing else.
#pragma once

#include "mlp/param.hpp"
#include "mlp/tensor.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mlp {

// What an activation function is evaluated with: its parameter values (slots of its ParamSpec
// list, see param.hpp) and, for a learnable activation, the learned values — one shared value
// (learned_size == 1) or one per unit, i.e. per row of the batch (learned_size == rows).
struct ActivationArgs {
  std::span<const double> params;
  const Scalar* learned = nullptr;
  Index learned_size = 0;

  Scalar param(int slot) const { return static_cast<Scalar>(params[static_cast<std::size_t>(slot)]); }
  ConstVectorView learned_values() const { return ConstVectorView(learned, learned_size); }
};

// a = f(z), elementwise over a units x batch matrix.
using ActivationForward = void (*)(const ActivationArgs& args, ConstMatrixView z, MatrixView a);
// grad_z = grad_a .* f'(z). `a` is the forward output for the same z, for functions whose
// derivative is cheaper from the output (sigmoid: a(1 - a)). grad_z never aliases the inputs.
using ActivationBackward = void (*)(const ActivationArgs& args, ConstMatrixView z, ConstMatrixView a,
                                    ConstMatrixView grad_a, MatrixView grad_z);
// grad_learned(u) = sum over the batch of grad_a(u, j) * df/dlearned(z(u, j)), one value per
// unit u (size = rows); the layer sums it when the learned value is shared.
using ActivationParamGrad = void (*)(const ActivationArgs& args, ConstMatrixView z, ConstMatrixView a,
                                     ConstMatrixView grad_a, VectorView grad_learned);

// The weight initialisation an activation is usually paired with (used by `compare --init auto`).
enum class RecommendedInit { kXavier, kKaiming, kLecun };

// A learned parameter: its name in the model file (PyTorch's: PReLU "weight"), the parameter
// that gives its initial value and the one that gives how many there are (1, or the layer's units).
struct LearnableSpec {
  std::string_view name;
  std::string_view init_param;
  std::string_view count_param;
};

// The output range of a bounded activation, for the saturation diagnostic.
struct OutputBounds {
  double lo;
  double hi;
};

struct ActivationSpec {
  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  std::string_view formula;  // one line, e.g. "max(0, x) + negative_slope * min(0, x)"
  std::string_view torch;    // the matching PyTorch module, e.g. "torch.nn.LeakyReLU"
  std::initializer_list<ParamSpec> params;
  std::optional<LearnableSpec> learnable;
  ActivationForward forward;
  ActivationBackward backward;
  ActivationParamGrad param_grad;  // non-null exactly when `learnable` is set
  RecommendedInit recommended_init;
  // The constant the function takes for all large negative inputs, where its gradient is zero
  // (relu: 0, hardtanh: min_val), or nothing. A unit that outputs it for every sample is dead.
  std::optional<double> (*flat_value)(std::span<const double> params);
  // Lower and upper bound of the output when the function is bounded on both sides, else nothing.
  std::optional<OutputBounds> (*bounds)(std::span<const double> params);
  // The output is the input (identity): a network hands the input on and the gradient back
  // instead of copying them, as torch.nn.Identity costs nothing in a torch.nn.Sequential.
  bool passes_input_through = false;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
};

// Every activation, in the order listings show them.
std::span<const ActivationSpec> activations();

// The activation called `name` or one of its aliases, or nullptr.
const ActivationSpec* find_activation(std::string_view name);

// "identity, sigmoid, tanh, ...": every name, for "valid choices" in error messages.
std::string activation_names();

// An activation with its parameters resolved: what a layer is built from and a model file stores.
struct Activation {
  const ActivationSpec* spec = nullptr;
  ParamValues params;

  // With every parameter at its default. Throws InputError for an unknown name.
  static Activation with_defaults(std::string_view name);

  // "leaky_relu(negative_slope=0.1)", or just "relu" for a function without parameters: the
  // form `compare --activations` accepts back.
  std::string describe() const;
  // Value of parameter `name` (throws std::out_of_range if the function has no such parameter).
  double param(std::string_view name) const;
  // Number of learned values in a layer of `units` units (0 when nothing is learned).
  Index learned_count(Index units) const;
  std::optional<double> flat_value() const { return spec->flat_value ? spec->flat_value(params) : std::nullopt; }
  std::optional<OutputBounds> bounds() const { return spec->bounds ? spec->bounds(params) : std::nullopt; }
};

}  // namespace mlp
