// Reading a model back from its JSON: every key, type, shape and range is checked before
// anything is built from it, so that a damaged or hand-edited file fails with its JSON path
// instead of loading a network that computes something else. Sizes are checked before memory is
// allocated for them, so a file cannot make the loader allocate more than its own size suggests.
// The schema (features, targets, classes) is read by schema_from_json.cpp.
#include "mlp/model_file.hpp"

#include "mlp/layers.hpp"
#include "mlp/memory_budget.hpp"

#include "io/json_node.hpp"
#include "model/schema_from_json.hpp"

#include <algorithm>
#include <memory>

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

// The layer's input size, which must be the previous layer's output size (or the input count).
Index read_input_size(const JsonNode& node, std::size_t layer, Index width) {
  const Index size = node.count(1);
  if (size != width) {
    node.fail(std::to_string(size) + " does not match the " + std::to_string(width) +
              (layer == 0 ? " inputs" : " outputs of layers[" + std::to_string(layer - 1) + "]"));
  }
  return size;
}

std::unique_ptr<Layer> read_linear(const JsonNode& node, std::size_t i, Index width) {
  node.check_keys({"type", "in_features", "out_features", "weight", "bias"});
  const Index in = read_input_size(node["in_features"], i, width);
  const Index out = node["out_features"].count(1);
  const JsonNode weight = node["weight"];
  weight.expect_size(static_cast<std::size_t>(out), "rows (out_features)");
  for (std::size_t r = 0; r < weight.size(); ++r)
    weight[r].expect_size(static_cast<std::size_t>(in), "values (in_features)");
  auto dense = std::make_unique<DenseLayer>(in, out);
  Vector row(in);
  for (Index r = 0; r < out; ++r) {
    weight[static_cast<std::size_t>(r)].scalars(row.data(), static_cast<std::size_t>(in), "values (in_features)");
    dense->weight().row(r) = row.transpose();
  }
  node["bias"].scalars(dense->bias().data(), static_cast<std::size_t>(out), "values (out_features)");
  return dense;
}

// An "embedding" layer (the first one): its parts, which must cover the inputs, and each
// embedded part's weight, one row of `dim` values per input.
std::unique_ptr<Layer> read_embedding(const JsonNode& node, std::size_t i, Index width) {
  node.check_keys({"type", "in_features", "out_features", "parts"});
  if (i != 0) node["type"].fail("an embedding layer can only be the first layer");
  const Index in = read_input_size(node["in_features"], i, width);
  const JsonNode parts_node = node["parts"];
  std::vector<EmbeddingPart> parts;
  Index covered = 0;
  for (std::size_t p = 0; p < parts_node.size(); ++p) {
    const JsonNode part = parts_node[p];
    const Index dim = part["dim"].count(0);
    part.check_keys(dim > 0 ? std::initializer_list<std::string_view>{"inputs", "dim", "weight"}
                            : std::initializer_list<std::string_view>{"inputs", "dim"});
    parts.push_back({part["inputs"].count(1), dim});
    covered += parts.back().inputs;
  }
  if (parts.empty() || covered != in) {
    parts_node.fail("the parts cover " + std::to_string(covered) + " inputs, in_features is " + std::to_string(in));
  }
  auto layer = std::make_unique<EmbeddingLayer>(parts);
  const JsonNode out = node["out_features"];
  if (out.count(1) != layer->output_size()) {
    out.fail("the parts make " + std::to_string(layer->output_size()) + " outputs, got " + json_text(out.json()));
  }
  std::size_t k = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    if (parts[p].dim == 0) continue;
    const JsonNode weight = parts_node[p]["weight"];
    weight.expect_size(static_cast<std::size_t>(parts[p].inputs), "rows (one per input)");
    Matrix& e = layer->weight(k++);
    for (Index level = 0; level < parts[p].inputs; ++level) {
      weight[static_cast<std::size_t>(level)].scalars(e.col(level).data(), static_cast<std::size_t>(parts[p].dim),
                                                      "values (dim)");
    }
  }
  return layer;
}

double read_param_value(const JsonNode& node, const ParamSpec& spec) {
  const double value = spec.kind == ParamKind::kInteger ? static_cast<double>(node.integer()) : node.number();
  if (!spec.range.contains(value)) node.fail(spec.range.describe() + ", got " + json_text(node.json()));
  return value;
}

