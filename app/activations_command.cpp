// mlptrain activations: every activation with its formula, parameters and defaults, straight
// from the table the code uses; with --plot, their f(x) and f'(x) drawn into a file.
#include "commands.hpp"

#include "mlp/activation.hpp"
#include "mlp/activation_plot.hpp"
#include "mlp/config.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/text.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace mlp::app {
namespace {

const char* kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::kNumber:
      return "number";
    case ParamKind::kInteger:
      return "integer";
    case ParamKind::kBoolean:
      return "boolean";
    case ParamKind::kChoice:
      return "choice";
    case ParamKind::kNumberPair:
      return "pair";
  }
  return "?";
}

nlohmann::json activation_json(const ActivationSpec& spec) {
  nlohmann::json params = nlohmann::json::array();
  const ParamValues defaults = default_values(spec.param_specs());
  std::size_t slot = 0;
  for (const ParamSpec& p : spec.params) {
    nlohmann::json param = {{"name", p.name},
                            {"type", kind_name(p.kind)},
                            {"default", format_value(p, &defaults[slot])},
                            {"description", p.description}};
    if (p.kind == ParamKind::kNumber || p.kind == ParamKind::kInteger) param["valid"] = p.range.describe();
    if (p.kind == ParamKind::kChoice) param["choices"] = std::vector<std::string>(p.choices.begin(), p.choices.end());
    params.push_back(param);
    slot += static_cast<std::size_t>(p.slots());
  }
  nlohmann::json j = {{"name", spec.name},
                      {"aliases", std::vector<std::string>(spec.aliases.begin(), spec.aliases.end())},
                      {"formula", spec.formula},
                      {"torch", spec.torch},
                      {"parameters", params},
                      {"learnable", spec.learnable ? nlohmann::json(spec.learnable->name) : nlohmann::json(nullptr)}};
  return j;
}

// --activations as compare reads it, or every activation with its defaults: the plot draws what
// the listing lists unless told otherwise.
std::vector<Activation> plotted_activations(const std::string& list) {
  std::vector<Activation> plotted;
  if (list.empty()) {
    for (const ActivationSpec& spec : activations()) plotted.push_back(Activation::with_defaults(spec.name));
  } else {
    for (const std::string_view text : split_top_level(list)) plotted.push_back(parse_activation(text));
  }
  return plotted;
}

int run_plot(const ActivationsOptions& options) {
  const std::filesystem::path path = options.plot;
  const std::string extension = path.extension().string();
  if (extension != ".svg" && extension != ".html") {
    throw InputError("activations: --plot " + options.plot + ": the file must end in .svg or .html");
  }
  const std::vector<Activation> plotted = plotted_activations(options.activations);
  write_file_atomically(path, extension == ".svg" ? activation_plot_svg(plotted) : activation_plot_html(plotted));
  return 0;
}

}  // namespace

int run_activations(const ActivationsOptions& options) {
  if (!options.plot.empty()) return run_plot(options);
  if (options.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const ActivationSpec& spec : activations()) list.push_back(activation_json(spec));
    std::printf("%s\n", list.dump(2).c_str());
    return 0;
  }
  if (options.format != "text") throw InputError("activations: --format must be text or json, got " + options.format);
  for (const ActivationSpec& spec : activations()) {
    std::string names(spec.name);
    for (const std::string_view alias : spec.aliases) names += " (alias " + std::string(alias) + ")";
    std::printf("%-28s %s\n", names.c_str(), std::string(spec.formula).c_str());
    std::printf("%-28s like %s\n", "", std::string(spec.torch).c_str());
    const ParamValues defaults = default_values(spec.param_specs());
    std::size_t slot = 0;
    for (const ParamSpec& p : spec.params) {
      const std::string learned =
          spec.learnable && spec.learnable->init_param == p.name ? " (initial value; learned)" : "";
      std::printf("%-28s   %s = %s%s: %s\n", "", std::string(p.name).c_str(), format_value(p, &defaults[slot]).c_str(),
                  learned.c_str(), std::string(p.description).c_str());
      slot += static_cast<std::size_t>(p.slots());
    }
  }
  return 0;
}

}  // namespace mlp::app
