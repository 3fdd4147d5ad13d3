// Weight initialisers: one table, one entry per scheme, each matching a torch.nn.init function.
#pragma once

#include "mlp/param.hpp"
#include "mlp/rng.hpp"
#include "mlp/tensor.hpp"

#include <span>
#include <string>
#include <string_view>

namespace mlp {

// Fills an out x in weight matrix (fan_in = in, fan_out = out) from `rng`.
using InitWeights = void (*)(std::span<const double> params, MatrixView weight, Rng& rng);

struct InitSpec {
  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  std::string_view formula;  // the distribution, e.g. "U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))"
  std::string_view torch;    // e.g. "torch.nn.init.xavier_uniform_"
  std::initializer_list<ParamSpec> params;
  InitWeights init_weights;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
};

std::span<const InitSpec> initializers();
const InitSpec* find_initializer(std::string_view name);
std::string initializer_names();

// How biases start. kDefault is torch.nn.Linear's: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
enum class BiasInit { kDefault, kZeros };

struct Initializer {
  const InitSpec* spec = nullptr;
  ParamValues params;
  BiasInit bias = BiasInit::kDefault;

  // torch.nn.Linear's own initialisation: kaiming_uniform with a = sqrt(5), default bias.
  static Initializer pytorch_default();
  // With every parameter at its default. Throws InputError for an unknown name.
  static Initializer with_defaults(std::string_view name);
  std::string describe() const;

  // Initialises an out x in weight and its bias, weights first, from `rng`.
  void apply(MatrixView weight, VectorView bias, Rng& rng) const;
};

}  // namespace mlp
