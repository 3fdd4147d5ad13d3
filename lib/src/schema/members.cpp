// Families of named, parameterised things (activations, losses, optimizers, schedules,
// initialisers) in a config: a name, "name(param=value, ...)", or {"name": ..., param: value},
// checked against the member's ParamSpecs.
#include "schema.hpp"

#include "core/suggest.hpp"
#include "io/strict_json.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <cctype>

namespace mlp::schema {
namespace {

using nlohmann::json;

std::vector<std::string> member_names(const Family& family) {
  std::vector<std::string> names;
  for (const Member& member : family.members()) names.emplace_back(member.name);
  return names;
}

// The member's own parameters, then the family's common ones.
std::vector<const ParamSpec*> parameters(const Family& family, const Member& member) {
  std::vector<const ParamSpec*> specs;
  for (const ParamSpec& spec : member.params) specs.push_back(&spec);
  for (const ParamSpec& spec : family.common_specs()) specs.push_back(&spec);
  return specs;
}

json default_json(const ParamSpec& spec) {
  switch (spec.kind) {
    case ParamKind::kInteger:
      return static_cast<std::int64_t>(spec.default_value);
    case ParamKind::kBoolean:
      return spec.default_value != 0;
    case ParamKind::kChoice:
      return std::string(spec.choices.begin()[static_cast<std::size_t>(spec.default_value)]);
    case ParamKind::kNumberPair:
      return json::array({spec.default_value, spec.default_second});
    case ParamKind::kNumber:
      break;
  }
  return spec.default_value;
}

json check_param(const ParamSpec& spec, const json& value, const std::string& path) {
  switch (spec.kind) {
    case ParamKind::kInteger:
      return check_integer(value, spec.range, path);
    case ParamKind::kBoolean:
      return check_boolean(value, path);
    case ParamKind::kChoice:
      return check_choice(value, {spec.choices.begin(), spec.choices.size()}, path);
    case ParamKind::kNumberPair:
      if (!value.is_array() || value.size() != 2) {
        throw PathError(path, "must be a list of 2 numbers, got " + shown(value));
      }
      return json::array(
          {check_number(value[0], spec.range, path + "[0]"), check_number(value[1], spec.range, path + "[1]")});
    case ParamKind::kNumber:
      break;
  }
  return check_number(value, spec.range, path);
}

bool is_identifier(std::string_view text) {
  return !text.empty() &&
         std::ranges::all_of(text, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

}  // namespace

std::optional<Member> find_member(const Family& family, std::string_view name) {
  for (const Member& member : family.members()) {
    if (member.name == name || std::ranges::find(member.aliases, name) != member.aliases.end()) return member;
  }
  return std::nullopt;
}

void check_parameter_name(const Family& family, const json& value, std::string_view name, const std::string& path) {
  if (!value.contains("name") || !value["name"].is_string()) return;
  const std::optional<Member> member = find_member(family, value["name"].get<std::string>());
  if (!member) return;
  std::vector<std::string> names;
  for (const ParamSpec* spec : parameters(family, *member)) names.emplace_back(spec->name);
  if (std::ranges::find(names, name) != names.end()) return;
  const std::string at = join_path(path, name);
  if (names.empty()) throw PathError(at, "unknown parameter; " + std::string(member->name) + " has no parameters");
  throw PathError(at, "unknown parameter of " + std::string(member->name) + suggest_or_list(name, names));
}

json call_or_name(const std::string& text, const std::string& path) {
  // A plain string is taken as a name as it is, so that a misspelling gets "did you mean".
  return text.find('(') == std::string::npos ? json{{"name", text}} : parse_call(text, path);
}

json resolve_member(const Family& family, const json& value, const std::string& path,
                    std::vector<std::string>* defaulted) {
  if (family.resolve_other != nullptr) {
    json other = family.resolve_other(value, path);
    if (!other.is_null()) return other;
  }
  const std::string noun(family.noun);
  json given;
  if (value.is_string()) {
    given = call_or_name(value.get<std::string>(), path);
  } else if (value.is_object()) {
    if (!value.contains("name")) {
      throw PathError(path, "missing \"name\" (one of " + join(member_names(family)) + ")");
    }
    given = value;
    if (!given["name"].is_string()) {
      throw PathError(join_path(path, "name"), "must be a string, got " + shown(given["name"]));
    }
  } else {
    throw PathError(path, "must be a name or an object with \"name\" and parameters, got " + shown(value));
  }
  const std::string name = given["name"].get<std::string>();
  const std::optional<Member> member = find_member(family, name);
  if (!member) {
    throw PathError(path, "unknown " + noun + " \"" + name + "\"" + suggest_or_list(name, member_names(family)));
  }
  for (const auto& item : given.items()) {
    if (item.key() != "name") check_parameter_name(family, given, item.key(), path);
  }
  json out = {{"name", std::string(member->name)}};
  for (const ParamSpec* spec : parameters(family, *member)) {
    const std::string key(spec->name);
    if (given.contains(key)) {
      out[key] = check_param(*spec, given[key], join_path(path, key));
    } else {
      out[key] = default_json(*spec);
      if (defaulted != nullptr) defaulted->push_back(join_path(path, key));
    }
  }
  const ParamValues values = param_values(member->params, out);
  if (const ParamRule* rule = broken_rule(member->rules, values)) {
    throw PathError(join_path(path, rule->param),
                    explain(*rule, [&](std::string_view param) { return shown(out.at(std::string(param))); }));
  }
  return out;
}

json parse_call(std::string_view text, const std::string& path) {
  const auto malformed = [&] {
    return PathError(path, "must be written name or name(param=value, ...), got " + shown(std::string(text)));
  };
  const std::string_view call = trim(text);
  const std::size_t open = call.find('(');
  const std::string_view name = trim(call.substr(0, open));
  if (!is_identifier(name)) throw malformed();
  json result = {{"name", std::string(name)}};
  if (open == std::string_view::npos) return result;
  if (!call.ends_with(')')) throw malformed();
  for (const std::string_view item : split_top_level(call.substr(open + 1, call.size() - open - 2))) {
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) throw malformed();
    const std::string key(trim(item.substr(0, equals)));
    const std::string_view value = trim(item.substr(equals + 1));
    if (!is_identifier(key) || key == "name" || value.empty()) throw malformed();
    if (result.contains(key)) throw PathError(join_path(path, key), "given twice");
    // Numbers, booleans and lists read as JSON; anything else (a choice: tanh) as a string.
    result[key] = parse_json_or_string(value);
  }
  return result;
}

ParamValues param_values(std::span<const ParamSpec> specs, const json& resolved) {
  ParamValues values;
  for (const ParamSpec& spec : specs) {
    const json& value = resolved.at(std::string(spec.name));
    switch (spec.kind) {
      case ParamKind::kBoolean:
        values.push_back(value.get<bool>() ? 1 : 0);
        break;
      case ParamKind::kChoice: {
        const auto chosen = std::ranges::find(spec.choices, value.get<std::string>());
        values.push_back(static_cast<double>(chosen - spec.choices.begin()));
        break;
      }
      case ParamKind::kNumberPair:
        values.push_back(value[0].get<double>());
        values.push_back(value[1].get<double>());
        break;
      case ParamKind::kNumber:
      case ParamKind::kInteger:
        values.push_back(value.get<double>());
        break;
    }
  }
  return values;
}

}  // namespace mlp::schema
