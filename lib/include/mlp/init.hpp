// Weight initialisers: one table, one entry per scheme, each matching a torch.nn.init function.
#pragma once

#include "mlp/param.hpp"
#include "mlp/registry.hpp"
#include "mlp/rng.hpp"
#include "mlp/tensor.hpp"

#include <span>
#include <string>
#include <string_view>

namespace mlp {

// Fills an out x in weight matrix (fan_in = in, fan_out = out) from `rng`.
using InitWeights = void (*)(std::span<const double> params, MatrixView weight, Rng& rng);

struct InitSpec {
  static constexpr std::string_view kNoun = "initializer";  // in messages: unknown initializer "x"

  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  std::string_view formula;  // the distribution, e.g. "U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))"
  std::string_view torch;    // e.g. "torch.nn.init.xavier_uniform_"
  std::initializer_list<ParamSpec> params;
  std::initializer_list<ParamRule> rules = {};  // between parameters, see param.hpp
  InitWeights init_weights;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
  std::span<const ParamRule> param_rules() const { return {rules.begin(), rules.size()}; }
};

const Registry<InitSpec>& initializers();

// How biases start. kDefault is torch.nn.Linear's: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
enum class BiasInit { kDefault, kZeros };

// A weight initialiser with its parameters resolved (lookup, defaults from registry.hpp) and how
// biases start.
struct Initializer : Configured<Initializer, InitSpec, initializers> {
  BiasInit bias = BiasInit::kDefault;

  // torch.nn.Linear's own initialisation: kaiming_uniform with a = sqrt(5), default bias.
  static Initializer pytorch_default();
  // "kaiming_uniform(a=0, mode=fan_in, nonlinearity=relu), bias zeros".
  std::string describe() const;

  // Initialises an out x in weight and its bias, weights first, from `rng`.
  void apply(MatrixView weight, VectorView bias, Rng& rng) const;
};

}  // namespace mlp
