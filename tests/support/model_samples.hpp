// Models for the model-file tests: a small one whose JSON the error tests edit, and one with a
// layer of every activation in the table (learnable ones both shared and per unit) and dropout.
#pragma once

#include "mlp/layers.hpp"
#include "mlp/model_file.hpp"

#include "same_bits.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace mlp::test {

inline DataSchema classification_schema() {
  DataSchema schema;
  schema.task = Task::kClassification;
  schema.feature_names = {"f0", "f1", "f2", "f3"};
  schema.target_names = {"label"};
  schema.classes = {"a", "b", "c"};
  schema.standardizer.mean = (Vector(4) << 0.5f, -1.0f, 2.0f, 0.0f).finished();
  schema.standardizer.scale = (Vector(4) << 1.5f, 0.25f, 3.0f, 1.0f).finished();
  return schema;
}

// The activation with every number parameter moved off its default where its range allows, so
// that a file which dropped a parameter (loading the default) would not pass.
inline Activation off_default(const ActivationSpec& spec) {
  Activation activation = Activation::with_defaults(spec.name);
  for (const ParamSpec& param : spec.param_specs()) {
    if (param.kind != ParamKind::kNumber) continue;
    for (const double candidate : {param.default_value + 0.125, param.default_value - 0.125}) {
      if (param.range.contains(candidate)) {
        set_param(spec.param_specs(), {param.name, candidate}, activation.params, spec.name);
        break;
      }
    }
  }
  return activation;
}

inline constexpr Index kSampleWidth = 5;

// Two formulas that use every function and operator of the formula language between them
// (where's branches agree where == and != switch, so that f' is what finite differences see).
inline constexpr std::string_view kSampleFormulas[] = {
    "alpha * x * sigmoid(beta * x) + gamma * (tanh(x) + erf(x) / 2 - sin(x) * cos(x)) + 0.01 * exp(-x^2)",
    "max(x, beta * x) + where(x <= 1, gamma * softplus(x), gamma * softplus(1) + log1p(abs(x - 1)) ^ 2) - "
    "min(0, alpha * sqrt(x^2 + 1)) + where(x < -3, 0.1 * (x + 3), 0) + where(x >= 2, 0.2 * (x - 2), 0) + "
    "where(x == 0.3, 0.01 * x, 0.01 * sin(x) + 0.01 * (x - sin(x))) + where(x != 0.5, 0.01 * log(2 + x^2), "
    "0.01 * log(2 + x * x))"};

// 4 features -> [linear(5), activation] for every activation (twice for a learnable one: one
// value shared, then one per unit) -> dropout(0.25) -> linear(3). Learned values are drawn at
// random, so that each one has to be stored.
inline Model every_layer_model(std::uint64_t seed) {
  std::vector<LayerSpec> specs;
  for (const ActivationSpec& spec : activations()) {
    specs.push_back(LayerSpec::linear(kSampleWidth));
    specs.push_back(LayerSpec::activation_of(off_default(spec)));
    if (spec.learnable) {
      Activation per_unit = off_default(spec);
      set_param(spec.param_specs(), {spec.learnable->count_param, kSampleWidth}, per_unit.params, spec.name);
      specs.push_back(LayerSpec::linear(kSampleWidth));
      specs.push_back(LayerSpec::activation_of(per_unit));
    }
  }
  // Formula activations using every function of the language, one learning its parameters
  // shared by the layer, one per unit.
  for (const bool per_unit : {false, true}) {
    specs.push_back(LayerSpec::linear(kSampleWidth));
    specs.push_back(LayerSpec::activation_of(Activation::of_formula(FormulaActivation::make(
        per_unit ? "formula_per_unit" : "formula_shared", std::string(kSampleFormulas[per_unit ? 1 : 0]),
        {{.name = "alpha", .value = 1.25}, {.name = "beta", .value = 0.75}, {.name = "gamma", .value = 0.1}},
        {"alpha", "beta"}, per_unit))));
  }
  specs.push_back(LayerSpec::dropout(0.25));
  Model model{classification_schema(), Network::build(4, specs, 3, Initializer::pytorch_default(), seed)};
  Rng rng(seed, "learned");
  for (std::size_t i = 0; i < model.network.layer_count(); ++i) {
    if (auto* layer = dynamic_cast<ActivationLayer*>(&model.network.layer(i))) {
      for (Scalar& value : layer->learned()) value = static_cast<Scalar>(rng.uniform(0.05, 0.5));
    }
  }
  return model;
}

// 4 features -> linear(3) -> prelu with one slope per unit -> dropout(0.5) -> linear(3), for
// 3 classes: layers[0] linear, [1] activation, [2] dropout, [3] linear.
inline Model small_model() {
  const Activation prelu = Activation::with("prelu", {{"num_parameters", 3}});
  const LayerSpec specs[] = {LayerSpec::linear(3), LayerSpec::activation_of(prelu), LayerSpec::dropout(0.5)};
  return Model{classification_schema(), Network::build(4, specs, 3, Initializer::pytorch_default(), 7)};
}

// Fitted feature columns of every kind, as a real table gives them (DataSchema::columns): age,
// numeric with gaps (a fill and a missing indicator); sex, categorical with two levels; port,
// categorical with an input for an empty cell and one for rare levels; fare, numeric without gaps.
// Inputs: age, age (missing), sex=female, sex=male, port=C, port=Q, port=S, port (missing),
// port (other), fare. Standardised: age and fare only.
inline constexpr Index kMixedInputs = 10;
inline DataSchema mixed_schema() {
  DataSchema schema;
  schema.task = Task::kClassification;
  schema.feature_names = {"age", "sex", "port", "fare"};
  schema.columns = {{.name = "age", .type = ColumnType::kNumeric, .fill = 28.25, .indicator = true},
                    {.name = "sex", .type = ColumnType::kCategorical, .levels = {"female", "male"}},
                    {.name = "port",
                     .type = ColumnType::kCategorical,
                     .levels = {"C", "Q", "S"},
                     .missing_level = true,
                     .other_level = true},
                    // Not a float: a median halfway between two floats is kept as the double it is.
                    {.name = "fare", .type = ColumnType::kNumeric, .fill = 14.4542}};
  schema.target_names = {"survived"};
  schema.classes = {"no", "yes"};
  schema.standardizer = Standardizer::identity(kMixedInputs);
  schema.standardizer.mean[0] = 29.7f;
  schema.standardizer.scale[0] = 14.5f;
  schema.standardizer.mean[9] = 32.2f;
  schema.standardizer.scale[9] = 49.7f;
  return schema;
}

// mixed_schema() -> linear(6) -> relu -> linear(2).
inline Model mixed_model(std::uint64_t seed) {
  const LayerSpec specs[] = {LayerSpec::linear(6), LayerSpec::activation_of(Activation::with_defaults("relu"))};
  return Model{mixed_schema(), Network::build(kMixedInputs, specs, 2, Initializer::pytorch_default(), seed)};
}

// Random inputs, `features` x n, drawn from a fixed seed.
inline Matrix random_inputs(Index features, Index n, std::uint64_t seed) {
  Rng rng(seed, "inputs");
  Matrix x(features, n);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<Scalar>(rng.uniform(-3, 3));
  return x;
}

}  // namespace mlp::test
