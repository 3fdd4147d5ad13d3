// Activations written as formulas: built from the formula library (mlp/formula.hpp), and what
// an Activation answers for them (its learned values, flat region, bounds, usual initialisation).
#include "mlp/activation.hpp"

#include "mlp/text.hpp"

#include <algorithm>

namespace mlp {

std::shared_ptr<const FormulaActivation> FormulaActivation::make(std::string name, std::string text,
                                                                 std::vector<formula::Param> params,
                                                                 const std::vector<std::string>& learn, bool per_unit) {
  for (const std::string& learned : learn) {
    const auto param = std::ranges::find(params, learned, &formula::Param::name);
    if (param == params.end()) {
      throw formula::FormulaError(0, learned,
                                  "parameter " + quote_text(learned) +
                                      ": is to be learned but has no initial value in "
                                      "params");
    }
    if (param->learned) throw formula::FormulaError(0, learned, "parameter " + quote_text(learned) + ": learned twice");
    param->learned = true;
  }
  formula::Formula parsed = formula::Formula::parse(text, std::move(params));
  formula::check(parsed);
  std::vector<bool> bound_per_unit;
  for (const formula::Param& param : parsed.params()) bound_per_unit.push_back(per_unit && param.learned);
  formula::Kernel<Scalar> kernel(parsed, std::move(bound_per_unit));
  const formula::FlatRegion flat = formula::flat_region(parsed);
  const std::optional<formula::Bounds> bounds = formula::output_bounds(parsed);
  if (name.empty()) name = text;
  return std::make_shared<const FormulaActivation>(FormulaActivation{.name = std::move(name),
                                                                     .text = std::move(text),
                                                                     .parsed = std::move(parsed),
                                                                     .per_unit = per_unit,
                                                                     .kernel = std::move(kernel),
                                                                     .flat = flat,
                                                                     .bounds = bounds});
}

std::vector<int> FormulaActivation::learned_params() const {
  std::vector<int> learned;
  for (std::size_t k = 0; k < parsed.params().size(); ++k) {
    if (parsed.params()[k].learned) learned.push_back(static_cast<int>(k));
  }
  return learned;
}

const ActivationSpec& formula_activation_spec() {
  static const ActivationSpec spec = {
      .name = "formula",
      .aliases = {},
      .formula = "",
      .torch = "",
      .params = {},
      .learnable = std::nullopt,
      .forward = nullptr,
      .backward = nullptr,
      .param_grad = nullptr,
      .recommended_init = RecommendedInit::kKaiming,
      .flat_value = nullptr,
      .bounds = nullptr,
      .kinks = nullptr,
  };
  return spec;
}

Activation Activation::of_formula(std::shared_ptr<const FormulaActivation> formula) {
  Activation activation = of(formula_activation_spec(), {});
  activation.formula = std::move(formula);
  return activation;
}

Index Activation::learned_count(Index units) const {
  if (formula) {
    return static_cast<Index>(formula->kernel.learned_count()) * (formula->per_unit ? units : 1);
  }
  if (!spec->learnable) return 0;
  return param(spec->learnable->count_param) == 1 ? 1 : units;
}

std::vector<std::string> Activation::learned_names() const {
  std::vector<std::string> names;
  if (formula) {
    for (const int k : formula->learned_params())
      names.push_back(formula->parsed.params()[static_cast<std::size_t>(k)].name);
  } else if (spec->learnable) {
    names.emplace_back(spec->learnable->name);
  }
  return names;
}

std::optional<double> Activation::flat_value() const {
  if (formula) return formula->flat.value;
  return spec->flat_value ? spec->flat_value(params) : std::nullopt;
}

std::optional<OutputBounds> Activation::bounds() const {
  if (formula) {
    if (!formula->bounds) return std::nullopt;
    return OutputBounds{formula->bounds->lo, formula->bounds->hi};
  }
  return spec->bounds ? spec->bounds(params) : std::nullopt;
}

// A formula bounded on both sides behaves like tanh or sigmoid (xavier keeps its inputs in the
// part that is not flat); any other like the ReLU family, for which kaiming keeps the variance.
RecommendedInit Activation::recommended_init() const {
  if (formula) return formula->bounds ? RecommendedInit::kXavier : RecommendedInit::kKaiming;
  return spec->recommended_init;
}

bool Activation::same_as(const Activation& other) const {
  if (formula || other.formula) {
    if (!formula || !other.formula) return false;
    const auto same_param = [](const formula::Param& a, const formula::Param& b) {
      return a.name == b.name && a.value == b.value && a.learned == b.learned;
    };
    return formula->parsed.text() == other.formula->parsed.text() && formula->per_unit == other.formula->per_unit &&
           std::ranges::equal(formula->parsed.params(), other.formula->parsed.params(), same_param);
  }
  return spec == other.spec && params == other.params;
}

}  // namespace mlp
