// The activation functions of a comparison, drawn from compare.json: the descriptions it spells
// them with, read back by the config's parser, and the learned values its runs recorded.
#include "activation_section.hpp"

#include "activation_chart.hpp"
#include "looks.hpp"
#include "svg_text.hpp"

#include "mlp/config.hpp"
#include "mlp/error.hpp"

#include <algorithm>
#include <functional>

namespace mlp::report {
namespace {

using compare_view::ActivationRuns;
using compare_view::array;
using compare_view::Json;
using compare_view::number;

// "weight=0.19": a learned value as the labels show it, with PyTorch's name for it.
std::string learned_text(const Activation& activation, double value) {
  return std::string(activation.spec->learnable->name) + "=" + svg::general(value, 2);
}

// The lines of a learnable activation: dashed at its initial value, then solid at what its runs
// learned, one line for all hidden layers when they agree to the digits shown, else one per layer.
void add_learnable_lines(const ActivationRuns& runs, const Activation& activation, std::vector<ActivationLine>& lines) {
  const std::vector<std::optional<double>> learned = learned_at_end(runs);
  const std::string& name = runs.activation;
  const double initial = activation.param(activation.spec->learnable->init_param);
  ActivationLine start{.activation = activation,
                       .label = name + " initial: " + learned_text(activation, initial),
                       .key = name,
                       .opacity = 0.75};
  // Dashed, unless the name's own look already is: then dotted, so that the two still differ.
  start.dash = dash_of(name) == "6 3" ? "2 2" : "6 3";
  lines.push_back(start);

  std::vector<std::string> texts;
  for (const std::optional<double>& value : learned) texts.push_back(value ? learned_text(activation, *value) : "");
  const bool agree = std::ranges::adjacent_find(texts, std::ranges::not_equal_to{}) == texts.end();
  // A layer of per-unit values is drawn at their mean.
  const std::string per_unit =
      activation.param(activation.spec->learnable->count_param) != 1 ? " (mean over units)" : "";
  for (std::size_t k = 0; k < learned.size(); ++k) {
    if (!learned[k]) continue;
    const std::string where = agree ? "" : ", layer " + std::to_string(k + 1);
    lines.push_back({.activation = activation,
                     .learned = learned[k],
                     .label = name + " learned" + where + ": " + texts[k] + per_unit,
                     .key = name});
    if (agree) break;
  }
}

}  // namespace

std::vector<std::optional<double>> learned_at_end(const ActivationRuns& activation) {
  std::vector<std::vector<double>> per_layer;  // the runs' values of each layer
  for (const Json* run : activation.runs) {
    const Json& epochs = array(*run, "epochs");
    if (epochs.empty()) continue;
    const Json& layers = array(epochs.back(), "learned");
    if (per_layer.size() < layers.size()) per_layer.resize(layers.size());
    for (std::size_t k = 0; k < layers.size(); ++k) {
      if (const auto mean = number(layers[k], "mean")) per_layer[k].push_back(*mean);
    }
  }
  std::vector<std::optional<double>> medians;
  for (std::vector<double>& values : per_layer) {
    medians.push_back(values.empty() ? std::nullopt : std::optional(compare_view::median(std::move(values))));
  }
  return medians;
}

std::string activation_functions_section(const std::vector<ActivationRuns>& activations) {
  std::vector<ActivationLine> lines;
  std::vector<std::string> unreadable;
  bool learnable = false;
  for (const ActivationRuns& runs : activations) {
    Activation activation;
    try {
      activation = parse_activation(runs.activation);
    } catch (const InputError&) {
      unreadable.push_back(runs.activation);  // not an error of this report: it draws the rest
      continue;
    }
    if (activation.spec->learnable) {
      learnable = true;
      add_learnable_lines(runs, activation, lines);
      continue;
    }
    ActivationLine line = activation_line(activation);
    line.label = line.key = runs.activation;  // as compare.json and every other chart spell it
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return "";
  const ActivationCharts charts = activation_charts(lines);
  std::string text =
      "Each compared function f(x) and its derivative f′(x) on [-5, 5], computed by the activation layer the "
      "runs trained with: its forward pass, and its backward pass with an upstream gradient of 1, which is f′(x). "
      "Where f′ is near 0 a unit passes almost no gradient back (a saturated sigmoid or tanh, ReLU for x < 0).";
  if (learnable) {
    text +=
        " A learnable activation is drawn dashed at its initial value and solid at the value its runs "
        "learned: the median over seeds of the mean learned value at each run's last epoch, one line per "
        "hidden layer when the layers differ.";
  }
  if (!unreadable.empty()) {
    std::string names;
    for (const std::string& name : unreadable) names += (names.empty() ? "" : ", ") + name;
    text += " Not drawn, being no activation this mlptrain knows: " + names + ".";
  }
  return "<h2 id=\"activation_functions\">The activation functions</h2>\n<p class=\"note\">" + svg::escape(text) +
         "</p>\n<div class=\"charts\"><section class=\"chart-section\"><figure>" + charts.f +
         "</figure></section><section class=\"chart-section\"><figure>" + charts.df + "</figure></section></div>\n";
}

}  // namespace mlp::report