// The activation's parameters, every one required, each in the form model_to_json writes.
ParamValues read_params(const JsonNode& node, std::span<const ParamSpec> specs) {
  std::vector<std::string_view> names;
  for (const ParamSpec& spec : specs) names.push_back(spec.name);
  node.check_keys(names);
  ParamValues values;
  for (const ParamSpec& spec : specs) {
    const JsonNode param = node[spec.name];
    switch (spec.kind) {
      case ParamKind::kNumber:
      case ParamKind::kInteger:
        values.push_back(read_param_value(param, spec));
        break;
      case ParamKind::kBoolean:
        values.push_back(param.boolean() ? 1 : 0);
        break;
      case ParamKind::kChoice: {
        const std::string choice = param.string();
        const auto it = std::ranges::find(spec.choices, choice);
        if (it == spec.choices.end()) {
          std::string valid;
          for (const std::string_view c : spec.choices) valid += (valid.empty() ? "" : ", ") + std::string(c);
          param.fail("unknown choice \"" + choice + "\"; valid: " + valid);
        }
        values.push_back(static_cast<double>(it - spec.choices.begin()));
        break;
      }
      case ParamKind::kNumberPair:
        param.expect_size(2, "values");
        values.push_back(read_param_value(param[0], spec));
        values.push_back(read_param_value(param[1], spec));
        break;
    }
  }
  return values;
}

// The activation's parameters, each checked on its own, then the table's rules between them
// (hardtanh: min_val < max_val), quoting the values as the file writes them.
Activation read_activation_params(const JsonNode& params, const ActivationSpec& spec) {
  const Activation activation = Activation::of(spec, read_params(params, spec.param_specs()));
  if (const ParamRule* rule = broken_rule(spec.param_rules(), activation.params)) {
    params[rule->param].fail(explain(*rule, [&](std::string_view name) { return json_text(params[name].json()); }));
  }
  return activation;
}

// A formula activation (model_file.cpp formula_activation_json): parsed and checked again, as
// the config's was; its learned values by name.
std::unique_ptr<Layer> read_formula_activation(const JsonNode& node, std::size_t i, Index width) {
  node.check_keys({"type", "name", "formula", "units", "params", "learn", "per_unit", "learned"});
  const Index units = read_input_size(node["units"], i, width);
  const JsonNode params = node["params"];
  std::vector<formula::Param> values;
  if (!params.json().is_object()) params.fail("expected an object of parameter values");
  for (const auto& item : params.json().items()) values.push_back({item.key(), params[item.key()].number(), false});
  std::vector<std::string> learn;
  for (std::size_t k = 0; k < node["learn"].size(); ++k) learn.push_back(node["learn"][k].string());
  Activation activation;
  try {
    activation = Activation::of_formula(FormulaActivation::make(node["name"].string(), node["formula"].string(),
                                                                std::move(values), learn, node["per_unit"].boolean()));
  } catch (const formula::FormulaError& e) {
    (e.param.empty() ? node["formula"] : params).fail(e.what());
  }
  auto layer = std::make_unique<ActivationLayer>(activation, units);
  const JsonNode learned = node["learned"];
  if (!learned.json().is_object()) learned.fail("expected an object of learned values by parameter");
  // In the order the layer stores them (the formula's parameter order), whatever the file's.
  const std::vector<std::string> order = activation.learned_names();
  learned.check_keys(std::vector<std::string_view>(order.begin(), order.end()));
  const Index per_param = layer->learned_per_param();
  for (std::size_t k = 0; k < order.size(); ++k) {
    learned[order[k]].scalars(layer->learned().data() + static_cast<Index>(k) * per_param,
                              static_cast<std::size_t>(per_param),
                              per_param == 1 ? "value (per_unit false)" : "values (units)");
  }
  return layer;
}

std::unique_ptr<Layer> read_activation(const JsonNode& node, std::size_t i, Index width) {
  if (node.has("formula")) return read_formula_activation(node, i, width);
  const JsonNode name = node["name"];
  const ActivationSpec* spec = activations().find(name.string());
  if (spec == nullptr) name.fail("unknown activation \"" + name.string() + "\"; valid: " + activations().names());
  std::vector<std::string_view> keys = {"type", "name", "torch", "units", "params"};
  if (spec->learnable) keys.push_back(spec->learnable->name);
  node.check_keys(keys);
  if (node.has("torch")) node["torch"].string();  // informational (for scripts/to_torch.py), but typed
  const Index units = read_input_size(node["units"], i, width);
  const JsonNode params = node["params"];
  const Activation activation = read_activation_params(params, *spec);
  std::unique_ptr<ActivationLayer> layer;
  try {
    layer = std::make_unique<ActivationLayer>(activation, units);
  } catch (const InputError& e) {
    // The only check the layer makes itself: a learned-value count that is neither 1 nor units.
    (spec->learnable ? params[spec->learnable->count_param] : params).fail(e.what());
  }
  if (spec->learnable) {
    const std::string count = std::string(spec->learnable->count_param);
    node[spec->learnable->name].scalars(layer->learned().data(), static_cast<std::size_t>(layer->learned().size()),
                                        "values (" + count + ")");
  }
  return layer;
}

