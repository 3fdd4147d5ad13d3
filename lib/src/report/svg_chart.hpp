// A small SVG line-chart writer for the HTML reports: axes with nice ticks, a linear or log y
// scale, one polyline per series with an optional band (mean ± std, min–max), and a legend.
// The output is deterministic, well-formed XML, and no NaN or infinity ever reaches a coordinate.
#pragma once

#include "svg_text.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlp::svg {

struct Point {
  double x = 0;
  std::optional<double> y;          // missing: the line breaks here
  std::optional<double> low, high;  // band around y; drawn where both are present
};

struct Series {
  std::string label;          // legend and tooltip text
  std::string key;            // value of the series group's data attribute (which activation, which layer)
  std::string colour;         // CSS colour
  std::string dash = {};      // SVG stroke-dasharray ("6 3"); empty: solid
  std::vector<Point> points;  // in increasing x
  double stroke_width = 1.8;
  double opacity = 1;
  bool in_legend = true;  // thin per-seed lines leave the legend to their summary line
};

enum class Scale { kLinear, kLog };

struct ChartSpec {
  std::string id;  // data-chart attribute of the <svg>
  std::string title, x_label, y_label;
  std::string key_attribute = "data-activation";  // the attribute that names each series group
  Scale y_scale = Scale::kLinear;
  bool include_zero = false;  // linear scale: the axis always shows 0
  bool integer_x = true;      // x ticks at whole numbers (epochs)
  int width = 520;            // the whole chart
  int height = 300;           // without the legend, which goes below and adds rows as needed
  // What the values can be ([0, 1] for a fraction): the y axis never reaches past it.
  std::optional<double> y_floor, y_ceiling;
  // Domains given, not taken from the data: small multiples share them (values outside are
  // drawn at the edge).
  std::optional<std::pair<double, double>> y_domain;
  std::optional<std::pair<double, double>> x_domain;
};

// Whether the positive values (lines and bands) of the series span more than a factor of ten,
// the point from which a log axis reads better than a linear one.
bool spans_decade(const std::vector<Series>& series);

// One axis: its domain and tick values. A y axis ends on ticks, or on 1, 2 or 5 times a power of
// ten when a log axis labels whole decades only; an x axis ends where the data do.
struct Axis {
  Scale scale = Scale::kLinear;
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  // Position of v in [0, 1] along the axis; nothing when v cannot be placed (not finite, or not
  // positive on a log axis). Values outside the domain are clamped.
  std::optional<double> fraction(double v) const;
  std::string label(double tick) const;
};

// Nice ticks (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]; with `integer`, steps
// of at least 1. lo == hi widens the domain around the value.
Axis linear_axis(double lo, double hi, bool integer);
// A log axis over [lo, hi] (both > 0), its ends the nearest 1, 2 or 5 times a power of ten
// outside: ticks at those values when that gives at most eight, else at most seven whole decades.
Axis log_axis(double lo, double hi);

// An <svg class="chart" data-chart="id"> element whose data-scale ("log" or "linear"), data-y-lo
// and data-y-hi (the y axis drawn) and data-y-floor and data-y-ceiling (when the spec sets them)
// let a reader check the axis against what the values can be (tests/browser/check_charts.js).
// It holds the series in the order given, each as <g class="series" key_attribute="key">
// ("series seed" for a series out of the legend)
// holding a <title>, its band <polygon>s, its <polyline>s (one per unbroken stretch) and a
// <circle> for each isolated point. Series without points still get their (empty) group and a
// legend entry marked "no data".
std::string line_chart(const ChartSpec& spec, const std::vector<Series>& series);

}  // namespace mlp::svg
