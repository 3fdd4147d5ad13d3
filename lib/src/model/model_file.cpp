// Writing and reading model files: the JSON of a model, its text, and the file itself. Reading
// the JSON back into a model (with every check) is model_from_json.cpp.
#include "mlp/model_file.hpp"

#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/layers.hpp"
#include "mlp/text.hpp"

#include "io/json_node.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <type_traits>

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

// The double to store for a weight x. A float widened to double prints with up to 17 digits
// (0.1f is 0.100000001490116119...), so x is first written as the shortest decimal that reads
// back as the same float ("0.1"), and the double nearest that decimal is stored; number_text
// writes it back as that short decimal. Reading gives the double, and rounding it to float gives
// x again — checked here, falling back to the exact widening in case double rounding ever differs.
double stored_value(Scalar x) {
  if constexpr (std::is_same_v<Scalar, float>) {
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, x);
    double shortest = 0;
    if (std::from_chars(buffer, written.ptr, shortest).ec == std::errc() && static_cast<float>(shortest) == x) {
      return shortest;
    }
  }
  return static_cast<double>(x);
}

void check_finite(double x, const std::string& where) {
  if (!std::isfinite(x)) {
    throw DivergedError("cannot save a model holding " + format_number(x) + " (at " + where +
                        "): JSON has no NaN or Inf");
  }
}

Json scalars_json(const Scalar* data, Index n, const std::string& where) {
  Json values = Json::array();
  for (Index i = 0; i < n; ++i) {
    check_finite(data[i], where);
    values.push_back(stored_value(data[i]));
  }
  return values;
}

// One parameter as the model file spells it: numbers and integers as numbers, a boolean as
// true/false, a choice as its string, a pair as a two-element array.
Json param_json(const ParamSpec& spec, const double* slots, const std::string& where) {
  for (int k = 0; k < spec.slots(); ++k) check_finite(slots[k], where);
  switch (spec.kind) {
    case ParamKind::kNumber:
      return slots[0];
    case ParamKind::kInteger:
      return static_cast<std::int64_t>(slots[0]);
    case ParamKind::kBoolean:
      return slots[0] != 0;
    case ParamKind::kChoice:
      return std::string(spec.choices.begin()[static_cast<std::size_t>(slots[0])]);
    case ParamKind::kNumberPair:
      return Json::array({slots[0], slots[1]});
  }
  throw std::logic_error("unknown parameter kind");
}

// A formula activation: its text as written, its parameters' configured values (the initial
// values of the learned ones), and this layer's learned values under "learned", by name.
Json formula_activation_json(const ActivationLayer& layer, const std::string& where) {
  const FormulaActivation& formula = *layer.activation().formula;
  Json params = Json::object();
  for (const formula::Param& param : formula.parsed.params()) {
    check_finite(param.value, where + ".params");
    params[param.name] = param.value;
  }
  Json learned = Json::object();
  const std::vector<std::string> names = layer.activation().learned_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Scalar* values = layer.learned().data() + static_cast<Index>(i) * layer.learned_per_param();
    learned[names[i]] = scalars_json(values, layer.learned_per_param(), where + ".learned." + names[i]);
  }
  return {{"type", layer.type()},         {"name", formula.name},         {"formula", formula.text},
          {"units", layer.input_size()},  {"params", std::move(params)},  {"learn", names},
          {"per_unit", formula.per_unit}, {"learned", std::move(learned)}};
}

Json activation_json(const ActivationLayer& layer, const std::string& where) {
  const Activation& activation = layer.activation();
  if (activation.formula) return formula_activation_json(layer, where);
  Json params = Json::object();
  std::size_t slot = 0;
  for (const ParamSpec& spec : activation.spec->param_specs()) {
    params[std::string(spec.name)] = param_json(spec, &activation.params[slot], where + ".params");
    slot += static_cast<std::size_t>(spec.slots());
  }
  Json json = {{"type", layer.type()},
               {"name", activation.spec->name},
               {"torch", activation.spec->torch},
               {"units", layer.input_size()},
               {"params", std::move(params)}};
  if (const auto& learnable = activation.spec->learnable) {
    const std::string name(learnable->name);
    json[name] = scalars_json(layer.learned().data(), layer.learned().size(), where + "." + name);
  }
  return json;
}