std::unique_ptr<Layer> read_dropout(const JsonNode& node, std::size_t i, Index width) {
  node.check_keys({"type", "units", "p"});
  const Index units = read_input_size(node["units"], i, width);
  const JsonNode p = node["p"];
  constexpr Range kValid = Range::closed_open(0, 1);
  if (!kValid.contains(p.number())) p.fail(kValid.describe() + ", got " + json_text(p.json()));
  // Dropout is the identity at prediction; a fixed seed makes a loaded model deterministic if
  // it is ever trained further.
  return std::make_unique<DropoutLayer>(units, p.number(), Rng(0, "dropout" + std::to_string(i)));
}

// The shape the layers describe, from their sizes alone (read_network checks everything after), so
// that what the network needs is known before any of it is allocated. Learned activation values
// are left out: at most one per unit, they are small beside the weights.
NetworkShape read_shape(const JsonNode& node, Index inputs) {
  NetworkShape shape;
  shape.inputs = inputs;
  Index width = inputs;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const JsonNode layer = node[i];
    if (layer["type"].string() == "linear") {
      const Index out = layer["out_features"].count(1);
      shape.parameters += (static_cast<double>(width) + 1) * static_cast<double>(out);
      width = out;
    } else if (layer["type"].string() == "embedding") {
      // At most one value per input and output pair of the layer (the parts are checked later).
      const Index out = layer["out_features"].count(1);
      shape.parameters += static_cast<double>(width) * static_cast<double>(out);
      width = out;
    }
    shape.widths.push_back(width);
  }
  return shape;
}

Network read_network(const JsonNode& node, Index inputs) {
  const std::size_t n = node.size();
  if (n == 0) node.fail("expected at least one layer");
  std::vector<std::unique_ptr<Layer>> layers;
  Index width = inputs;
  for (std::size_t i = 0; i < n; ++i) {
    const JsonNode layer = node[i];
    const JsonNode type = layer["type"];
    const std::string name = type.string();
    if (name == "linear") {
      layers.push_back(read_linear(layer, i, width));
    } else if (name == "activation") {
      layers.push_back(read_activation(layer, i, width));
    } else if (name == "dropout") {
      layers.push_back(read_dropout(layer, i, width));
    } else if (name == "embedding") {
      layers.push_back(read_embedding(layer, i, width));
    } else {
      type.fail("unknown layer type \"" + name + "\"; valid: linear, activation, dropout, embedding");
    }
    width = layers.back()->output_size();
  }
  return Network(std::move(layers));
}

// The network's outputs must be what the schema reads them as: one per class (or a single
// logit for two classes, as bce_with_logits trains it), or one per regression target.
void check_outputs(const JsonNode& last_layer, const DataSchema& schema, Index outputs) {
  const auto classes = static_cast<Index>(schema.classes.size());
  const auto targets = static_cast<Index>(schema.target_names.size());
  if (schema.task == Task::kClassification) {
    if (outputs == classes || (classes == 2 && outputs == 1)) return;
    last_layer.fail("gives " + std::to_string(outputs) + " outputs, but " + std::to_string(classes) + " classes need " +
                    std::to_string(classes) + (classes == 2 ? " or 1" : ""));
  }
  if (outputs != targets) {
    last_layer.fail("gives " + std::to_string(outputs) + " outputs, but " + std::to_string(targets) +
                    " regression targets need " + std::to_string(targets));
  }
}

}  // namespace

Model model_from_json(const Json& json, const std::string& source, std::uint64_t memory_limit) {
  const JsonNode root(json, source);
  if (!json.is_object()) root.fail("expected a JSON object, got " + std::string(json.type_name()));
  const JsonNode format = root["format"];
  if (format.string() != kModelFormat) {
    format.fail("expected \"" + std::string(kModelFormat) + "\", got " + json_text(format.json()) +
                ": not an mlptrain model file");
  }
  const JsonNode version = root["version"];
  if (version.integer() < 1 || version.integer() > kModelFormatVersion) {
    version.fail("model format version " + json_text(version.json()) +
                 " is not supported by this build (reads versions 1 to " + std::to_string(kModelFormatVersion) + ")");
  }
  root.check_keys({"format", "version", "task", "features", "targets", "classes", "layers"});
  DataSchema schema = read_schema(root, version.integer());
  const JsonNode layers = root["layers"];
  const Index inputs = schema.input_width();
  check_memory(prediction_memory(read_shape(layers, inputs)), memory_limit, source + ": layers");
  Network network = read_network(layers, inputs);
  check_outputs(layers[layers.size() - 1], schema, network.output_size());
  return Model{std::move(schema), std::move(network)};
}

}  // namespace mlp
