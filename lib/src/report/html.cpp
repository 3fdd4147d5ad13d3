// report.html of a comparison: the page, what each chart tests, and the charts themselves, each
// with one series per activation in a fixed colour-blind-friendly palette (Okabe & Ito).
#include "mlp/report_html.hpp"

#include "compare/view.hpp"
#include "html_table.hpp"
#include "svg_chart.hpp"

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

// Okabe & Ito's palette without its yellow, which is hard to see on white. Past seven
// activations the colours repeat with dashed lines.
constexpr std::array<const char*, 7> kPalette = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                 "#CC79A7", "#56B4E9", "#000000"};

constexpr const char* kStyle =
    "body{font-family:sans-serif;color:#222;max-width:1120px;margin:2em auto;padding:0 1em;line-height:1.45}"
    "h1{font-size:1.5em}h2{font-size:1.1em;margin:0.2em 0}"
    "table.summary{border-collapse:collapse;font-size:0.9em;margin:1em 0}"
    "table.summary th,table.summary td{border-bottom:1px solid #ddd;padding:0.3em 0.6em;text-align:right}"
    "table.summary th:first-child,table.summary td.name{text-align:left}"
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
  Spread spread;
  bool learnable_only;  // only activations that learn a parameter; no chart if none does
};

compare_view::Extract field(std::string key) {
  return [key](const Json& epoch) { return Sample{number(epoch, key), std::nullopt, std::nullopt}; };
}

