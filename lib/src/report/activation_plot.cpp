// The standalone activation plots: the two charts of activation_chart.hpp in an SVG document or
// an HTML page of their own.
#include "mlp/activation_plot.hpp"

#include "activation_chart.hpp"
#include "looks.hpp"
#include "svg_text.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {
namespace {

constexpr int kChartWidth = 520;

report::ActivationCharts charts_of(std::span<const Activation> activations) {
  std::vector<report::ActivationLine> lines;
  for (const Activation& activation : activations) lines.push_back(report::activation_line(activation));
  return report::activation_charts(lines, kChartWidth);
}

// The height line_chart gave a chart: its root element's height attribute (legends add rows).
int chart_height(std::string_view chart) {
  const std::string_view root = chart.substr(0, chart.find('>'));
  const std::size_t at = root.find(" height=\"");
  return at == std::string_view::npos ? 0 : std::stoi(std::string(root.substr(at + 9)));
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;color:#222;max-width:1120px;margin:2em auto;padding:0 1em;line-height:1.45}"
    "h1{font-size:1.5em}p,li{font-size:0.9em;color:#444}figure{margin:0}svg{max-width:100%;height:auto}"
    ".charts{display:flex;flex-wrap:wrap;gap:1.5em}.swatch{display:inline-block;width:0.8em;height:0.8em;"
    "margin-right:0.4em;vertical-align:middle}code{font-size:0.95em}";

}  // namespace

std::string activation_plot_svg(std::span<const Activation> activations) {
  const report::ActivationCharts charts = charts_of(activations);
  const int height = std::max(chart_height(charts.f), chart_height(charts.df));
  const std::string width = std::to_string(2 * kChartWidth), tall = std::to_string(height);
  // White behind the charts: a viewer with a dark background would hide the black axes.
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width +
         "\" height=\"" + tall + "\" viewBox=\"0 0 " + width + " " + tall + "\"><rect width=\"" + width +
         "\" height=\"" + tall + "\" fill=\"#fff\"/><g>" + charts.f + "</g><g transform=\"translate(" +
         std::to_string(kChartWidth) + " 0)\">" + charts.df + "</g></svg>\n";
}

std::string activation_plot_html(std::span<const Activation> activations) {
  const report::ActivationCharts charts = charts_of(activations);
  std::string formulas = "<ul>";
  for (const Activation& activation : activations) {
    const std::string name = activation.describe();
    formulas += "<li><span class=\"swatch\" style=\"background:" + report::colour_of(name) + "\"></span><code>" +
                svg::escape(name) + "</code>: " + svg::escape(activation.formula_text()) + "</li>";
  }
  formulas += "</ul>";
  return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head><meta charset=\"utf-8\"/>"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>Activation functions"
         "</title><style>" +
         std::string(kStyle) +
         "</style></head>\n<body>\n<h1>Activation functions</h1>\n<p>Each function f(x) and its derivative f′(x) "
         "on [-5, 5], computed by the activation layer mlptrain trains with: its forward pass at 201 points, and "
         "its backward pass with an upstream gradient of 1, which is f′(x) (at a kink, the value PyTorch's "
         "autograd returns there). A learnable activation is drawn at its initial value.</p>\n"
         "<div class=\"charts\"><figure>" +
         charts.f + "</figure><figure>" + charts.df + "</figure></div>\n" + formulas + "\n</body>\n</html>\n";
}

}  // namespace mlp
