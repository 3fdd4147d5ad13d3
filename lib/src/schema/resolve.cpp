// Resolution of declared keys: unknown-key detection, type and range checks, defaults, paths,
// and --set overrides. Families (name or object with parameters) are in members.cpp.
#include "schema.hpp"

#include "core/suggest.hpp"

#include <cmath>

namespace mlp::schema {
namespace {

using nlohmann::json;

// Integers beyond 2^53 do not survive a round trip through a double (or a JSON reader in most
// languages), so no integer key or parameter accepts them.
constexpr double kMaxExactInteger = 9007199254740992.0;

std::vector<std::string> strings(std::span<const std::string_view> words) { return {words.begin(), words.end()}; }

// The distinct first segments of the key paths under `prefix`: what may appear in that object.
std::vector<std::string> children(std::span<const Key> keys, std::string_view prefix) {
  std::vector<std::string> names;
  for (const Key& key : keys) {
    std::string_view rest = key.path;
    if (!prefix.empty()) {
      if (!rest.starts_with(prefix) || rest.size() <= prefix.size() || rest[prefix.size()] != '.') continue;
      rest.remove_prefix(prefix.size() + 1);
    }
    const std::string name(rest.substr(0, rest.find('.')));
    if (std::ranges::find(names, name) == names.end()) names.push_back(name);
  }
  return names;
}

bool is_section(std::span<const Key> keys, std::string_view path) {
  for (const Key& key : keys) {
    if (key.path.size() > path.size() && key.path.starts_with(path) && key.path[path.size()] == '.') return true;
  }
  return false;
}

PathError unknown_key(std::span<const Key> keys, std::string_view prefix, std::string_view name,
                      const std::string& path) {
  const std::vector<std::string> valid = children(keys, prefix);
  const std::string suggestion = did_you_mean(name, valid);
  return PathError(path, "unknown key" + (suggestion.empty() ? "; valid keys here: " + join(valid) : suggestion));
}

// Every member of `raw` must be a declared key or a section holding some (checked recursively).
void check_unknown_keys(std::span<const Key> keys, const json& raw, const std::string& prefix, const std::string& at) {
  for (const auto& [name, value] : raw.items()) {
    const std::string key_path = join_path(prefix, name);
    const std::string path = join_path(at, name);
    if (find_key(keys, key_path) != nullptr) continue;
    if (!is_section(keys, key_path)) throw unknown_key(keys, prefix, name, path);
    if (!value.is_object()) throw PathError(path, "must be an object, got " + shown(value));
    check_unknown_keys(keys, value, key_path, path);
  }
}

json check_string(const json& value, const std::string& path) {
  if (!value.is_string()) throw PathError(path, "must be a string, got " + shown(value));
  if (value.get_ref<const std::string&>().empty()) throw PathError(path, "must not be empty");
  return value;
}

json check_character(const json& value, const std::string& path) {
  if (!value.is_string() || value.get_ref<const std::string&>().size() != 1) {
    throw PathError(path, "must be a single character, got " + shown(value));
  }
  const char c = value.get_ref<const std::string&>()[0];
  if (c == '"' || c == '\n' || c == '\r') throw PathError(path, "cannot be a quote or a line break");
  return value;
}

json check_path(const json& value, const std::string& path, const Context& context) {
  std::filesystem::path file(check_string(value, path).get<std::string>());
  if (file.is_relative() && !context.set_paths.contains(path)) file = context.base_dir / file;
  return file.lexically_normal().string();
}

template <class Check>
json check_list(const json& value, const std::string& path, std::string_view what, Check check) {
  if (!value.is_array()) throw PathError(path, "must be a list of " + std::string(what) + ", got " + shown(value));
  json list = json::array();
  for (std::size_t i = 0; i < value.size(); ++i) list.push_back(check(value[i], path + "[" + std::to_string(i) + "]"));
  return list;
}

json check_family_list(const Key& key, const json& value, const std::string& path) {
  json list =
      check_list(value, path, std::string(key.family->noun) + "s",
                 [&](const json& item, const std::string& at) { return resolve_member(*key.family, item, at); });
  if (list.empty()) throw PathError(path, "must not be empty");
  return list;
}

// --set KEY.NAME=VALUE where KEY is a family member: sets its parameter NAME (or, for "name",
// the member itself). A member given by name ("adam") becomes an object ({"name": "adam"}) first.
void set_parameter(json& slot, const Key& key, const std::string& path, std::string_view name, json value) {
  if (key.type != Type::kFamily) throw PathError(path, "has no keys inside; set it as a whole");
  if (slot.is_null()) slot = json::parse(key.default_json);
  if (slot.is_string() && std::ranges::find(key.choices, slot.get<std::string>()) != key.choices.end()) {
    throw PathError(path, "is " + shown(slot) + "; name a " + std::string(key.family->noun) + " first, e.g. --set " +
                              path + "=<name>");
  }
  if (slot.is_string()) slot = call_or_name(slot.get<std::string>(), path);
  if (!slot.is_object()) throw PathError(path, "must be a name or an object, got " + shown(slot));
  if (name.find('.') != std::string_view::npos) {
    throw PathError(join_path(path, name), "parameters have no keys inside; set the value as a whole");
  }
  if (name != "name") check_parameter_name(*key.family, slot, name, path);
  slot[std::string(name)] = std::move(value);
}

json resolve_value(const Key& key, const json& value, const std::string& path, Context& context, bool given) {
  if (value.is_null() && key.nullable && key.type != Type::kCustom) return value;
  switch (key.type) {
    case Type::kBoolean:
      return check_boolean(value, path);
    case Type::kInteger:
      return check_integer(value, key.range, path);
    case Type::kNumber:
      return check_number(value, key.range, path);
    case Type::kString:
      return check_string(value, path);
    case Type::kCharacter:
      return check_character(value, path);
    case Type::kChoice:
      return check_choice(value, key.choices, path);
    case Type::kPath:
      return check_path(value, path, context);
    case Type::kStringList:
      return check_list(value.is_string() ? json::array({value}) : value, path, "strings", check_string);
    case Type::kIntegerList:
      return check_list(value, path, "integers",
                        [&](const json& v, const std::string& at) { return check_integer(v, key.range, at); });
    case Type::kNumberList:
      return check_list(value, path, "numbers",
                        [&](const json& v, const std::string& at) { return check_number(v, key.range, at); });
    case Type::kFamily:
      if (value.is_string() && std::ranges::find(key.choices, value.get<std::string>()) != key.choices.end()) {
        return value;
      }
      return resolve_member(*key.family, value, path, given ? &context.defaulted : nullptr);
    case Type::kFamilyList:
      return check_family_list(key, value, path);
    case Type::kCustom:
      return key.custom(value, path, context);
  }
  return value;
}

}  // namespace

PathError::PathError(std::string path, std::string message)
    : std::runtime_error(path + ": " + message), path_(std::move(path)), message_(std::move(message)) {}

std::string shown(const json& value) {
  constexpr std::size_t kLongest = 40;
  const std::string text = value.dump();
  return text.size() <= kLongest ? text : text.substr(0, kLongest - 3) + "...";
}

json check_boolean(const json& value, const std::string& path) {
  if (!value.is_boolean()) throw PathError(path, "must be true or false, got " + shown(value));
  return value;
}

json check_number(const json& value, const Range& range, const std::string& path) {
  if (!value.is_number()) throw PathError(path, "must be a number, got " + shown(value));
  const double x = value.get<double>();
  if (!range.contains(x)) throw PathError(path, range.describe() + ", got " + shown(value));
  return x;
}

json check_integer(const json& value, const Range& range, const std::string& path) {
  // 100.0 and 1e3 are integers too; 1.5 is not.
  if (!value.is_number() || value.get<double>() != std::floor(value.get<double>())) {
    throw PathError(path, "must be an integer, got " + shown(value));
  }
  const double x = value.get<double>();
  if (!range.contains(x)) throw PathError(path, range.describe() + ", got " + shown(value));
  if (std::abs(x) > kMaxExactInteger) throw PathError(path, "must be at most 2^53 in magnitude, got " + shown(value));
  return static_cast<std::int64_t>(x);
}

json check_choice(const json& value, std::span<const std::string_view> choices, const std::string& path) {
  const std::vector<std::string> valid = strings(choices);
  if (!value.is_string()) throw PathError(path, "must be one of " + join(valid) + ", got " + shown(value));
  const std::string& text = value.get_ref<const std::string&>();
  if (std::ranges::find(valid, text) == valid.end()) {
    throw PathError(path, "unknown value \"" + text + "\"" + suggest_or_list(text, valid));
  }
  return value;
}

std::string join_path(std::string_view at, std::string_view key) {
  return at.empty() ? std::string(key) : std::string(at) + "." + std::string(key);
}

const json* find_path(const json& root, std::string_view path) {
  const json* node = &root;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string name(path.substr(0, dot));
    if (!node->is_object() || !node->contains(name)) return nullptr;
    node = &(*node)[name];
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

const Key* find_key(std::span<const Key> keys, std::string_view path) {
  for (const Key& key : keys) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

bool is_given(const Context& context, std::string_view path) {
  const json* value = find_path(*context.raw, path);
  return value != nullptr && !value->is_null();
}

void resolve_object(std::span<const Key> keys, const json& raw, const std::string& at, json& out, Context& context) {
  if (!raw.is_null()) check_unknown_keys(keys, raw, "", at);
  for (const Key& key : keys) {
    const std::string path = join_path(at, key.path);
    const json* given = raw.is_null() ? nullptr : find_path(raw, key.path);
    json value;
    if (given != nullptr) {
      value = *given;
    } else if (key.derive != nullptr) {
      value = key.derive(key, context);
      context.defaulted.push_back(path);
    } else if (key.default_json.empty()) {
      throw PathError(path, "missing; this key is required");
    } else {
      value = json::parse(key.default_json);
      context.defaulted.push_back(path);
    }
    std::string pointer = "/" + std::string(key.path);
    std::ranges::replace(pointer, '.', '/');
    out[json::json_pointer(pointer)] = resolve_value(key, value, path, context, given != nullptr);
  }
}

void set_override(json& root, std::span<const Key> keys, std::string_view path, json value) {
  json* node = &root;
  std::string at;
  while (true) {
    const std::size_t dot = path.find('.');
    const std::string name(path.substr(0, dot));
    const std::string_view rest = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    const std::string full = join_path(at, name);
    if (name.empty()) throw PathError(full, "empty key in the path");
    const Key* key = find_key(keys, full);
    if (key == nullptr && !is_section(keys, full)) throw unknown_key(keys, at, name, full);
    json& slot = (*node)[name];
    if (dot == std::string_view::npos) {
      slot = std::move(value);
      return;
    }
    if (key != nullptr) {
      set_parameter(slot, *key, full, rest, std::move(value));
      return;
    }
    if (slot.is_null()) slot = json::object();
    if (!slot.is_object()) throw PathError(full, "must be an object, got " + shown(slot));
    node = &slot;
    at = full;
    path = rest;
  }
}

}  // namespace mlp::schema
