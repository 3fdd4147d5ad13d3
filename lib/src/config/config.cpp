// parse_config: JSON text -> --set overrides -> resolution against the key table -> checks across
// keys -> Settings. The library's only entry to configuration.
#include "mlp/config.hpp"

#include "io/strict_json.hpp"
#include "keys.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/text.hpp"

namespace mlp {
namespace {

using nlohmann::json;
using Overrides = std::vector<std::pair<std::string, std::string>>;

// The name output.dir defaults to: the config file's stem, or "run" without a file ("<none>").
std::string config_name(const std::string& source) {
  const std::string stem = std::filesystem::path(source).stem().string();
  return stem.empty() || source.starts_with('<') ? "run" : stem;
}

bool is_within(const std::string& path, const std::string& outer) {
  return path.starts_with(outer) &&
         (path.size() == outer.size() || path[outer.size()] == '.' || path[outer.size()] == '[');
}

// Where an override touched the value an error is about: " (from --set PATH=VALUE)" when the
// value at `path` came from it, " (with --set ...)" when it set part of that value (the last
// override wins).
std::string override_note(const std::string& path, const Overrides& overrides) {
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    const std::string set = it->first + "=" + it->second;
    if (is_within(path, it->first)) return " (from --set " + set + ")";
    if (is_within(it->first, path)) return " (with --set " + set + ")";
  }
  return {};
}

InputError config_error(const std::string& source, const schema::PathError& error, const std::string& note) {
  return InputError(source + ": " + error.path() + ": " + error.message() + note);
}

}  // namespace

Settings parse_config(const std::filesystem::path& config_path, const Overrides& overrides) {
  return parse_config_text(read_text_file(config_path, "config file"), config_path.string(), config_path.parent_path(),
                           overrides);
}

Settings parse_config_text(std::string_view text, const std::string& source, const std::filesystem::path& base_dir,
                           const Overrides& overrides) {
  // Messages name the config by `source`, which a checkpoint brings back from the path the run was
  // started with (any bytes a file name may hold; Error keeps each message one line).
  json raw = read_json<json>(text, source, "config");
  if (!raw.is_object()) {
    throw InputError(source + ": a config must be a JSON object ({\"data\": ...}), got " + schema::shown(raw));
  }
  schema::Context context;
  context.base_dir = base_dir;
  context.name = config_name(source);
  for (const auto& [path, value] : overrides) {
    // Text that is not JSON becomes a string; the config's strings must be UTF-8 like the JSON
    // text itself, or summary.json and the checkpoint could not hold them.
    if (const auto bad = invalid_utf8_offset(path + "=" + value); bad != std::string::npos) {
      throw InputError(source + ": --set " + quote_text(path + "=" + value) + ": not valid UTF-8 (byte " +
                       std::to_string(bad + 1) + ")");
    }
    try {
      schema::set_override(raw, config_keys(), path, parse_json_or_string(value));
    } catch (const schema::PathError& error) {
      throw config_error(source, error, " (in --set " + path + "=" + value + ")");
    }
    context.set_paths.insert(path);
  }
  context.raw = &raw;
  try {
    schema::resolve_object(config_keys(), raw, "", context.resolved, context);
    check_consistency(context);
  } catch (const schema::PathError& error) {
    throw config_error(source, error, override_note(error.path(), overrides));
  }
  Settings settings;
  settings.config_path = source;
  settings.defaulted = std::move(context.defaulted);
  for (const schema::Key& key : config_keys()) {
    if (key.store != nullptr) key.store(*schema::find_path(context.resolved, key.path), settings);
  }
  settings.resolved_json = context.resolved.dump();
  return settings;
}

Activation parse_activation(std::string_view text) {
  try {
    const json formula = resolve_formula_activation(std::string(trim(text)), "");
    if (!formula.is_null()) return activation_from(formula);
    return activation_from(schema::resolve_member(activation_family(), schema::parse_call(text, ""), ""));
  } catch (const schema::PathError& error) {
    const std::string at = error.path().empty() ? "" : error.path() + ": ";
    throw InputError("activation \"" + std::string(text) + "\": " + at + error.message());
  }
}

}  // namespace mlp
