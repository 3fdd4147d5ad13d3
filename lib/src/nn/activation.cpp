// What every activation shares: lookup by name, resolved parameters, descriptions. The
// functions themselves are the table in activations.cpp.
#include "mlp/activation.hpp"

#include "mlp/error.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mlp {

const ActivationSpec* find_activation(std::string_view name) {
  for (const ActivationSpec& spec : activations()) {
    if (spec.name == name || std::ranges::find(spec.aliases, name) != spec.aliases.end()) return &spec;
  }
  return nullptr;
}

std::string activation_names() {
  std::string names;
  for (const ActivationSpec& spec : activations()) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

Activation Activation::with_defaults(std::string_view name) {
  const ActivationSpec* spec = find_activation(name);
  if (spec == nullptr) {
    throw InputError("unknown activation \"" + std::string(name) + "\"; valid: " + activation_names());
  }
  return {spec, default_values(spec->param_specs())};
}

std::string Activation::describe() const {
  if (spec->params.size() == 0) return std::string(spec->name);
  return std::string(spec->name) + "(" + format_values(spec->param_specs(), params) + ")";
}

double Activation::param(std::string_view name) const {
  const int slot = slot_of(spec->param_specs(), name);
  if (slot < 0)
    throw std::out_of_range("activation " + std::string(spec->name) + " has no parameter " + std::string(name));
  return params[static_cast<std::size_t>(slot)];
}

Index Activation::learned_count(Index units) const {
  if (!spec->learnable) return 0;
  const double count = param(spec->learnable->count_param);
  return count == 1 ? 1 : units;
}

}  // namespace mlp
