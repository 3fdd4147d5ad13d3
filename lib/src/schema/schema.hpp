// Declarations of config keys and the machinery they drive: validation with the JSON path in
// every message, defaults (and the record of which were used), "did you mean" for unknown keys
// and names, --set overrides, and the markdown reference. Nothing here knows mlptrain's keys;
// lib/src/config/keys.cpp declares them.
#pragma once

#include "mlp/param.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {
struct Settings;
}

namespace mlp::schema {

// A mistake at a JSON path ("train.optimizer.lr", "model.layers[2].p"); parse_config puts the
// file name in front.
class PathError : public std::runtime_error {
 public:
  PathError(std::string path, std::string message);
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  std::string path_;
  std::string message_;
};

// One member of a family (an activation, a loss, ...), seen through its table entry.
struct Member {
  std::string_view name;
  std::span<const std::string_view> aliases;
  std::span<const ParamSpec> params;
  std::span<const ParamRule> rules;  // checked once every parameter has its value
  std::string_view formula;
  std::string_view torch;
};

// A parameterised family: values are a name ("relu") or an object with the name and parameters
// ({"name": "leaky_relu", "negative_slope": 0.1}), checked against the member's ParamSpecs.
struct Family {
  std::string_view noun;   // "activation": messages say `unknown activation "rleu"`
  std::string_view title;  // its heading in the docs
  std::vector<Member> (*members)();
  // Parameters every member takes besides its own (a schedule's warmup_epochs).
  std::initializer_list<ParamSpec> common = {};
  // A value written otherwise than by name (an activation's formula), resolved; or null when
  // `value` is not of that form and resolve_member goes on by name. Throws PathError.
  nlohmann::json (*resolve_other)(const nlohmann::json& value, const std::string& path) = nullptr;

