// The activation functions: one table (nn/activations.cpp), one entry per function.
//
// Each entry holds everything there is to know about one activation: its name (spelled like
// PyTorch), parameters with PyTorch's defaults and their valid ranges, rules between parameters
// (hardtanh: min_val < max_val), the forward function, its derivative (and the derivative with
// respect to a learnable parameter), a one-line formula, its kinks, and what the compare
// diagnostics need (the value of its flat region, its output bounds). Config validation,
// `mlptrain activations`, the model file, docs/config.md, the gradient-check tests and `compare`
// all iterate this table. Adding an activation is one entry there, then regenerating the PyTorch
// reference values the tests compare with (tests/reference/activations.py): docs/activations.md
// says how, and what the tests then check by themselves.
#pragma once

#include "mlp/param.hpp"
#include "mlp/registry.hpp"
#include "mlp/tensor.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
  static constexpr std::string_view kNoun = "activation";  // in messages: unknown activation "x"

  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  std::string_view formula;  // one line, e.g. "max(0, x) + negative_slope * min(0, x)"
  std::string_view torch;    // the matching PyTorch module, e.g. "torch.nn.LeakyReLU"
  std::initializer_list<ParamSpec> params;
  std::initializer_list<ParamRule> rules = {};  // between parameters, see param.hpp
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
  // The points where f is not twice differentiable: where f' jumps (relu at 0, hardtanh at
  // min_val and max_val) and where only f'' does (celu at 0). A finite difference straddling one
  // measures neither side, so the gradient checks keep their sample points away from them.
  std::vector<double> (*kinks)(std::span<const double> params);
  // The output is the input (identity): a network hands the input on and the gradient back
  // instead of copying them, as torch.nn.Identity costs nothing in a torch.nn.Sequential.
  bool passes_input_through = false;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
  std::span<const ParamRule> param_rules() const { return {rules.begin(), rules.size()}; }
};

// Every activation, in the order listings show them.
const Registry<ActivationSpec>& activations();

// An activation with its parameters resolved: what a layer is built from and a model file stores
// (lookup, defaults, parameters by name and describe() come from registry.hpp).
struct Activation : Configured<Activation, ActivationSpec, activations> {
  // Number of learned values in a layer of `units` units (0 when nothing is learned).
  Index learned_count(Index units) const {
    if (!spec->learnable) return 0;
    return param(spec->learnable->count_param) == 1 ? 1 : units;
  }
  std::optional<double> flat_value() const { return spec->flat_value ? spec->flat_value(params) : std::nullopt; }
  std::optional<OutputBounds> bounds() const { return spec->bounds ? spec->bounds(params) : std::nullopt; }
  std::vector<double> kinks() const { return spec->kinks(params); }
};

}  // namespace mlp
