// The keys whose values are more than a type and a range: model.layers (a list of typed layer
// objects, or the expansion of the compact form), compare.seeds (a count or a list) and
// compare.baseline (a name or a whole spec).
#include "keys.hpp"

#include "core/suggest.hpp"

#include <string>

namespace mlp {
namespace {

using nlohmann::json;
using schema::Key;
using schema::PathError;
using schema::Type;

const LayerKind kLayerKinds[] = {
    {.type = "linear",
     .torch = "torch.nn.Linear",
     .keys = {{.path = "units",
               .type = Type::kInteger,
               .default_json = "",
               .description = "output features",
               .range = Range::closed(1, kMaxUnits)}}},
    {.type = "activation",
     .torch = "the activation's module",
     .keys = {{.path = "activation",
               .type = Type::kFamily,
               .default_json = "model.activation",
               .description = "the function, as in model.activation",
               .family = &activation_family(),
               .derive = [](const Key&, const schema::Context& c) { return c.resolved["model"]["activation"]; }}}},
    {.type = "dropout",
     .torch = "torch.nn.Dropout",
     .keys = {{.path = "p",
               .type = Type::kNumber,
               .default_json = "0.5",
               .description = "probability of zeroing each value in training (the rest are scaled by 1 / (1 - p))",
               .range = Range::closed_open(0, 1)}}},
};

// A learnable activation (prelu) learns one value shared by the layer or one per unit; its
// count parameter must say which for a layer of `units` units.
void check_learned_count(const json& activation, json::number_integer_t units, const std::string& path) {
  if (activation.contains("formula")) return;  // a formula learns 1 value per layer or per unit, whatever the units
  const ActivationSpec* spec = activations().find(activation["name"].get<std::string>());
  if (!spec->learnable) return;
  const std::string count_param(spec->learnable->count_param);
  const auto count = activation[count_param].get<json::number_integer_t>();
  if (count != 1 && count != units) {
    throw PathError(schema::join_path(path, count_param),
                    "must be 1 or the layer's units (" + std::to_string(units) + "), got " + std::to_string(count));
  }
}

// The compact form: each hidden width followed by model.activation (and dropout when asked).
json expand_hidden(const json& model) {
  json layers = json::array();
  for (const json& units : model["hidden"]) {
    check_learned_count(model["activation"], units.get<json::number_integer_t>(), "model.activation");
    layers.push_back({{"type", "linear"}, {"units", units}});
    layers.push_back({{"type", "activation"}, {"activation", model["activation"]}});
    if (model["dropout"].get<double>() > 0) layers.push_back({{"type", "dropout"}, {"p", model["dropout"]}});
  }
  return layers;
}

std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (const LayerKind& kind : kLayerKinds) names.emplace_back(kind.type);
  return names;
}

json resolve_layer(const json& value, const std::string& path, schema::Context& context) {
  if (!value.is_object()) throw PathError(path, "must be an object with \"type\", got " + schema::shown(value));
  if (!value.contains("type")) throw PathError(path, "missing \"type\" (one of " + join(kind_names()) + ")");
  const std::string type_path = path + ".type";
  const std::vector<std::string> names = kind_names();
  const std::string type =
      schema::check_choice(value["type"], std::vector<std::string_view>(names.begin(), names.end()), type_path)
          .get<std::string>();
  const LayerKind& kind = *std::ranges::find(kLayerKinds, type, &LayerKind::type);
  json rest = value;
  rest.erase("type");
  json layer = {{"type", type}};
  schema::resolve_object(kind.key_specs(), rest, path, layer, context);
  return layer;
}

}  // namespace

std::span<const LayerKind> layer_kinds() { return kLayerKinds; }

bool follows_model_activation(const std::vector<std::string>& defaulted, std::size_t index) {
  const auto has = [&](const std::string& path) { return std::ranges::find(defaulted, path) != defaulted.end(); };
  return has("model.layers") || has("model.layers[" + std::to_string(index) + "].activation");
}

json resolve_layers(const json& value, const std::string& path, schema::Context& context) {
  const json& model = context.resolved["model"];
  if (value.is_null()) return expand_hidden(model);
  if (!model["hidden"].is_null()) {
    throw PathError(path, "give model.hidden (the compact form) or model.layers (explicit layers), not both");
  }
  const json* dropout = schema::find_path(*context.raw, "model.dropout");
  if (dropout != nullptr && dropout->is_number() && dropout->get<double>() != 0) {
    throw PathError("model.dropout",
                    "applies to model.hidden only; with model.layers, add {\"type\": \"dropout\", "
                    "\"p\": ...} entries");
  }
  if (!value.is_array()) throw PathError(path, "must be a list of layers, got " + schema::shown(value));
  json layers = json::array();
  json::number_integer_t units = 0;  // of the last linear layer; 0 before the first
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    json layer = resolve_layer(value[i], at, context);
    if (layer["type"] == "linear") units = layer["units"].get<json::number_integer_t>();
    if (layer["type"] == "activation" && units > 0) check_learned_count(layer["activation"], units, at + ".activation");
    layers.push_back(std::move(layer));
  }
  return layers;
}

json resolve_seeds(const json& value, const std::string& path, schema::Context& context) {
  const Range seed_range = Range::closed(0, kMaxSeed);
  if (value.is_number()) {
    const auto count = schema::check_integer(value, Range::closed(1, 10000), path).get<std::int64_t>();
    const auto first = context.resolved["train"]["seed"].get<std::int64_t>();
    if (first + count - 1 > kMaxSeed) throw PathError(path, "seeds would pass 2^53 - 1 (train.seed + count - 1)");
    json seeds = json::array();
    for (std::int64_t i = 0; i < count; ++i) seeds.push_back(first + i);
    return seeds;
  }
  if (!value.is_array() || value.empty()) {
    throw PathError(path, "must be a number of seeds or a non-empty list of seeds, got " + schema::shown(value));
  }
  json seeds = json::array();
  for (std::size_t i = 0; i < value.size(); ++i) {
    seeds.push_back(schema::check_integer(value[i], seed_range, path + "[" + std::to_string(i) + "]"));
  }
  return seeds;
}

json resolve_baseline(const json& value, const std::string& path, schema::Context& context) {
  // The name of a formula activation in compare.activations.
  if (value.is_string()) {
    for (const json& entry : context.resolved["compare"]["activations"]) {
      if (entry.contains("formula") && entry["name"] == value) return value;
    }
  }
  const json member = schema::resolve_member(activation_family(), value, path);
  if (member.contains("formula")) return member;
  const json written = value.is_string() ? schema::call_or_name(value.get<std::string>(), path) : value;
  const bool name_alone = written.size() == 1;  // {"name": ...}: resolve_member saw to the name
  return name_alone ? member["name"] : member;
}

std::vector<std::size_t> baseline_matches(const json& baseline, std::span<const Activation> activations) {
  const std::optional<Activation> spec =
      baseline.is_string() ? std::nullopt : std::optional<Activation>(activation_from(baseline));
  std::vector<std::size_t> matches;
  for (std::size_t i = 0; i < activations.size(); ++i) {
    const Activation& a = activations[i];
    if (spec ? a.same_as(*spec) : a.name() == baseline.get<std::string>()) {
      matches.push_back(i);
    }
  }
  return matches;
}

}  // namespace mlp