  std::span<const ParamSpec> common_specs() const { return {common.begin(), common.size()}; }
};

enum class Type {
  kBoolean,
  kInteger,
  kNumber,
  kString,      // non-empty
  kCharacter,   // a string of one character
  kChoice,      // one of Key::choices
  kPath,        // a file path, resolved against the config file's folder (--set: the current one)
  kStringList,  // a list of strings; a single string is a list of one
  kIntegerList,
  kNumberList,
  kFamily,      // a member of Key::family (see resolve_member), or one of Key::choices ("auto")
  kFamilyList,  // a non-empty list of members
  kCustom,      // checked by Key::custom
};

struct Context;
struct Key;

// A default computed from other keys (read from the raw or the already resolved config).
using Derive = nlohmann::json (*)(const Key& key, const Context& context);
// Checks and resolves a kCustom value (null when absent and not derived); throws PathError.
using Custom = nlohmann::json (*)(const nlohmann::json& value, const std::string& path, Context& context);
// Copies a resolved value into the settings.
using Store = void (*)(const nlohmann::json& value, Settings& settings);

// One config key, declared once.
struct Key {
  std::string_view path;  // dotted, relative to the object it is resolved in: "train.epochs"
  Type type;
  std::string_view default_json;  // "100", "null", "[64, 64]"; empty: required. With `derive`: what the docs show
  std::string_view description;
  Range range = Range::any();                            // numbers, integers, and each element of their lists
  std::initializer_list<std::string_view> choices = {};  // kChoice; extra words for kFamily
  const Family* family = nullptr;                        // kFamily, kFamilyList; a kCustom key's, for the docs
  bool nullable = false;                                 // null is a value (meaning "none")
  Derive derive = nullptr;
  Custom custom = nullptr;
  std::string_view custom_type = {};  // kCustom: the type as the docs name it
  Store store = nullptr;
};

// What resolution reads and writes besides the value at hand.
struct Context {
  const nlohmann::json* raw = nullptr;                 // the whole config as written, --set applied
  nlohmann::json resolved = nlohmann::json::object();  // resolved so far, in declaration order
  std::vector<std::string> defaulted;                  // paths of values taken from defaults
  std::filesystem::path base_dir;                      // relative kPath values start here...
  std::set<std::string> set_paths;                     // ...unless --set gave them (current dir)
  std::string name;  // the config's name (its file's stem), for defaults derived from it
};

// Checks shared by keys and family parameters; each returns the value as resolved JSON or
// throws PathError ("must be > 0, got -0.1").
nlohmann::json check_boolean(const nlohmann::json& value, const std::string& path);
nlohmann::json check_integer(const nlohmann::json& value, const Range& range, const std::string& path);
nlohmann::json check_number(const nlohmann::json& value, const Range& range, const std::string& path);
nlohmann::json check_choice(const nlohmann::json& value, std::span<const std::string_view> choices,
                            const std::string& path);

// A value as messages quote it: its JSON text, shortened when long.
std::string shown(const nlohmann::json& value);

// Dotted path joined with a key: join_path("train", "seed") is "train.seed"; join_path("", "x") is "x".
std::string join_path(std::string_view at, std::string_view key);

// The key declared at `path`, or nullptr.
const Key* find_key(std::span<const Key> keys, std::string_view path);

// Whether the config as written (after --set) gives a non-null value at `path`.
bool is_given(const Context& context, std::string_view path);

// The value at a dotted path of `root`, or nullptr when an object on the way lacks the key.
const nlohmann::json* find_path(const nlohmann::json& root, std::string_view path);

// Resolves the object `raw` (null: absent, all defaults) against `keys`, whose paths are
// relative to it, into `out`: rejects unknown keys (suggesting the closest), checks every value,
// fills defaults (recording them in context.defaulted). `at` is raw's own path, for messages.
void resolve_object(std::span<const Key> keys, const nlohmann::json& raw, const std::string& at, nlohmann::json& out,
                    Context& context);

// A member written as a string: "relu" as {"name": "relu"}, "leaky_relu(negative_slope=0.2)"
// through parse_call.
nlohmann::json call_or_name(const std::string& text, const std::string& path);

// Resolves a member of `family` written as a name, "name(param=value, ...)" or an object; every parameter gets its
// value (given or default), the member's rules between parameters are checked (the message at the
// path of the parameter a rule names, quoting values as resolved) and the name becomes the canonical one. `defaulted`,
// when given, receives the paths of parameters left at their defaults.
nlohmann::json resolve_member(const Family& family, const nlohmann::json& value, const std::string& path,
                              std::vector<std::string>* defaulted = nullptr);

// "leaky_relu(negative_slope=0.2)" (or just "relu") as {"name": ..., "negative_slope": 0.2}: the
// text form of a member. Values are read as JSON, else taken as strings. Throws PathError.
nlohmann::json parse_call(std::string_view text, const std::string& path);

// The member named `name` or one of its aliases, if any.
std::optional<Member> find_member(const Family& family, std::string_view name);

// Throws PathError at path.name when `value` (an object naming a known member) has no
// parameter `name`, suggesting the closest; does nothing when the member is unknown.
void check_parameter_name(const Family& family, const nlohmann::json& value, std::string_view name,
                          const std::string& path);

// A resolved member's parameter values in slot order (see param.hpp).
ParamValues param_values(std::span<const ParamSpec> specs, const nlohmann::json& resolved);

// Applies --set PATH=VALUE to `root` before resolution: PATH must name a declared key or a
// parameter of a family member (a name given as a string becomes {"name": ...} first).
// Throws PathError for an unknown path.
void set_override(nlohmann::json& root, std::span<const Key> keys, std::string_view path, nlohmann::json value);

// Markdown: a table of `keys` (key, type, default, valid values, description), each key shown
// with `prefix` in front; and a family's members with their parameters.
std::string markdown_keys(std::span<const Key> keys, std::string_view prefix);
std::string markdown_family(const Family& family);

}  // namespace mlp::schema
