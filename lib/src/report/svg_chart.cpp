// The SVG line-chart writer: scales, ticks, series, legend. Every coordinate goes through one
// mapping that refuses values it cannot place, so the output never holds NaN or infinity.
#include "svg_chart.hpp"

#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>

namespace mlp::svg {
namespace {

constexpr double kHuge = 1e300;  // data are clamped to +-kHuge so that spans stay finite
constexpr int kLeft = 62, kRight = 14, kTop = 30, kBottom = 46, kLegendRow = 18;

double clamp_huge(double v) { return std::clamp(v, -kHuge, kHuge); }

// The y domain: every finite line and band value (positive ones only on a log axis).
std::vector<double> y_values(const std::vector<Series>& series, Scale scale) {
  std::vector<double> values;
  for (const Series& s : series) {
    for (const Point& p : s.points) {
      for (const std::optional<double>& v : {p.y, p.low, p.high}) {
        if (v && std::isfinite(*v) && (scale == Scale::kLinear || *v > 0)) values.push_back(clamp_huge(*v));
      }
    }
  }
  return values;
}

std::vector<double> x_values(const std::vector<Series>& series) {
  std::vector<double> values;
  for (const Series& s : series) {
    for (const Point& p : s.points) {
      if (p.y && std::isfinite(*p.y) && std::isfinite(p.x)) values.push_back(clamp_huge(p.x));
    }
  }
  return values;
}

// Plot-area geometry: data value to pixel.
struct Frame {
  Axis x, y;
  double left, top, width, height;
  std::optional<double> px(double v) const {
    const auto f = x.fraction(v);
    return f ? std::optional(left + *f * width) : std::nullopt;
  }
  std::optional<double> py(double v) const {
    const auto f = y.fraction(v);
    return f ? std::optional(top + (1 - *f) * height) : std::nullopt;
  }
  // A band edge at or below zero on a log axis sits on the axis floor rather than vanishing.
  std::optional<double> band_py(double v) const { return y.scale == Scale::kLog && v <= 0 ? py(y.lo) : py(v); }
};

std::string coord(double v) { return fixed(v, 2); }

void write_axes(std::string& out, const Frame& f, const ChartSpec& spec) {
  const double right = f.left + f.width, bottom = f.top + f.height;
  out += "<g class=\"grid\" stroke=\"#e2e2e2\" stroke-width=\"1\">";
  for (const double t : f.y.ticks) {
    const std::string y = coord(*f.py(t));
    out += "<line x1=\"" + coord(f.left) + "\" y1=\"" + y + "\" x2=\"" + coord(right) + "\" y2=\"" + y + "\"/>";
  }
  for (const double t : f.x.ticks) {
    const std::string x = coord(*f.px(t));
    out += "<line x1=\"" + x + "\" y1=\"" + coord(f.top) + "\" x2=\"" + x + "\" y2=\"" + coord(bottom) + "\"/>";
  }
  out += "</g><g class=\"axis\" font-size=\"11\" fill=\"#333\">";
  out += "<polyline points=\"" + coord(f.left) + "," + coord(f.top) + " " + coord(f.left) + "," + coord(bottom) + " " +
         coord(right) + "," + coord(bottom) + "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1\"/>";
  for (const double t : f.y.ticks) {
    out += "<text x=\"" + coord(f.left - 6) + "\" y=\"" + coord(*f.py(t) + 4) + "\" text-anchor=\"end\">" +
           escape(f.y.label(t)) + "</text>";
  }
  for (const double t : f.x.ticks) {
    out += "<text x=\"" + coord(*f.px(t)) + "\" y=\"" + coord(bottom + 16) + "\" text-anchor=\"middle\">" +
           escape(f.x.label(t)) + "</text>";
  }
  out += "</g><text class=\"axis-label\" x=\"" + coord(f.left + f.width / 2) + "\" y=\"" + coord(bottom + 36) +
         "\" text-anchor=\"middle\" font-size=\"12\">" + escape(spec.x_label) + "</text>";
  const std::string yx = coord(14), yy = coord(f.top + f.height / 2);
  out += "<text class=\"axis-label\" x=\"" + yx + "\" y=\"" + yy + "\" transform=\"rotate(-90 " + yx + " " + yy +
         ")\" text-anchor=\"middle\" font-size=\"12\">" + escape(spec.y_label) + "</text>";
}

// Band polygons: one per stretch of consecutive points that have both edges.
void write_bands(std::string& out, const Frame& f, const Series& s) {
  std::vector<std::pair<double, std::pair<double, double>>> stretch;  // x, (y low, y high) in pixels
  auto flush = [&] {
    if (stretch.size() >= 2) {
      std::string points;
      for (const auto& [x, y] : stretch) points += coord(x) + "," + coord(y.second) + " ";
      for (auto it = stretch.rbegin(); it != stretch.rend(); ++it)
        points += coord(it->first) + "," + coord(it->second.first) + " ";
      points.pop_back();
      out += "<polygon class=\"band\" points=\"" + points + "\" fill=\"" + escape(s.colour) +
             "\" fill-opacity=\"0.18\" stroke=\"none\"/>";
    }
    stretch.clear();
  };
  for (const Point& p : s.points) {
    const auto x = f.px(p.x);
    const auto lo = p.low ? f.band_py(*p.low) : std::nullopt;
    const auto hi = p.high ? f.band_py(*p.high) : std::nullopt;
    if (x && lo && hi) {
      stretch.push_back({*x, {*lo, *hi}});
    } else {
      flush();
    }
  }
  flush();
}

// The line style of a series, as its line and its legend entry draw it.
std::string dash_attribute(const Series& s) {
  return s.dash.empty() ? "" : " stroke-dasharray=\"" + escape(s.dash) + "\"";
}

// Polylines for unbroken stretches of the line, a dot for each point that stands alone.
void write_lines(std::string& out, const Frame& f, const Series& s) {
  std::vector<std::pair<double, double>> stretch;
  const std::string colour = escape(s.colour);
  auto flush = [&] {
    if (stretch.size() == 1) {
      out += "<circle cx=\"" + coord(stretch[0].first) + "\" cy=\"" + coord(stretch[0].second) + "\" r=\"" +
             fixed(s.stroke_width * 1.4, 2) + "\" fill=\"" + colour + "\"" +
             (s.opacity < 1 ? " fill-opacity=\"" + fixed(s.opacity, 2) + "\"" : "") + "/>";
    } else if (stretch.size() >= 2) {
      std::string points;
      for (const auto& [x, y] : stretch) points += coord(x) + "," + coord(y) + " ";
      points.pop_back();
      out += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" +
             fixed(s.stroke_width, 2) + "\"" +
             (s.opacity < 1 ? " stroke-opacity=\"" + fixed(s.opacity, 2) + "\"" : "") + " stroke-linejoin=\"round\"" +
             dash_attribute(s) + "/>";
    }
    stretch.clear();
  };
  for (const Point& p : s.points) {
    const auto x = f.px(p.x);
    const auto y = p.y ? f.py(*p.y) : std::nullopt;
    if (x && y) {
      stretch.emplace_back(*x, *y);
    } else {
      flush();
    }
  }
  flush();
}

bool has_line(const Series& s) {
  return std::any_of(s.points.begin(), s.points.end(), [](const Point& p) { return p.y && std::isfinite(*p.y); });
}

// Legend entries flow left to right below the plot, wrapping into rows; returns the rows used.
int write_legend(std::string& out, const ChartSpec& spec, const std::vector<Series>& series) {
  out += "<g class=\"legend\" font-size=\"11\" fill=\"#222\">";
  double x = kLeft;
  int row = 0;
  for (const Series& s : series) {
    if (!s.in_legend) continue;
    const std::string text = s.label + (has_line(s) ? "" : " (no data)");
    const double width = 30 + 6.3 * static_cast<double>(code_points(text));
    if (x > kLeft && x + width > spec.width - kRight) {
      x = kLeft;
      ++row;
    }
    const double y = spec.height + row * kLegendRow + 4;
    out += "<line x1=\"" + coord(x) + "\" y1=\"" + coord(y) + "\" x2=\"" + coord(x + 22) + "\" y2=\"" + coord(y) +
           "\" stroke=\"" + escape(s.colour) + "\" stroke-width=\"3\"" + dash_attribute(s) + "/><text x=\"" +
           coord(x + 26) + "\" y=\"" + coord(y + 4) + "\">" + escape(text) + "</text>";
    x += width;
  }
  out += "</g>";
  return series.empty() ? 0 : row + 1;
}

// The y axis: from the data (or the domain given), its nice ends pulled back inside what the
// values can be, ticks outside dropped.
Axis y_axis(const ChartSpec& spec, const std::vector<Series>& series) {
  std::vector<double> ys = y_values(series, spec.y_scale);
  if (spec.y_domain) ys = {spec.y_domain->first, spec.y_domain->second};
  if (spec.y_scale == Scale::kLinear && spec.include_zero) ys.push_back(0);
  if (ys.empty()) return spec.y_scale == Scale::kLog ? log_axis(1, 10) : linear_axis(0, 1, false);
  auto [lo, hi] = std::minmax_element(ys.begin(), ys.end());
  Axis axis = spec.y_scale == Scale::kLog ? log_axis(*lo, *hi) : linear_axis(*lo, *hi, false);
  const double floor = std::max(axis.lo, spec.y_floor.value_or(axis.lo));
  const double ceiling = std::min(axis.hi, spec.y_ceiling.value_or(axis.hi));
  if (floor < ceiling && (floor != axis.lo || ceiling != axis.hi)) {
    axis.lo = floor;
    axis.hi = ceiling;
    std::erase_if(axis.ticks, [&](double t) { return t < floor - 1e-12 || t > ceiling + 1e-12; });
  }
  return axis;
}

// The x axis: nice ticks, the domain the data's own range (epochs start at 1, not at the 0 tick
// below it) unless the spec gives one.
Axis x_axis(const ChartSpec& spec, const std::vector<double>& xs) {
  if (xs.empty()) return linear_axis(1, 1, spec.integer_x);
  const auto [lowest, highest] = std::minmax_element(xs.begin(), xs.end());
  const double lo = *lowest, hi = *highest;  // clang 14 cannot capture structured bindings
  Axis axis = linear_axis(lo, hi, spec.integer_x);
  if (!spec.x_domain && lo < hi) {
    axis.lo = lo;
    axis.hi = hi;
    std::erase_if(axis.ticks, [&](double t) { return t < lo || t > hi; });
  }
  return axis;
}

}  // namespace

bool spans_decade(const std::vector<Series>& series) {
  const std::vector<double> values = y_values(series, Scale::kLog);
  if (values.empty()) return false;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return *hi > 10 * *lo;
}

std::optional<double> Axis::fraction(double v) const {
  if (!std::isfinite(v) || (scale == Scale::kLog && v <= 0)) return std::nullopt;
  const double f = scale == Scale::kLog ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                                        : (v - lo) / (hi - lo);
  return std::isfinite(f) ? std::optional(std::clamp(f, 0.0, 1.0)) : std::nullopt;
}

std::string Axis::label(double tick) const {
  if (scale == Scale::kLog) {
    // Ticks are m * 10^k with m in {1, 2, 5}: "0.05", "200"; where some tick of the axis is too
    // small or large for that, every label is "5e-7", "1e0", so that one axis reads one way.
    auto exponent = [](double t) { return static_cast<int>(std::floor(std::log10(t) + 1e-9)); };
    const bool plain = std::all_of(ticks.begin(), ticks.end(), [&](double t) {
      const int k = exponent(t);
      return k >= -4 && k <= 5;
    });
    const int k = exponent(tick);
    if (plain) return fixed(tick, std::max(0, -k));
    return fixed(tick / std::pow(10.0, k), 0) + "e" + std::to_string(k);
  }
  const double step = ticks.size() >= 2 ? ticks[1] - ticks[0] : 1;
  if (std::max(std::abs(lo), std::abs(hi)) >= 1e6) return general(tick, 4);
  return fixed(tick, step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
}

Axis linear_axis(double lo, double hi, bool integer) {
  lo = std::isfinite(lo) ? clamp_huge(lo) : 0;
  hi = std::isfinite(hi) ? clamp_huge(hi) : 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    const double pad = integer || lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  if (integer) step = std::max(1.0, std::round(step));
  Axis axis{Scale::kLinear, std::floor(lo / step) * step, std::ceil(hi / step) * step, {}};
  for (int i = 0;; ++i) {
    const double t = axis.lo + i * step;
    if (t > axis.hi + step * 1e-9) break;
    axis.ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return axis;
}

Axis log_axis(double lo, double hi) {
  lo = std::clamp(lo, 1e-300, kHuge);
  hi = std::clamp(hi, lo, kHuge);
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  // Up to two or three decades: ticks at 1, 2 and 5 times powers of ten, the domain snapped to
  // the nearest of them outside the data.
  std::vector<double> fine;
  for (int k = first - 1; k <= last; ++k) {
    for (const double m : {1.0, 2.0, 5.0}) fine.push_back(m * std::pow(10.0, k));
  }
  std::size_t from = 0, to = fine.size() - 1;
  while (from + 1 < fine.size() && fine[from + 1] <= lo * (1 + 1e-9)) ++from;
  while (to > from + 1 && fine[to - 1] >= hi * (1 - 1e-9)) --to;
  if (to - from < 8) {
    return {Scale::kLog, fine[from], fine[to], std::vector<double>(fine.begin() + from, fine.begin() + to + 1)};
  }
  // More: the same domain, labelled at whole decades only (at most seven), so that the axis still
  // ends near the data rather than a decade beyond it on either side.
  Axis axis{Scale::kLog, fine[from], fine[to], {}};
  const int low_decade = static_cast<int>(std::ceil(std::log10(axis.lo) - 1e-9));
  const int high_decade = static_cast<int>(std::floor(std::log10(axis.hi) + 1e-9));
  const int stride = std::max(1, (high_decade - low_decade + 5) / 6);
  for (int k = low_decade; k <= high_decade; k += stride) axis.ticks.push_back(std::pow(10.0, k));
  return axis;
}

std::string line_chart(const ChartSpec& spec, const std::vector<Series>& series) {
  const std::vector<double> xs =
      spec.x_domain ? std::vector<double>{spec.x_domain->first, spec.x_domain->second} : x_values(series);
  Frame f{x_axis(spec, xs),
          y_axis(spec, series),
          kLeft,
          kTop,
          static_cast<double>(spec.width - kLeft - kRight),
          static_cast<double>(spec.height - kTop - kBottom)};
  std::string body = "<title>" + escape(spec.title) + "</title><text class=\"chart-title\" x=\"" + coord(kLeft) +
                     "\" y=\"18\" font-size=\"13\" font-weight=\"bold\">" + escape(spec.title) + "</text>";
  write_axes(body, f, spec);
  for (const Series& s : series) {
    // Lines left out of the legend (one per seed) are "series seed", so that readers and tests can
    // tell them from the summary lines.
    body += "<g class=\"series" + std::string(s.in_legend ? "" : " seed") + "\" " + spec.key_attribute + "=\"" +
            escape(s.key) + "\"><title>" + escape(s.label) + "</title>";
    write_bands(body, f, s);
    write_lines(body, f, s);
    body += "</g>";
  }
  if (std::none_of(series.begin(), series.end(), has_line)) {
    body += "<text x=\"" + coord(f.left + f.width / 2) + "\" y=\"" + coord(f.top + f.height / 2) +
            "\" text-anchor=\"middle\" fill=\"#777\">no data</text>";
  }
  const int rows = write_legend(body, spec, series);
  const int height = spec.height + rows * kLegendRow + 4;
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" + escape(spec.id) +
         "\" data-scale=\"" + (f.y.scale == Scale::kLog ? "log" : "linear") + "\" data-y-lo=\"" +
         format_number(f.y.lo) + "\" data-y-hi=\"" + format_number(f.y.hi) + "\"" +
         (spec.y_floor ? " data-y-floor=\"" + format_number(*spec.y_floor) + "\"" : std::string()) +
         (spec.y_ceiling ? " data-y-ceiling=\"" + format_number(*spec.y_ceiling) + "\"" : std::string()) +
         " viewBox=\"0 0 " + std::to_string(spec.width) + " " + std::to_string(height) + "\" width=\"" +
         std::to_string(spec.width) + "\" height=\"" + std::to_string(height) +
         "\" role=\"img\" font-family=\"sans-serif\">" + body + "</svg>";
}

}  // namespace mlp::svg
