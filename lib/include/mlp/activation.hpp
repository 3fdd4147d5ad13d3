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

#include "mlp/formula.hpp"
#include "mlp/param.hpp"
#include "mlp/registry.hpp"
#include "mlp/tensor.hpp"

#include <memory>
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

// An activation the user wrote as a formula ({"formula": "x * sigmoid(beta * x)", "params":
// {"beta": 1}, "name": "swish_beta", "learn": ["beta"]}): the parsed formula with its exact
// derivatives, checked at start-up (formula::check), its compiled batch kernel, and what the
// diagnostics read from it. Immutable; shared by the layers and copies of an Activation.
struct FormulaActivation {
  std::string name;         // as configured; when none is given, the formula's text as written
  std::string text;         // the formula as written
  formula::Formula parsed;  // with the parameters' values (initial values of learned ones)
  bool per_unit = false;    // each learned parameter: one value per unit, else one per layer
  formula::Kernel<Scalar> kernel;
  formula::FlatRegion flat;
  std::optional<formula::Bounds> bounds;

  // Parses, checks and compiles. `learn` names parameters of `params` (in any order). Throws
  // formula::FormulaError (column-numbered for the text, or naming a parameter), e.g. for an
  // unknown function, a parameter never used, one named in `learn` but not in `params`, or a
  // derivative that is not finite on the start-up grid.
  static std::shared_ptr<const FormulaActivation> make(std::string name, std::string text,
                                                       std::vector<formula::Param> params,
                                                       const std::vector<std::string>& learn, bool per_unit);

  // The learned parameters' indices in parsed.params(), in that order.
  std::vector<int> learned_params() const;
};

// The table entry every formula activation points to (not in activations(): it is no function
// by itself). Its forward and backward are null: ActivationLayer runs FormulaActivation::kernel.
const ActivationSpec& formula_activation_spec();

// An activation with its parameters resolved: what a layer is built from and a model file stores
// (lookup, defaults, parameters by name and describe() come from registry.hpp), or a formula.
struct Activation : Configured<Activation, ActivationSpec, activations> {
  // Set for a formula activation; spec is then formula_activation_spec() and params empty.
  std::shared_ptr<const FormulaActivation> formula;

  static Activation of_formula(std::shared_ptr<const FormulaActivation> formula);

  // The table's name ("leaky_relu") or the formula's.
  std::string_view name() const { return formula ? std::string_view(formula->name) : spec->name; }
  // "leaky_relu(negative_slope=0.1)" as registry.hpp writes it; a formula's name.
  std::string describe() const { return formula ? formula->name : Configured::describe(); }
  // One line of maths: the table's, or the formula as written.
  std::string_view formula_text() const { return formula ? std::string_view(formula->text) : spec->formula; }
  // Number of learned values in a layer of `units` units (0 when nothing is learned).
  Index learned_count(Index units) const;
  // The learned parameters' names, in the order a layer stores their values (PReLU: "weight";
  // a formula: its learned parameters in its parameter order).
  std::vector<std::string> learned_names() const;
  std::optional<double> flat_value() const;
  std::optional<OutputBounds> bounds() const;
  std::vector<double> kinks() const { return formula ? std::vector<double>{} : spec->kinks(params); }
  RecommendedInit recommended_init() const;
  // Same function with the same parameters (for a formula: same text, parameters, learning).
  bool same_as(const Activation& other) const;
};

}  // namespace mlp