// A learnable activation's values at one epoch: the mean of its layers' means, and the smallest
// and largest value of any layer.
Sample learned(const Json& epoch) {
  Sample s;
  double sum = 0;
  int layers = 0;
  for (const Json& layer : array(epoch, "learned")) {
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
  const std::string band = " Lines are the mean over seeds, the band ±1 standard deviation.";
  return {
      {"val_loss", "Validation loss", "loss",
       "How fast each activation learns and where it levels off. Tests the claim that non-saturating activations "
       "(ReLU and its relatives) train faster than sigmoid and tanh (Glorot & Bengio 2010; Krizhevsky et al. "
       "2012). The axis is logarithmic when the values span more than a factor of ten." +
           band,
       field("val_loss"), YScale::kLogIfDecade, false, Spread::kStd, false},
      {"train_loss", "Training loss", "loss",
       "The mean minibatch loss of each epoch. A training loss that keeps falling while the validation loss "
       "rises is over-fitting, not a property of the activation." +
           band,
       field("train_loss"), YScale::kLogIfDecade, false, Spread::kStd, false},
      {metric, classification ? "Validation accuracy" : "Validation R²", classification ? "accuracy" : "R²",
       std::string(classification ? "Fraction of validation samples classified correctly"
                                  : "Validation R² (1: perfect fit, 0: no better than predicting the mean)") +
           "; the summary table ranks by its value at the last epoch." + band,
       field(metric), YScale::kLinear, false, Spread::kStd, false},
      {"grad_ratio", "Gradient ratio, first / last layer", "ratio (log)",
       "Norm of the first linear layer's weight gradient over the last layer's. Tests the vanishing-gradient "
       "claim: sigmoid's derivative is at most 1/4 and tanh's at most 1, both near 0 when units saturate, so "
       "the gradient shrinks layer by layer on its way back and the ratio falls far below 1; ReLU's derivative "
       "is 1 wherever a unit is active." +
           band,
       field("grad_ratio"), YScale::kLog, false, Spread::kStd, false},
      {"dead_fraction", "Dead units", "fraction of hidden units",
       "Hidden units whose output is the flat value (0 for ReLU) for every validation sample, mean over hidden "
       "layers. Tests the dying-ReLU claim: such a unit gets no gradient and never recovers, while leaky ReLU, "
       "PReLU and ELU keep a gradient for negative inputs. Only functions with a flat region have it." +
           band,
       [](const Json& e) { return compare_view::layer_mean(e, "dead_fraction"); }, YScale::kLinear, true, Spread::kStd,
       false},
      {"saturated_fraction", "Saturated outputs", "fraction of hidden outputs",
       "Hidden outputs within 1 % of the output range from a bound, mean over hidden layers. A saturated "
       "sigmoid or tanh unit has a derivative near 0 and hardly learns: the cause of the vanishing gradient. "
       "Only bounded functions have it." +
           band,
       [](const Json& e) { return compare_view::layer_mean(e, "saturated_fraction"); }, YScale::kLinear, true,
       Spread::kStd, false},
      {"mean_activation", "Mean activation", "mean hidden output",
       "Mean output of the hidden units, mean over hidden layers. Tests the zero-centring claim (LeCun et al. "
       "1998): sigmoid outputs are all positive, which pushes the gradients of the next layer's weights in one "
       "direction; tanh, ELU and SELU keep the mean nearer 0." +
           band,
       [](const Json& e) { return compare_view::layer_mean(e, "mean_activation"); }, YScale::kLinear, true,
       Spread::kStd, false},
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

svg::Series activation_series(const ActivationRuns& a, std::vector<svg::Point> points) {
  return {a.activation, a.activation, kPalette[a.index % kPalette.size()], (a.index / kPalette.size()) % 2 == 1,
          std::move(points)};
}

std::string curve_section(const CurveChart& chart, const std::vector<ActivationRuns>& activations) {
  std::vector<svg::Series> series;
  for (const ActivationRuns& a : activations) {
    if (chart.learnable_only && !learns(a)) continue;
    series.push_back(activation_series(a, compare_view::average_curve(a.runs, chart.extract, chart.spread)));
  }
  if (series.empty()) return "";
  svg::ChartSpec spec;
  spec.id = chart.id;
  spec.title = chart.title;
  spec.x_label = "epoch";
  spec.y_label = chart.y_label;
  spec.include_zero = chart.include_zero;
  const bool log = chart.scale == YScale::kLog || (chart.scale == YScale::kLogIfDecade && svg::spans_decade(series));
  spec.y_scale = log ? svg::Scale::kLog : svg::Scale::kLinear;
  return "<section class=\"chart-section\" id=\"" + svg::escape(chart.id) + "\"><h2>" + svg::escape(chart.title) +
         "</h2><p>" + svg::escape(chart.explanation) + "</p><figure>" + svg::line_chart(spec, series) +
         "</figure></section>";
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

// Small multiples: per activation, one line per linear layer.
std::string gradient_section(const std::vector<ActivationRuns>& activations) {
  std::string html =
      "<section class=\"chart-section wide\" id=\"weight_grad_norm\"><h2>Weight-gradient norm per layer</h2><p>"
      "The norm of each linear layer's weight gradient (mean over the epoch's steps and over seeds; log scale), "
      "first layer darkest. Lines that fan out by orders of magnitude are the vanishing (or exploding) gradient "
      "seen layer by layer.</p>";
  for (const ActivationRuns& a : activations) {
    const std::size_t n = linear_layers(a);
    std::vector<svg::Series> series;
    for (std::size_t k = 0; k < n; ++k) {
      const auto extract = [k](const Json& epoch) {
        const Json& norms = array(epoch, "weight_grad_norm");
        return Sample{k < norms.size() ? number(norms[k]) : std::nullopt, std::nullopt, std::nullopt};
      };
      const std::string position = k == 0 ? " (first)" : k + 1 == n ? " (last)" : "";
      series.push_back({"layer " + std::to_string(k + 1) + position, std::to_string(k + 1), layer_colour(k, n), false,
                        compare_view::average_curve(a.runs, extract, Spread::kNone)});
    }
    svg::ChartSpec spec{"weight_grad_norm",
                        a.activation,
                        "epoch",
                        "gradient norm (log)",
                        "data-layer",
                        svg::Scale::kLog,
                        false,
                        true,
                        360,
                        240};
    html += "<figure class=\"small\" data-activation=\"" + svg::escape(a.activation) + "\">" +
            svg::line_chart(spec, series) + "</figure>";
  }
  return html + "</section>";
}

std::string swatch(const ActivationRuns& a) {
  return "<span class=\"swatch\" style=\"background:" + std::string(kPalette[a.index % kPalette.size()]) + "\"></span>";
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
      {"loss target", number(compare, "loss_target") ? Json(*number(compare, "loss_target")).dump() : ""},
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
  for (const ActivationRuns& a : activations) result[a.activation] = kPalette[a.index % kPalette.size()];
  return result;
}

}  // namespace

std::string compare_report_html(const nlohmann::json& compare) {
  const std::vector<ActivationRuns> activations = compare_view::activation_runs(compare);
  const std::string config = text(compare, "config_file");
  std::string html =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>" +
      svg::escape("Activation functions compared" + (config.empty() ? "" : ": " + config)) + "</title><style>" +
      kStyle + "</style></head>\n<body>\n<h1>Activation functions compared</h1>\n" + facts(compare) +
      "\n<h2>Summary</h2>\n<p class=\"note\">One row per activation, best first, at the learning rate that gave "
      "it the lowest mean final validation loss; mean±std over seeds, diverged runs left out. The best value of "
      "each column is highlighted; hover a column heading for its meaning.</p>\n" +
      summary_table_html(compare, colours(activations)) +
      "\n<h2>Curves</h2>\n<p class=\"note\">Each curve averages, epoch by epoch, one activation's runs at the "
      "learning rate of the table, over seeds. Runs that stopped early end early. Hover a line for its name.</p>\n" +
      runs_list(activations) + "\n<div class=\"charts\">\n";
  const std::string metric = text(compare, "metric");
  for (const CurveChart& chart : curve_charts(metric.empty() ? "val_accuracy" : metric)) {
    html += curve_section(chart, activations) + "\n";
    if (chart.id == "grad_ratio") html += gradient_section(activations) + "\n";
  }
  return html + "</div>\n</body>\n</html>\n";
}

}  // namespace mlp
