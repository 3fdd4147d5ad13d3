// mlptrain's config: every key and family declared once, with the checks that span several keys.
// schema/schema.hpp is the machinery these declarations drive.
#pragma once

#include "schema/schema.hpp"

#include "mlp/activation.hpp"

#include <span>

namespace mlp {

// Seeds go up to 2^53 - 1: exact in a double and in any JSON reader.
inline constexpr double kMaxSeed = 9007199254740991.0;
// Units of a linear layer: far beyond any MLP this trainer is for, low enough to refuse typos.
inline constexpr double kMaxUnits = 1 << 20;

// Every key of a config, section by section (data, model, train, output, compare), in the order
// they are resolved: a key whose default or check reads another comes after it.
std::span<const schema::Key> config_keys();

// The kinds of model.layers entries, each with its own keys besides "type".
struct LayerKind {
  std::string_view type;  // "linear", "activation", "dropout"
  std::string_view torch;
  std::initializer_list<schema::Key> keys;

  std::span<const schema::Key> key_specs() const { return {keys.begin(), keys.size()}; }
};
std::span<const LayerKind> layer_kinds();

// The families, each once; families() lists them in the order the docs show them.
const schema::Family& activation_family();
const schema::Family& loss_family();
const schema::Family& optimizer_family();
const schema::Family& schedule_family();
const schema::Family& initializer_family();
std::span<const schema::Family* const> families();

// model.layers: an explicit list checked entry by entry, or (null) the compact form expanded
// from model.hidden, model.activation and model.dropout. Throws schema::PathError.
nlohmann::json resolve_layers(const nlohmann::json& value, const std::string& path, schema::Context& context);

// Whether activation layer `index` of the resolved model.layers uses model.activation (the
// compact form, or an entry that names no activation): those are the ones `compare` replaces.
// `defaulted` tells, since such an activation was defaulted from model.activation.
bool follows_model_activation(const std::vector<std::string>& defaulted, std::size_t index);

// compare.seeds: a count N (seeds train.seed .. train.seed + N - 1) or a list of seeds.
nlohmann::json resolve_seeds(const nlohmann::json& value, const std::string& path, schema::Context& context);

// compare.baseline: a name alone ("leaky_relu") stays a name, to be matched by name; a spec
// ("leaky_relu(negative_slope=0.2)" or an object with parameters) is resolved with every
// parameter, to be matched whole. Throws schema::PathError for an unknown activation or parameter.
nlohmann::json resolve_baseline(const nlohmann::json& value, const std::string& path, schema::Context& context);

// The entries of `activations` a resolved compare.baseline names: those of its name, or those
// equal to its spec. check_consistency makes it exactly one, except for the default baseline.
std::vector<std::size_t> baseline_matches(const nlohmann::json& baseline, std::span<const Activation> activations);

// The checks that involve several keys, once all are resolved (data.val_fraction with data.val,
// a loss that does not fit the task, ...). Throws schema::PathError.
void check_consistency(const schema::Context& context);

// A resolved activation ({"name": ..., parameters}, or a formula's object) as the library's value.
Activation activation_from(const nlohmann::json& resolved);

// An activation written as a formula (config/formula_keys.cpp): the object {"formula", "params",
// "name", "learn", "per_unit"} or a string that is a formula, resolved with every key, checked
// (parsed, derivatives checked on the start-up grid); null when `value` is neither, so that it
// is resolved as a name. Throws schema::PathError at the key an error is about:
// "model.activation.formula: col 14: unknown function "sigmod"; did you mean "sigmoid"?".
nlohmann::json resolve_formula_activation(const nlohmann::json& value, const std::string& path);
// The keys of a formula activation's object, for the guard test and the docs.
std::span<const std::string> formula_activation_keys();
// A resolved formula activation as the library's value.
Activation formula_activation_from(const nlohmann::json& resolved);

}  // namespace mlp
