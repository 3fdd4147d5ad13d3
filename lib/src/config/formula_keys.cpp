// An activation written as a formula, wherever the config names an activation: the object
// {"formula": ..., "params": {...}, "name": ..., "learn": [...], "per_unit": false}, or a string
// that is neither a name nor "name(param=value, ...)" ("x * sigmoid(x)").
#include "keys.hpp"

#include "core/suggest.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mlp {
namespace {

using nlohmann::json;
using schema::PathError;

const std::vector<std::string> kFormulaKeys = {"formula", "params", "name", "learn", "per_unit"};

// Whether the text has x as a name of its own (every formula depends on x; no name contains it).
bool mentions_x(std::string_view text) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == 'x' && (i == 0 || !word(text[i - 1])) && (i + 1 == text.size() || !word(text[i + 1]))) return true;
  }
  return false;
}

// "relu" and "leaky_relu(negative_slope=0.2)" name a table entry, and so does any text without x
// or starting with a table name and "(" (so that "rleu" gets "did you mean" and "relu(" the form
// of a call); other text is a formula: "x * sigmoid(x)", "max(x, 0.1 * x)".
bool is_formula_text(std::string_view text) {
  text = trim(text);
  if (!mentions_x(text)) return false;
  const std::size_t open = text.find('(');
  return open == std::string_view::npos || activations().find(trim(text.substr(0, open))) == nullptr;
}

std::vector<formula::Param> read_params(const json& params, const std::string& path) {
  if (params.is_null()) return {};
  if (!params.is_object()) throw PathError(path, "must be an object of parameter values, got " + schema::shown(params));
  std::vector<formula::Param> out;
  for (const auto& [name, value] : params.items()) {
    const std::string at = schema::join_path(path, name);
    if (!value.is_number()) throw PathError(at, "must be a number, got " + schema::shown(value));
    out.push_back({.name = name, .value = value.get<double>(), .learned = false});
  }
  return out;
}

std::vector<std::string> read_learn(const json& learn, const std::string& path) {
  if (learn.is_null()) return {};
  if (!learn.is_array()) throw PathError(path, "must be a list of parameter names, got " + schema::shown(learn));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < learn.size(); ++i) {
    if (!learn[i].is_string()) {
      throw PathError(path + "[" + std::to_string(i) + "]", "must be a parameter name, got " + schema::shown(learn[i]));
    }
    names.push_back(learn[i].get<std::string>());
  }
  return names;
}

// The object form with every key checked for its type (an unknown key gets "did you mean").
json given_formula(const json& value, const std::string& path) {
  for (const auto& item : value.items()) {
    if (std::ranges::find(kFormulaKeys, item.key()) == kFormulaKeys.end()) {
      throw PathError(schema::join_path(path, item.key()),
                      "unknown key of a formula activation" + suggest_or_list(item.key(), kFormulaKeys));
    }
  }
  const json& text = value["formula"];
  if (!text.is_string() || trim(text.get<std::string>()).empty()) {
    throw PathError(schema::join_path(path, "formula"), "must be a formula (text), got " + schema::shown(text));
  }
  const json name = value.value("name", json());
  if (!name.is_null() && (!name.is_string() || trim(name.get<std::string>()).empty())) {
    throw PathError(schema::join_path(path, "name"), "must be a non-empty string, got " + schema::shown(name));
  }
  // Tables, charts and compare.baseline tell activations apart by name.
  if (name.is_string() && activations().find(name.get<std::string>()) != nullptr) {
    throw PathError(schema::join_path(path, "name"),
                    "\"" + name.get<std::string>() + "\" is a built-in activation's name; give the formula another");
  }
  const json per_unit =
      value.contains("per_unit") ? schema::check_boolean(value["per_unit"], path + ".per_unit") : json(false);
  json params = json::object();
  for (const formula::Param& p : read_params(value.value("params", json()), path + ".params")) params[p.name] = p.value;
  return {{"formula", std::string(trim(text.get<std::string>()))},
          {"params", std::move(params)},
          {"name", name},
          {"learn", read_learn(value.value("learn", json()), path + ".learn")},
          {"per_unit", per_unit}};
}

// A FormulaError at the key it is about: the text's column, a parameter's value or its place
// in "learn".
// (text_form: the value at `path` is the formula itself.)
[[noreturn]] void fail_at(const formula::FormulaError& error, const json& resolved, const std::string& path,
                          bool text_form) {
  std::string at = text_form ? path : schema::join_path(path, "formula");
  if (error.column == 0 && !error.param.empty()) {
    const auto& learn = resolved["learn"];
    const bool in_learn = std::ranges::find(learn, json(error.param)) != learn.end();
    at = resolved["params"].contains(error.param) ? schema::join_path(path, "params")
         : in_learn                               ? schema::join_path(path, "learn")
                                                  : at;
  }
  throw PathError(at, error.what());
}

}  // namespace

std::span<const std::string> formula_activation_keys() { return kFormulaKeys; }

json resolve_formula_activation(const json& value, const std::string& path) {
  const bool text_form = value.is_string() && is_formula_text(value.get<std::string>());
  if (!text_form && !(value.is_object() && value.contains("formula"))) return nullptr;
  const json resolved = text_form ? given_formula({{"formula", value}}, path) : given_formula(value, path);
  try {
    formula_activation_from(resolved);
  } catch (const formula::FormulaError& error) {
    fail_at(error, resolved, path, text_form);
  }
  return resolved;
}

Activation formula_activation_from(const json& resolved) {
  std::vector<formula::Param> params;
  for (const auto& [name, value] : resolved["params"].items()) {
    params.push_back({.name = name, .value = value.get<double>(), .learned = false});
  }
  const json& name = resolved["name"];
  return Activation::of_formula(FormulaActivation::make(
      name.is_null() ? "" : name.get<std::string>(), resolved["formula"].get<std::string>(), std::move(params),
      resolved["learn"].get<std::vector<std::string>>(), resolved["per_unit"].get<bool>()));
}

}  // namespace mlp
