// The weight initialisers, each matching a torch.nn.init function with its default arguments.
#include "mlp/init.hpp"

#include <cmath>

namespace mlp {
namespace {

void fill_uniform(MatrixView weight, double bound, Rng& rng) {
  for (Index i = 0; i < weight.size(); ++i) weight.data()[i] = static_cast<Scalar>(rng.uniform(-bound, bound));
}

void fill_normal(MatrixView weight, double stddev, Rng& rng) {
  for (Index i = 0; i < weight.size(); ++i) weight.data()[i] = static_cast<Scalar>(rng.normal(0, stddev));
}

double fan_in(MatrixView weight) { return static_cast<double>(weight.cols()); }
double fan_out(MatrixView weight) { return static_cast<double>(weight.rows()); }

// Parameters of the kaiming schemes, as torch.nn.init.kaiming_uniform_(a, mode, nonlinearity).
const std::initializer_list<ParamSpec> kKaimingParams = {
    {.name = "a",
     .kind = ParamKind::kNumber,
     .default_value = 0,
     .range = Range::at_least(0),
     .description = "negative slope of the rectifier that follows (used when nonlinearity is leaky_relu)"},
    {.name = "mode",
     .kind = ParamKind::kChoice,
     .default_value = 0,
     .description = "preserve the variance of the forward pass (fan_in) or of the backward pass (fan_out)",
     .choices = {"fan_in", "fan_out"}},
    {.name = "nonlinearity",
     .kind = ParamKind::kChoice,
     .default_value = 0,
     .description = "gain sqrt(2 / (1 + a^2)) for leaky_relu, sqrt(2) for relu",
     .choices = {"leaky_relu", "relu"}},
};

// The gain reads `a` only for leaky_relu: with relu, an `a` would be accepted and change nothing.
// (Slots: a, mode, nonlinearity; leaky_relu is choice 0.)
const std::initializer_list<ParamRule> kKaimingRules = {
    {.holds = [](std::span<const double> params) { return params[0] == 0 || params[2] == 0; },
     .param = "a",
     .message = "is used only with nonlinearity leaky_relu, got nonlinearity {nonlinearity}"},
};

// std / gain of torch.nn.init.kaiming_*: gain / sqrt(fan).
double kaiming_std(std::span<const double> params, MatrixView weight) {
  const double a = params[0];
  const double fan = params[1] == 0 ? fan_in(weight) : fan_out(weight);
  const double gain = params[2] == 0 ? std::sqrt(2.0 / (1.0 + a * a)) : std::sqrt(2.0);
  return gain / std::sqrt(fan);
}

const std::initializer_list<ParamSpec> kGainParams = {
    {.name = "gain",
     .kind = ParamKind::kNumber,
     .default_value = 1,
     .range = Range::greater_than(0),
     .description = "scale factor (torch.nn.init.calculate_gain gives the usual one per activation)"},
};

const InitSpec kInitializers[] = {
    {
        .name = "default",
        .aliases = {"pytorch"},
        .formula = "U(-b, b), b = 1 / sqrt(fan_in) (kaiming_uniform with a = sqrt(5))",
        .torch = "torch.nn.Linear.reset_parameters",
        .params = {},
        .init_weights = [](std::span<const double>, MatrixView w,
                           Rng& rng) { fill_uniform(w, 1.0 / std::sqrt(fan_in(w)), rng); },
    },
    {
        .name = "xavier_uniform",
        .aliases = {"glorot_uniform"},
        .formula = "U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))",
        .torch = "torch.nn.init.xavier_uniform_",
        .params = kGainParams,
        .init_weights = [](std::span<const double> p, MatrixView w,
                           Rng& rng) { fill_uniform(w, p[0] * std::sqrt(6.0 / (fan_in(w) + fan_out(w))), rng); },
    },
    {
        .name = "xavier_normal",
        .aliases = {"glorot_normal"},
        .formula = "N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))",
        .torch = "torch.nn.init.xavier_normal_",
        .params = kGainParams,
        .init_weights = [](std::span<const double> p, MatrixView w,
                           Rng& rng) { fill_normal(w, p[0] * std::sqrt(2.0 / (fan_in(w) + fan_out(w))), rng); },
    },
    {
        .name = "kaiming_uniform",
        .aliases = {"he_uniform"},
        .formula = "U(-b, b), b = sqrt(3) * gain / sqrt(fan)",
        .torch = "torch.nn.init.kaiming_uniform_",
        .params = kKaimingParams,
        .rules = kKaimingRules,
        .init_weights = [](std::span<const double> p, MatrixView w,
                           Rng& rng) { fill_uniform(w, std::sqrt(3.0) * kaiming_std(p, w), rng); },
    },
    {
        .name = "kaiming_normal",
        .aliases = {"he_normal"},
        .formula = "N(0, std^2), std = gain / sqrt(fan)",
        .torch = "torch.nn.init.kaiming_normal_",
        .params = kKaimingParams,
        .rules = kKaimingRules,
        .init_weights = [](std::span<const double> p, MatrixView w,
                           Rng& rng) { fill_normal(w, kaiming_std(p, w), rng); },
    },
    {
        .name = "lecun_normal",
        .aliases = {},
        .formula = "N(0, std^2), std = 1 / sqrt(fan_in) (PyTorch has no function; the SELU paper's choice)",
        .torch = "torch.nn.init.normal_(std=1/sqrt(fan_in))",
        .params = {},
        .init_weights = [](std::span<const double>, MatrixView w,
                           Rng& rng) { fill_normal(w, 1.0 / std::sqrt(fan_in(w)), rng); },
    },
};

}  // namespace

const Registry<InitSpec>& initializers() {
  static const Registry<InitSpec> registry(kInitializers);
  return registry;
}

Initializer Initializer::pytorch_default() { return with_defaults("default"); }

std::string Initializer::describe() const {
  return describe_with({}) + (bias == BiasInit::kZeros ? ", bias zeros" : ", bias default");
}

void Initializer::apply(MatrixView weight, VectorView bias_values, Rng& rng) const {
  spec->init_weights(params, weight, rng);
  if (bias == BiasInit::kZeros) {
    bias_values.setZero();
  } else {
    // torch.nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) whatever the weight scheme.
    const double bound = 1.0 / std::sqrt(static_cast<double>(weight.cols()));
    for (Index i = 0; i < bias_values.size(); ++i) bias_values[i] = static_cast<Scalar>(rng.uniform(-bound, bound));
  }
}

}  // namespace mlp
