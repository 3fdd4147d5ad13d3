// The activation charts: values from the activation layer itself, never a second copy of the
// formulas, so that what the picture shows is what training computes.
#include "activation_chart.hpp"

#include "looks.hpp"

#include "mlp/layers.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace mlp::report {

ActivationSamples sample_activation(const Activation& activation, std::optional<double> learned) {
  Activation shared = activation;
  if (const auto& learnable = activation.spec->learnable) {
    // Every unit gets the same learned value, so a layer of one unit with one shared value draws
    // the same function as per-unit values would: the curve needs no layer as wide as the count.
    const int count = slot_of(activation.spec->param_specs(), learnable->count_param);
    shared.params[static_cast<std::size_t>(count)] = 1;
  }
  ActivationLayer layer(shared, 1);
  if (learned) layer.learned().setConstant(static_cast<Scalar>(*learned));

  constexpr Index n = kActivationPoints;
  Matrix z(1, n);
  for (Index j = 0; j < n; ++j) {
    const double t = static_cast<double>(j) / static_cast<double>(n - 1);
    z(0, j) = static_cast<Scalar>(kActivationXMin + t * (kActivationXMax - kActivationXMin));
  }
  Matrix a(1, n);
  Matrix grad_z(1, n);
  const Matrix ones = Matrix::Ones(1, n);
  layer.forward(cview(z), view(a), Mode::kEval);
  // dL/dz = dL/da * f'(z): with dL/da = 1 the backward pass hands back f'(z) itself.
  layer.backward(cview(z), cview(a), cview(ones), view(grad_z));

  ActivationSamples samples;
  for (Index j = 0; j < n; ++j) {
    samples.x.push_back(static_cast<double>(z(0, j)));
    samples.f.push_back(static_cast<double>(a(0, j)));
    samples.df.push_back(static_cast<double>(grad_z(0, j)));
  }
  return samples;
}

ActivationLine activation_line(const Activation& activation) {
  const std::string name = activation.describe();
  return {.activation = activation, .label = name, .key = name};
}

namespace {

svg::Series series_of(const ActivationLine& line, std::vector<svg::Point> points) {
  svg::Series s{line.label, line.key, colour_of(line.key), line.dash.value_or(dash_of(line.key)), std::move(points)};
  s.opacity = line.opacity;
  return s;
}

// f' as points, broken where it jumps at a declared kink (relu at 0, hardtanh at min_val and
// max_val): a point without y between the samples on either side, so that the line stops instead
// of drawing a steep segment that no derivative has. A kink where only f'' changes (celu at 0)
// keeps its line, since there f' changes no faster than beside it. A formula declares no kinks:
// every interval may hold one (anywhere_kinks), and the same test finds its jumps.
std::vector<svg::Point> derivative_points(const ActivationSamples& s, const std::vector<double>& kinks,
                                          bool anywhere_kinks) {
  const std::size_t n = s.x.size();
  auto step = [&](std::size_t i) { return i + 1 < n ? std::abs(s.df[i + 1] - s.df[i]) : 0.0; };
  std::vector<svg::Point> points;
  for (std::size_t i = 0; i < n; ++i) {
    points.push_back({s.x[i], s.df[i], std::nullopt, std::nullopt});
    if (i + 1 == n) break;
    const bool at_kink =
        anywhere_kinks || std::ranges::any_of(kinks, [&](double k) { return s.x[i] <= k && k <= s.x[i + 1]; });
    const double beside = std::max(i > 0 ? step(i - 1) : 0.0, step(i + 1));
    if (at_kink && step(i) > 4 * beside + 1e-6) points.push_back({(s.x[i] + s.x[i + 1]) / 2, {}, {}, {}});
  }
  return points;
}

// The y domain of a chart: its lines' range with 0, widened by 5 % on each side, so that a line
// at an extreme (relu's f' at 0 and 1) is drawn inside the frame, not on the axis that hides it.
std::pair<double, double> padded_range(const std::vector<svg::Series>& series) {
  double lo = 0, hi = 0;
  for (const svg::Series& s : series) {
    for (const svg::Point& p : s.points) {
      if (!p.y || !std::isfinite(*p.y)) continue;
      lo = std::min(lo, *p.y);
      hi = std::max(hi, *p.y);
    }
  }
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

svg::ChartSpec chart_spec(std::string id, std::string title, std::string y_label, int width,
                          const std::vector<svg::Series>& series) {
  svg::ChartSpec spec;
  spec.id = std::move(id);
  spec.title = std::move(title);
  spec.x_label = "x";
  spec.y_label = std::move(y_label);
  spec.y_domain = padded_range(series);
  spec.width = width;
  // No x_domain: the samples span [-5, 5] exactly, and the x axis ends where the data do.
  return spec;
}

}  // namespace

ActivationCharts activation_charts(const std::vector<ActivationLine>& lines, int width) {
  std::vector<svg::Series> f, df;
  for (const ActivationLine& line : lines) {
    const ActivationSamples samples = sample_activation(line.activation, line.learned);
    std::vector<svg::Point> values;
    for (std::size_t i = 0; i < samples.x.size(); ++i) values.push_back({samples.x[i], samples.f[i], {}, {}});
    f.push_back(series_of(line, std::move(values)));
    df.push_back(
        series_of(line, derivative_points(samples, line.activation.kinks(), line.activation.formula != nullptr)));
  }
  return {svg::line_chart(chart_spec("activation_f", "f(x)", "f(x)", width, f), f),
          svg::line_chart(chart_spec("activation_df", "f′(x), the derivative", "f′(x)", width, df), df)};
}

}  // namespace mlp::report
