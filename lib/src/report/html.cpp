// report.html of a comparison: the page, what each chart tests, and the charts themselves, each
// with one series per activation in a fixed colour-blind-friendly palette (Okabe & Ito).
#include "mlp/report_html.hpp"

#include "activation_section.hpp"
#include "compare/summary_table.hpp"
#include "compare/view.hpp"
#include "html_table.hpp"
#include "looks.hpp"
#include "svg_chart.hpp"

#include "mlp/activation.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace mlp {
namespace {

using compare_view::ActivationRuns;
using compare_view::array;
using compare_view::Json;
using compare_view::number;
using compare_view::Sample;
using compare_view::Spread;
using compare_view::text;

// Each activation's colour and line style follow its name (looks.hpp).
using report::colour_of;
using report::dash_of;

constexpr const char* kStyle =
    "body{font-family:sans-serif;color:#222;max-width:1120px;margin:2em auto;padding:0 1em;line-height:1.45}"
    "h1{font-size:1.5em}h2{font-size:1.1em;margin:0.2em 0}"
    ".table-scroll{overflow-x:auto;max-width:100%}"
    "table.summary{border-collapse:collapse;font-size:0.9em;margin:1em 0}"
    "table.summary th,table.summary td{border-bottom:1px solid #ddd;padding:0.3em 0.6em;text-align:right}"
    "table.summary th:first-child,table.summary td.name{text-align:left}"
    "table.summary td{white-space:nowrap}"
    "td.best{font-weight:bold;background:#e8f1fa}"
    ".swatch{display:inline-block;width:0.8em;height:0.8em;margin-right:0.4em;vertical-align:middle}"
    ".charts{display:flex;flex-wrap:wrap;gap:1.5em}.chart-section{flex:1 1 520px;max-width:560px}"
    ".chart-section p,.note{font-size:0.88em;color:#444}figure{margin:0}"
    "svg{max-width:100%;height:auto}.small{display:inline-block;margin:0 0.5em 0.5em 0}"
    ".wide{flex-basis:100%;max-width:none}"
    "dl.facts{display:grid;grid-template-columns:max-content auto;gap:0.1em 1em;font-size:0.9em}"
    "dl.facts dd{margin:0}";

enum class YScale { kLinear, kLog, kLogIfDecade };

// One chart with a series per activation.
struct CurveChart {
  std::string id, title, y_label, explanation;
  compare_view::Extract extract;
  YScale scale;
  bool include_zero;
  Spread spread;        // kNone: a thin line per seed under the median's; else one averaged line
  bool learnable_only;  // only activations that learn a parameter; no chart if none does
  std::optional<double> floor = {}, ceiling = {};  // what the values can be
  // Why an activation may have no value at all ("no flat region"): then it has no line and no
  // legend entry, and the text below the chart names it; empty when every activation has values.
  std::string undefined_when = {};
};

compare_view::Extract field(std::string key) {
  return [key](const Json& epoch) { return Sample{number(epoch, key), std::nullopt, std::nullopt}; };
}

// A learnable activation's values at one epoch: the mean of its layers' means, and the smallest
// and largest value of any layer; of its first learned parameter when it learns several (a
// formula's: the others have other scales).
Sample learned(const Json& epoch) {
  Sample s;
  double sum = 0;
  int layers = 0;
  const Json& entries = array(epoch, "learned");
  for (const Json& layer : entries) {
    if (layer.value("name", "") != entries.front().value("name", "")) continue;
    if (const auto mean = number(layer, "mean")) {
      sum += *mean;
      ++layers;
    }
    if (const auto min = number(layer, "min")) s.low = std::min(s.low.value_or(*min), *min);
    if (const auto max = number(layer, "max")) s.high = std::max(s.high.value_or(*max), *max);
  }
  if (layers) s.value = sum / layers;
  return s;
}

std::vector<CurveChart> curve_charts(const std::string& metric) {
  const bool classification = metric != "val_r2";
  const std::string band =
      " Thin lines are the seeds, the bold line their median; it ends where the first seed's run ended "
      "(stopped early), so that it always summarises every seed.";
  return {
      {"val_loss", "Validation loss", "loss",
       "How fast each activation learns and where it levels off. Tests the claim that non-saturating activations "
       "(ReLU and its relatives) train faster than sigmoid and tanh (Glorot & Bengio 2010; Krizhevsky et al. "
       "2012). The axis is logarithmic when the values span more than a factor of ten." +
           band,
       field("val_loss"), YScale::kLogIfDecade, false, Spread::kNone, false},
      {"train_loss", "Training loss", "loss",
       "The mean minibatch loss of each epoch. A training loss that keeps falling while the validation loss "
       "rises is over-fitting, not a property of the activation." +
           band,
       field("train_loss"), YScale::kLogIfDecade, false, Spread::kNone, false},
      {metric, classification ? "Validation accuracy" : "Validation R²", classification ? "accuracy" : "R²",
       std::string(classification ? "Fraction of validation samples classified correctly"
                                  : "Validation R² (1: perfect fit, 0: no better than predicting the mean)") +
           "; the summary table ranks by its value at the last epoch." + band,
       field(metric), YScale::kLinear, false, Spread::kNone, false, classification ? std::optional(0.0) : std::nullopt,
       1.0},
      {"grad_ratio", "Gradient ratio, first / last layer", "ratio (log)",
       "Norm of the first linear layer's weight gradient over the last layer's. Tests the vanishing-gradient "
       "claim: sigmoid's derivative is at most 1/4 and tanh's at most 1, both near 0 when units saturate, so "
       "the gradient shrinks layer by layer on its way back and the ratio falls far below 1; ReLU's derivative "
       "is 1 wherever a unit is active." +
           band,
       field("grad_ratio"), YScale::kLog, false, Spread::kNone, false},
      {"dead_fraction", "Dead units", "fraction of hidden units",
       "Hidden units whose output is the flat value (0 for ReLU) for every validation sample, mean over hidden "
       "layers. Tests the dying-ReLU claim: such a unit gets no gradient and never recovers, while leaky ReLU, "
       "PReLU and ELU keep a gradient for negative inputs. Only functions with a flat region have it." +
           band,
       [](const Json& e) { return compare_view::layer_mean(e, "dead_fraction"); }, YScale::kLinear, true, Spread::kNone,
       false, 0.0, 1.0, "no flat region"},
      {"saturated_fraction", "Saturated outputs", "fraction of hidden outputs",
       "Hidden outputs within 1 % of the output range from a bound, mean over hidden layers. A saturated "
       "sigmoid or tanh unit has a derivative near 0 and hardly learns: the cause of the vanishing gradient. "
       "Only bounded functions have it." +
           band,
       [](const Json& e) { return compare_view::layer_mean(e, "saturated_fraction"); }, YScale::kLinear, true,
       Spread::kNone, false, 0.0, 1.0, "not bounded"},
      {"mean_activation", "Mean activation", "mean hidden output",
       "Mean output of the hidden units, mean over hidden layers. Tests the zero-centring claim (LeCun et al. "
       "1998): sigmoid outputs are all positive, which pushes the gradients of the next layer's weights in one "
       "direction; tanh, ELU and SELU keep the mean nearer 0." +
           band,
       [](const Json& e) { return compare_view::layer_mean(e, "mean_activation"); }, YScale::kLinear, true,
       Spread::kNone, false},
      {"learned", "Learned PReLU slope", "slope for x < 0",
       "The negative-side slope a learnable activation has learned: mean over its slopes, layers and seeds; the "
       "band runs from the smallest to the largest slope. He et al. (2015) start it at 0.25; a slope moving "
       "toward 0 makes the unit ReLU-like, toward 1 linear.",
       learned, YScale::kLinear, false, Spread::kRange, true},
  };
}

bool learns(const ActivationRuns& a) {
  for (const Json* run : a.runs) {
    for (const Json& epoch : array(*run, "epochs")) {
      if (!array(epoch, "learned").empty()) return true;
    }
  }
  return false;
}

// Whether any epoch of any run of the activation has a value for the chart.
bool has_value(const ActivationRuns& a, const compare_view::Extract& extract) {
  for (const Json* run : a.runs) {
    for (const Json& epoch : array(*run, "epochs")) {
      if (extract(epoch).value) return true;
    }
  }
  return false;
}

svg::Series activation_series(const ActivationRuns& a, std::vector<svg::Point> points) {
  return {a.activation, a.activation, colour_of(a.activation), dash_of(a.activation), std::move(points)};
}

std::string curve_section(const CurveChart& chart, const std::vector<ActivationRuns>& activations) {
  std::vector<svg::Series> series;
  // Activations without a value, by nature (undefined_when); formulas apart, since for them the
  // analysis may only have failed to decide.
  std::vector<std::string> undefined, undecided;
  for (const ActivationRuns& a : activations) {
    if (chart.learnable_only && !learns(a)) continue;
    if (!chart.undefined_when.empty() && !has_value(a, chart.extract)) {
      const bool table_entry = mlp::activations().find(a.activation.substr(0, a.activation.find('('))) != nullptr;
      (table_entry ? undefined : undecided).push_back(a.activation);
      continue;
    }
    if (chart.spread != Spread::kNone) {
      series.push_back(activation_series(a, compare_view::average_curve(a.runs, chart.extract, chart.spread)));
      continue;
    }
    if (a.runs.size() > 1) {
      for (const Json* run : a.runs) {
        svg::Series seed = activation_series(a, compare_view::run_curve(*run, chart.extract));
        const Json& seed_value = compare_view::member(*run, "seed");  // an integer: "seed 42", not 42.0
        seed.label += ", seed " + (seed_value.is_number() ? seed_value.dump() : "?");
        seed.stroke_width = 0.9;
        seed.opacity = 0.35;
        seed.in_legend = false;
        series.push_back(std::move(seed));
      }
    }
    svg::Series median = activation_series(a, compare_view::median_curve(a.runs, chart.extract));
    if (a.runs.size() > 1) {
      median.label += " (median of " + std::to_string(a.runs.size()) + ")";
      median.stroke_width = 2.4;
    }
    series.push_back(std::move(median));
  }
  if (series.empty() && undefined.empty() && undecided.empty()) return "";
  const auto no_line_note = [](const std::vector<std::string>& names, const std::string& why) {
    if (names.empty()) return std::string();
    std::string text = "<p class=\"note\">No line for ";
    for (std::size_t i = 0; i < names.size(); ++i) {
      text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + svg::escape(names[i]);
    }
    return text + ": " + svg::escape(why) + ".</p>";
  };
  const std::string note =
      no_line_note(undefined, chart.undefined_when) +
      no_line_note(undecided, chart.undefined_when + ", or unknown: the formula's analysis did not decide it");
  const std::string heading = "<section class=\"chart-section\" id=\"" + svg::escape(chart.id) + "\"><h2>" +
                              svg::escape(chart.title) + "</h2><p>" + svg::escape(chart.explanation) + "</p>";
  if (series.empty()) return heading + note + "</section>";  // no chart without a line
  svg::ChartSpec spec;
  spec.id = chart.id;
  spec.title = chart.title;
  spec.x_label = "epoch";
  spec.y_label = chart.y_label;
  spec.include_zero = chart.include_zero;
  spec.y_floor = chart.floor;
  spec.y_ceiling = chart.ceiling;
  const bool log = chart.scale == YScale::kLog || (chart.scale == YScale::kLogIfDecade && svg::spans_decade(series));
  spec.y_scale = log ? svg::Scale::kLog : svg::Scale::kLinear;
  return heading + "<figure>" + svg::line_chart(spec, series) + "</figure>" + note + "</section>";
}

// Colour of layer k of n: from dark violet (first) to green (last) along viridis.
std::string layer_colour(std::size_t k, std::size_t n) {
  constexpr std::array<std::array<double, 3>, 4> kAnchors = {
      {{0x44, 0x01, 0x54}, {0x3B, 0x52, 0x8B}, {0x21, 0x91, 0x8C}, {0x5E, 0xC9, 0x62}}};
  const double t = n > 1 ? static_cast<double>(k) / static_cast<double>(n - 1) * (kAnchors.size() - 1) : 0;
  const auto i = std::min(static_cast<std::size_t>(t), kAnchors.size() - 2);
  std::string colour = "#";
  for (std::size_t c = 0; c < 3; ++c) {
    const double v = kAnchors[i][c] + (t - static_cast<double>(i)) * (kAnchors[i + 1][c] - kAnchors[i][c]);
    const char* digits = "0123456789ABCDEF";
    const auto byte = static_cast<int>(std::lround(v));
    colour += {digits[byte / 16], digits[byte % 16]};
  }
  return colour;
}

std::size_t linear_layers(const ActivationRuns& a) {
  std::size_t layers = 0;
  for (const Json* run : a.runs) {
    for (const Json& epoch : array(*run, "epochs")) layers = std::max(layers, array(epoch, "weight_grad_norm").size());
  }
  return layers;
}

// Small multiples: per activation, one line per linear layer, all on one y axis so that the
// panels compare at a glance.
std::string gradient_section(const std::vector<ActivationRuns>& activations) {
  std::string html =
      "<section class=\"chart-section wide\" id=\"weight_grad_norm\"><h2>Weight-gradient norm per layer</h2><p>"
      "The norm of each linear layer's weight gradient (mean over the epoch's steps and over seeds; log scale; "
      "both axes the same in every panel), first layer darkest. Lines that fan out by orders of magnitude are the "
      "vanishing (or exploding) gradient seen layer by layer.</p>";
  std::vector<std::vector<svg::Series>> panels;
  std::optional<std::pair<double, double>> domain;  // of y; x runs from epoch 1 to the longest run
  double last_epoch = 1;
  for (const ActivationRuns& a : activations) {
    const std::size_t n = linear_layers(a);
    std::vector<svg::Series> series;
    for (std::size_t k = 0; k < n; ++k) {
      const auto extract = [k](const Json& epoch) {
        const Json& norms = array(epoch, "weight_grad_norm");
        return Sample{k < norms.size() ? number(norms[k]) : std::nullopt, std::nullopt, std::nullopt};
      };
      const std::string position = k == 0 ? " (first)" : k + 1 == n ? " (last)" : "";
      series.push_back({"layer " + std::to_string(k + 1) + position, std::to_string(k + 1), layer_colour(k, n), "",
                        compare_view::average_curve(a.runs, extract, Spread::kNone)});
      for (const svg::Point& p : series.back().points) {
        if (!p.y || !(*p.y > 0) || !std::isfinite(*p.y)) continue;
        last_epoch = std::max(last_epoch, p.x);
        domain =
            domain ? std::pair{std::min(domain->first, *p.y), std::max(domain->second, *p.y)} : std::pair{*p.y, *p.y};
      }
    }
    panels.push_back(std::move(series));
  }
  for (std::size_t i = 0; i < activations.size(); ++i) {
    svg::ChartSpec spec;
    spec.id = "weight_grad_norm";
    spec.title = activations[i].activation;
    spec.x_label = "epoch";
    spec.y_label = "gradient norm (log)";
    spec.key_attribute = "data-layer";
    spec.y_scale = svg::Scale::kLog;
    spec.width = 360;
    spec.height = 240;
    spec.y_domain = domain;
    spec.x_domain = std::pair{1.0, last_epoch};
    html += "<figure class=\"small\" data-activation=\"" + svg::escape(activations[i].activation) + "\">" +
            svg::line_chart(spec, panels[i]) + "</figure>";
  }
  return html + "</section>";
}

std::string swatch(const ActivationRuns& a) {
  return "<span class=\"swatch\" style=\"background:" + colour_of(a.activation) + "\"></span>";
}

// Which runs each activation's curves average, and how those runs ended.
std::string runs_list(const std::vector<ActivationRuns>& activations) {
  std::string html = "<ul class=\"note\">";
  for (const ActivationRuns& a : activations) {
    std::string line = a.activation + ": " + (a.lr ? "lr " + Json(*a.lr).dump() + ", " : "") + std::to_string(a.seeds) +
                       (a.seeds == 1 ? " run (" : " runs (");
    for (auto it = a.stop_reasons.begin(); it != a.stop_reasons.end(); ++it) {
      line += (it == a.stop_reasons.begin() ? "" : ", ") + std::to_string(it->second) + " " + it->first;
    }
    line += ")";
    const auto diverged = a.stop_reasons.find("diverged");
    if (diverged != a.stop_reasons.end()) {
      line += a.runs.size() < static_cast<std::size_t>(a.seeds) ? "; diverged runs are left out of the curves"
                                                                : "; every run diverged: the curves show them";
    }
    html += "<li>" + swatch(a) + svg::escape(line) + "</li>";
  }
  return html + "</ul>";
}

std::string joined(const Json& values) {
  std::string text;
  for (const Json& v : values) text += (text.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  return text;
}

// The settings of the comparison, as a definition list.
std::string facts(const Json& compare) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"task", text(compare, "task")},
      {"metric", text(compare, "metric")},
      {"config file", text(compare, "config_file")},
      {"seeds", joined(array(compare, "seeds"))},
      {"learning rates", joined(array(compare, "lr_grid"))},
      {"baseline", text(compare, "baseline")},
      {"epochs_to_target", loss_target_note(compare)},
      {"mlptrain", text(compare, "mlptrain_version")},
  };
  std::string html = "<dl class=\"facts\">";
  for (const auto& [name, value] : rows) {
    if (!value.empty()) html += "<dt>" + svg::escape(name) + "</dt><dd>" + svg::escape(value) + "</dd>";
  }
  return html + "</dl>";
}