Json dense_json(const DenseLayer& layer, const std::string& where) {
  Json weight = Json::array();
  // Rows of W (out x in) are strided in column-major storage: copy each one out.
  for (Index r = 0; r < layer.output_size(); ++r) {
    const Vector row = layer.weight().row(r).transpose();
    weight.push_back(scalars_json(row.data(), row.size(), where + ".weight"));
  }
  return {{"type", layer.type()},
          {"in_features", layer.input_size()},
          {"out_features", layer.output_size()},
          {"weight", std::move(weight)},
          {"bias", scalars_json(layer.bias().data(), layer.bias().size(), where + ".bias")}};
}

// The parts in order; an embedded part's "weight" as torch.nn.Embedding(inputs, dim).weight: one
// row of dim values per input (level), i.e. E transposed.
Json embedding_json(const EmbeddingLayer& layer, const std::string& where) {
  Json parts = Json::array();
  std::size_t k = 0;
  for (const EmbeddingPart& part : layer.parts()) {
    Json json = {{"inputs", part.inputs}, {"dim", part.dim}};
    if (part.dim > 0) {
      const Matrix& e = layer.weight(k++);
      Json weight = Json::array();
      for (Index level = 0; level < e.cols(); ++level) {
        weight.push_back(scalars_json(e.col(level).data(), e.rows(), where + ".parts.weight"));
      }
      json["weight"] = std::move(weight);
    }
    parts.push_back(std::move(json));
  }
  return {{"type", layer.type()},
          {"in_features", layer.input_size()},
          {"out_features", layer.output_size()},
          {"parts", std::move(parts)}};
}

Json layer_json(const Layer& layer, const std::string& where) {
  if (const auto* dense = dynamic_cast<const DenseLayer*>(&layer)) return dense_json(*dense, where);
  if (const auto* embedding = dynamic_cast<const EmbeddingLayer*>(&layer)) return embedding_json(*embedding, where);
  if (const auto* activation = dynamic_cast<const ActivationLayer*>(&layer)) return activation_json(*activation, where);
  if (const auto* dropout = dynamic_cast<const DropoutLayer*>(&layer)) {
    return {{"type", dropout->type()}, {"units", dropout->input_size()}, {"p", dropout->p()}};
  }
  throw std::logic_error("the model file has no form for layer type " + std::string(layer.type()));
}

