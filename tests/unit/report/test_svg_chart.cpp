// The SVG chart writer behind report.html: ticks, scales, text escaping, number text, and how
// missing values break a line.
#include "report/svg_chart.hpp"

#include "xml_check.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlp::svg;

namespace {

std::vector<std::string> labels(const Axis& axis) {
  std::vector<std::string> out;
  for (const double t : axis.ticks) out.push_back(axis.label(t));
  return out;
}

std::size_t count(const xml_check::Element& root, const std::string& name) {
  return root.find_all([&](const xml_check::Element& e) { return e.name == name; }).size();
}

}  // namespace

TEST_CASE("svg: linear axes end on nice ticks that cover the data") {
  const Axis a = linear_axis(0.13, 0.87, false);
  CHECK(labels(a) == std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"});
  CHECK(a.lo <= 0.13);
  CHECK(a.hi >= 0.87);

  CHECK(labels(linear_axis(1, 5, true)) == std::vector<std::string>{"1", "2", "3", "4", "5"});
  CHECK(labels(linear_axis(1, 100, true)) == std::vector<std::string>{"0", "20", "40", "60", "80", "100"});
  CHECK(labels(linear_axis(-0.1, 0.1, false)) == std::vector<std::string>{"-0.10", "-0.05", "0.00", "0.05", "0.10"});
  // A single epoch, a constant value: the domain widens around it.
  CHECK(labels(linear_axis(1, 1, true)) == std::vector<std::string>{"0", "1", "2"});
  const Axis flat = linear_axis(0.5, 0.5, false);
  CHECK(flat.lo < 0.5);
  CHECK(flat.hi > 0.5);
  // Absurd data still give a finite axis.
  const Axis huge = linear_axis(-1e308, 1e308, false);
  CHECK(std::isfinite(huge.lo));
  CHECK(std::isfinite(huge.hi));
  CHECK(huge.fraction(0).has_value());
}

TEST_CASE("svg: log axes use 1-2-5 ticks over a few decades, whole decades beyond") {
  const Axis a = log_axis(0.06, 1.1);
  CHECK(labels(a) == std::vector<std::string>{"0.05", "0.1", "0.2", "0.5", "1", "2"});
  CHECK(labels(log_axis(0.6, 0.7)) == std::vector<std::string>{"0.5", "1"});
  CHECK(labels(log_axis(1, 1)) == std::vector<std::string>{"1", "2"});
  // Past eight 1-2-5 ticks: labels at whole decades, the domain still snapped to 1-2-5 (not a
  // decade beyond the data on either side).
  const Axis decades = log_axis(0.003, 2.5);
  CHECK(labels(decades) == std::vector<std::string>{"0.01", "0.1", "1"});
  CHECK(decades.lo == doctest::Approx(0.002));
  CHECK(decades.hi == doctest::Approx(5));
  const Axis wide = log_axis(1e-12, 1e12);
  CHECK(wide.ticks.size() <= 7);
  CHECK(wide.lo <= 1e-12);
  CHECK(wide.hi >= 1e12);
  // One axis reads one way: every label in exponent form once one needs it.
  CHECK(labels(wide) == std::vector<std::string>{"1e-12", "1e-8", "1e-4", "1e0", "1e4", "1e8", "1e12"});
  CHECK(labels(log_axis(2e-5, 0.9)) == std::vector<std::string>{"0.0001", "0.001", "0.01", "0.1", "1"});
  CHECK(labels(log_axis(2e-6, 0.9)) == std::vector<std::string>{"1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0"});

  CHECK(*a.fraction(0.05) == 0.0);
  CHECK(*a.fraction(2) == 1.0);
  CHECK(*a.fraction(std::sqrt(0.1)) == doctest::Approx(0.5));  // the geometric middle of [0.05, 2]
  CHECK_FALSE(a.fraction(0).has_value());
  CHECK_FALSE(a.fraction(-1).has_value());
  CHECK_FALSE(a.fraction(std::numeric_limits<double>::quiet_NaN()).has_value());
  CHECK_FALSE(linear_axis(0, 1, false).fraction(std::numeric_limits<double>::infinity()).has_value());
}

TEST_CASE("svg: escaping and number text") {
  CHECK(escape("a<b&c>\"'(x=1)") == "a&lt;b&amp;c&gt;&quot;&#39;(x=1)");
  CHECK(escape("R\xC2\xB2 \xC2\xB1 \xE2\x80\x93") == "R\xC2\xB2 \xC2\xB1 \xE2\x80\x93");  // valid UTF-8 kept
  CHECK(escape("\x01x\xFF") == "\xEF\xBF\xBDx\xEF\xBF\xBD");
  CHECK(escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a UTF-16 surrogate
  CHECK(escape("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated
  CHECK(fixed(1234.5678, 2) == "1234.57");
  CHECK(fixed(-0.0001, 2) == "0.00");
  CHECK(general(0.001, 1) == "0.001");
  CHECK(general(2.5e-7, 3) == "2.5e-07");
}

TEST_CASE("svg: missing values break the line, a lone point is a dot, and the band follows the line") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Series s{"a<b", "a<b", "#0072B2", "", {}};
  const std::vector<std::optional<double>> ys = {1, 2, nan, 3, 4, std::nullopt, 5, 6, 7};
  for (std::size_t k = 0; k < ys.size(); ++k) {
    Point p{static_cast<double>(k + 1), ys[k], std::nullopt, std::nullopt};
    if (k >= 6) {
      p.low = *ys[k] - 1;
      p.high = *ys[k] + 1;
    }
    s.points.push_back(p);
  }
  s.points[3].y = std::numeric_limits<double>::infinity();  // so epoch 5 stands alone
  ChartSpec spec;
  spec.id = "test";
  spec.title = "T & t";
  const std::string svg = line_chart(spec, {s, Series{"empty", "e", "#000000", "6 3", {}}});
  const xml_check::Element root = xml_check::parse(svg);
  const auto groups = root.find_all([](const xml_check::Element& e) { return e.attribute_or("class") == "series"; });
  REQUIRE(groups.size() == 2);
  CHECK(groups[0]->attribute_or("data-activation") == "a<b");
  CHECK(count(*groups[0], "polyline") == 2);  // epochs 1-2 and 7-9
  CHECK(count(*groups[0], "circle") == 1);    // epoch 5
  CHECK(count(*groups[0], "polygon") == 1);   // band over epochs 7-9
  CHECK(count(*groups[1], "polyline") == 0);
  CHECK(root.all_text().find("empty (no data)") != std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
}

// The tick labels of a chart's y axis (right-aligned <text> of the axis group).
std::vector<double> y_ticks(const xml_check::Element& svg) {
  std::vector<double> ticks;
  for (const auto* t : svg.find_all(
           [](const xml_check::Element& e) { return e.name == "text" && e.attribute_or("text-anchor") == "end"; })) {
    ticks.push_back(std::stod(t->all_text()));
  }
  return ticks;
}

TEST_CASE("svg: the y axis stays within what the values can be, and a given domain is kept") {
  Series s{"acc", "acc", "#0072B2", "", {}};
  for (int k = 1; k <= 5; ++k)
    s.points.push_back({static_cast<double>(k), 0.93 + 0.017 * k, std::nullopt, std::nullopt});
  ChartSpec spec;
  spec.id = "acc";
  const std::vector<double> free = y_ticks(xml_check::parse(line_chart(spec, {s})));
  CHECK(*std::max_element(free.begin(), free.end()) > 1);  // nice ticks alone pass 1
  spec.y_floor = 0;
  spec.y_ceiling = 1;
  const std::vector<double> bounded = y_ticks(xml_check::parse(line_chart(spec, {s})));
  REQUIRE(!bounded.empty());
  CHECK(*std::max_element(bounded.begin(), bounded.end()) <= 1);
  CHECK(*std::min_element(bounded.begin(), bounded.end()) >= 0.9);  // still ranged from the data

  spec.y_floor.reset();
  spec.y_ceiling.reset();
  spec.y_scale = Scale::kLog;
  spec.y_domain = std::pair{1e-6, 10.0};
  const xml_check::Element shared = xml_check::parse(line_chart(spec, {s}));
  CHECK(std::stod(shared.attribute_or("data-y-lo")) <= 1e-6);
  CHECK(std::stod(shared.attribute_or("data-y-hi")) >= 10);
}