std::map<std::string, std::string> colours(const std::vector<ActivationRuns>& activations) {
  std::map<std::string, std::string> result;
  for (const ActivationRuns& a : activations) result[a.activation] = colour_of(a.activation);
  return result;
}

// The activations in the summary table's order (best first), so that every legend reads like the
// table; any the summary lacks keep their place after them.
std::vector<ActivationRuns> in_table_order(std::vector<ActivationRuns> activations, const Json& compare) {
  std::vector<std::string> order;
  for (const Json& entry : array(compare, "summary")) order.push_back(text(entry, "activation"));
  auto rank = [&](const ActivationRuns& a) {
    return static_cast<std::size_t>(std::ranges::find(order, a.activation) - order.begin());
  };
  std::ranges::stable_sort(activations, {}, rank);
  return activations;
}

}  // namespace

std::string compare_report_html(const nlohmann::json& compare) {
  const std::vector<ActivationRuns> activations = in_table_order(compare_view::activation_runs(compare), compare);
  const std::string config = text(compare, "config_file");
  std::string html =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>" +
      svg::escape("Activation functions compared" + (config.empty() ? "" : ": " + config)) + "</title><style>" +
      kStyle + "</style></head>\n<body>\n<h1>Activation functions compared</h1>\n" + facts(compare) +
      "\n<h2>Summary</h2>\n<p class=\"note\">One row per activation, best first, at the learning rate that gave "
      "it the lowest mean final validation loss; mean±std over seeds, diverged runs left out. The best value of "
      "each column is highlighted; hover a column heading for its meaning.</p>\n" +
      "<div class=\"table-scroll\">" + summary_table_html(compare, colours(activations)) + "</div>\n" +
      report::activation_functions_section(activations) +
      "\n<h2>Curves</h2>\n<p class=\"note\">One activation's runs at the learning rate of the table: a thin line "
      "per seed and a bold one for their median; a run that stopped early ends there, and so does the median. "
      "Colours follow the activation's name, the same in every report; legends follow the table. Hover a line "
      "for its name.</p>\n" +
      runs_list(activations) + "\n<div class=\"charts\">\n";
  const std::string metric = text(compare, "metric");
  for (const CurveChart& chart : curve_charts(metric.empty() ? "val_accuracy" : metric)) {
    html += curve_section(chart, activations) + "\n";
    if (chart.id == "grad_ratio") html += gradient_section(activations) + "\n";
  }
  return html + "</div>\n</body>\n</html>\n";
}

}  // namespace mlp