// The shortest decimal that reads back as x. nlohmann's own (Grisu2) is sometimes longer
// ("4.3462720000000003e-39" for 4.346272e-39); std::to_chars is always the shortest. A whole
// number keeps a ".0", so that it reads back as a float: "-0" would read as the integer 0.
std::string number_text(const Json& number) {
  if (!number.is_number_float()) return number.dump();
  char buffer[32];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, number.get<double>());
  std::string text(buffer, written.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

bool is_flat_array(const Json& json) {
  return json.is_array() && std::none_of(json.begin(), json.end(), [](const Json& e) { return e.is_structured(); });
}

// Like nlohmann's dump(2), except that an array of numbers or strings stays on one line, so a
// weight matrix reads as one line per row instead of one line per number.
void append_text(std::string& text, const Json& json, int indent) {
  if (is_flat_array(json)) {
    text += '[';
    for (std::size_t i = 0; i < json.size(); ++i) text += (i == 0 ? "" : ", ") + number_text(json[i]);
    text += ']';
    return;
  }
  if (!json.is_structured() || json.empty()) {
    text += number_text(json);
    return;
  }
  const bool object = json.is_object();
  text += object ? "{\n" : "[\n";
  bool first = true;
  for (const auto& item : json.items()) {
    text += first ? "" : ",\n";
    first = false;
    text.append(static_cast<std::size_t>(indent + 2), ' ');
    if (object) text += Json(item.key()).dump() + ": ";
    append_text(text, item.value(), indent + 2);
  }
  text += '\n';
  text.append(static_cast<std::size_t>(indent), ' ');
  text += object ? '}' : ']';
}

// {"names"}, and for regression the standardisation the network's outputs are in.
Json targets_json(const DataSchema& schema) {
  Json targets = {{"names", schema.target_names}};
  if (schema.task == Task::kRegression) {
    const auto t = static_cast<Index>(schema.target_names.size());
    const Standardizer scaling =
        schema.target_scaling.mean.size() == 0 ? Standardizer::identity(t) : schema.target_scaling;
    targets["mean"] = scalars_json(scaling.mean.data(), scaling.mean.size(), "targets.mean");
    targets["scale"] = scalars_json(scaling.scale.data(), scaling.scale.size(), "targets.scale");
  }
  return targets;
}

// {"names", "mean", "scale"}, with "columns", "inputs" and "na_values" (version 3) when the
// columns are fitted.
Json features_json(const DataSchema& schema) {
  const Standardizer& standardizer = schema.standardizer;
  Json features = {{"names", schema.feature_names}};
  if (!schema.columns.empty()) {
    if (schema.columns.size() != schema.feature_names.size()) {
      throw std::logic_error("the schema has " + std::to_string(schema.columns.size()) + " columns for " +
                             std::to_string(schema.feature_names.size()) + " feature names");
    }
    Json columns = Json::array();
    std::vector<std::string> inputs;
    for (const FeatureColumn& column : schema.columns) {
      columns.push_back(feature_column_json(column));
      for (std::string& name : column.input_names()) inputs.push_back(std::move(name));
    }
    features["columns"] = std::move(columns);
    features["inputs"] = std::move(inputs);
    features["na_values"] = schema.na_values;
  }
  features["mean"] = scalars_json(standardizer.mean.data(), standardizer.mean.size(), "features.mean");
  features["scale"] = scalars_json(standardizer.scale.data(), standardizer.scale.size(), "features.scale");
  return features;
}

}  // namespace

Json feature_column_json(const FeatureColumn& column) {
  Json json = {{"name", column.name}, {"type", column_type_name(column.type)}};
  if (column.type == ColumnType::kNumeric) {
    check_finite(column.fill, "the fill of feature column " + column.name);
    json["fill"] = column.fill;
    json["indicator"] = column.indicator;
  } else {
    json["levels"] = column.levels;
    json["missing_level"] = column.missing_level;
    json["other_level"] = column.other_level;
  }
  return json;
}

Json model_to_json(const Model& model) {
  const DataSchema& schema = model.schema;
  Json layers = Json::array();
  for (std::size_t i = 0; i < model.network.layer_count(); ++i) {
    layers.push_back(layer_json(model.network.layer(i), "layers[" + std::to_string(i) + "]"));
  }
  return {{"format", kModelFormat},
          {"version", schema.columns.empty() ? kPlainColumnsFormatVersion : kModelFormatVersion},
          {"task", task_name(schema.task)},
          {"features", features_json(schema)},
          {"targets", targets_json(schema)},
          {"classes", schema.classes},
          {"layers", std::move(layers)}};
}

std::string model_text(const Model& model) {
  std::string text;
  append_text(text, model_to_json(model), 0);
  return text + '\n';
}

void save_model(const Model& model, const std::filesystem::path& path) {
  write_file_atomically(path, model_text(model));
}

Model load_model(const std::filesystem::path& path, std::uint64_t memory_limit) {
  return model_from_json(read_json_file(path, "model file"), path.string(), memory_limit);
}

}  // namespace mlp
