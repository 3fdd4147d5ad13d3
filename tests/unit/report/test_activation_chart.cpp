// The activation charts (report/activation_chart.hpp): f and f' as the activation layer computes
// them, read back from the drawn SVG; report.html's "The activation functions" from a crafted
// compare.json; and the standalone plots of `mlptrain activations --plot`.
#include "mlp/activation_plot.hpp"
#include "mlp/config.hpp"
#include "mlp/report_html.hpp"

#include "report/activation_chart.hpp"
#include "report/looks.hpp"

#include "activation_test_util.hpp"
#include "xml_check.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

using mlp::Activation;
using mlp::parse_activation;
using nlohmann::json;
using xml_check::Element;
namespace report = mlp::report;

namespace {

Element parse(const std::string& text) {
  try {
    return xml_check::parse(text);
  } catch (const std::exception& e) {
    FAIL("not well-formed: " << e.what());
  }
  return {};
}

const Element* chart(const Element& root, const std::string& id) {
  const auto found =
      root.find_all([&](const Element& e) { return e.name == "svg" && e.attribute_or("data-chart") == id; });
  return found.size() == 1 ? found.front() : nullptr;
}

// The series groups of a chart whose title (legend text) is `label`.
const Element* series(const Element& svg, const std::string& label) {
  const auto found = svg.find_all([&](const Element& e) {
    return e.name == "g" && e.attribute_or("class") == "series" && !e.children.empty() &&
           e.children.front().all_text() == label;
  });
  return found.size() == 1 ? found.front() : nullptr;
}

struct XY {
  double x, y;
};

// The lines of a series in data units, one stretch per polyline: pixels mapped back through the
// plot area (the axis frame) and the y domain the chart states (data-y-lo, data-y-hi). The x
// axis must end at -5 and 5, where the samples do.
std::vector<std::vector<XY>> lines_of(const Element& svg, const Element& group) {
  const auto frame = svg.find_all([](const Element& e) { return e.name == "g" && e.attribute_or("class") == "axis"; });
  REQUIRE(frame.size() == 1);
  std::istringstream corners(frame.front()->children.at(0).attribute_or("points"));
  double left = 0, top = 0, bottom = 0, right = 0, skip = 0;
  char comma = 0;
  corners >> left >> comma >> top >> skip >> comma >> bottom >> right >> comma >> skip;
  const double y_lo = std::stod(svg.attribute_or("data-y-lo")), y_hi = std::stod(svg.attribute_or("data-y-hi"));
  std::vector<std::vector<XY>> lines;
  for (const Element* polyline : group.find_all([](const Element& e) { return e.name == "polyline"; })) {
    std::istringstream points(polyline->attribute_or("points"));
    std::vector<XY> line;
    for (double px = 0, py = 0; points >> px >> comma >> py;) {
      line.push_back({-5 + 10 * (px - left) / (right - left), y_lo + (y_hi - y_lo) * (bottom - py) / (bottom - top)});
    }
    lines.push_back(line);
  }
  return lines;
}

// The value a line has at x (a sample point).
double at(const std::vector<std::vector<XY>>& lines, double x) {
  for (const auto& line : lines) {
    for (const XY& p : line) {
      if (std::abs(p.x - x) < 1e-3) return p.y;
    }
  }
  FAIL("no point at x = " << x);
  return NAN;
}

// Within pixel rounding: coordinates have two decimals, a plot is ~220 px tall.
bool near(double value, double expected, double range) { return std::abs(value - expected) <= range * 2e-4; }

report::ActivationCharts charts_for(const std::vector<std::string>& specs) {
  std::vector<report::ActivationLine> lines;
  for (const std::string& spec : specs) lines.push_back(report::activation_line(parse_activation(spec)));
  return report::activation_charts(lines);
}

}  // namespace

TEST_CASE("activation charts: relu's f' is 0 left of 0 and 1 right, and the line breaks at the kink") {
  const Element df = parse(charts_for({"relu", "tanh"}).df);
  REQUIRE(df.attribute_or("data-chart") == "activation_df");
  // Ranged from the lines, 0 to 1, a little beyond: no line lies on the frame, where the axis hides it.
  CHECK(std::stod(df.attribute_or("data-y-lo")) == doctest::Approx(-0.2));
  CHECK(std::stod(df.attribute_or("data-y-hi")) == doctest::Approx(1.2));
  const Element* relu = series(df, "relu");
  REQUIRE(relu != nullptr);
  const auto lines = lines_of(df, *relu);
  REQUIRE(lines.size() == 2);  // broken between x = 0 (f' = 0, as torch has it) and x = 0.05
  CHECK(lines[0].front().x == doctest::Approx(-5).epsilon(1e-4));
  CHECK(lines[0].back().x == doctest::Approx(0).epsilon(1e-4));
  CHECK(lines[1].front().x == doctest::Approx(0.05).epsilon(1e-4));
  CHECK(lines[1].back().x == doctest::Approx(5).epsilon(1e-4));
  for (const XY& p : lines[0]) CHECK(near(p.y, 0, 1));
  for (const XY& p : lines[1]) CHECK(near(p.y, 1, 1));
  CHECK(relu->find_all([](const Element& e) { return e.name == "polyline"; }).front()->attribute_or("stroke") ==
        report::colour_of("relu"));
}

TEST_CASE("activation charts: tanh and sigmoid at 0 and leaky_relu's slope, read back from the lines drawn") {
  const report::ActivationCharts charts = charts_for({"tanh", "sigmoid", "leaky_relu(negative_slope=0.2)"});
  const Element f = parse(charts.f);
  const Element df = parse(charts.df);
  const double f_range = std::stod(f.attribute_or("data-y-hi")) - std::stod(f.attribute_or("data-y-lo"));
  const auto tanh = lines_of(f, *series(f, "tanh"));
  CHECK(near(at(tanh, 0), 0, f_range));
  CHECK(near(at(tanh, 2), std::tanh(2.0), f_range));
  CHECK(near(at(tanh, -5), std::tanh(-5.0), f_range));
  CHECK(near(at(lines_of(f, *series(f, "sigmoid")), 0), 0.5, f_range));
  const auto leaky = lines_of(f, *series(f, "leaky_relu(negative_slope=0.2)"));
  CHECK(near(at(leaky, -5), -1, f_range));
  CHECK(near(at(leaky, 5), 5, f_range));
  const auto leaky_df = lines_of(df, *series(df, "leaky_relu(negative_slope=0.2)"));
  CHECK(near(at(leaky_df, -2.5), 0.2, 1));
  CHECK(near(at(leaky_df, 2.5), 1, 1));
  CHECK(near(at(lines_of(df, *series(df, "tanh")), 0), 1, 1));
  CHECK(near(at(lines_of(df, *series(df, "sigmoid")), 0), 0.25, 1));
}

TEST_CASE("activation charts: the values drawn are PyTorch's at every reference point in [-5, 5]") {
  for (const auto& reference : mlp::test::kReferenceCases) {
    const Activation activation = mlp::test::activation_of(reference);
    CAPTURE(activation.describe());
    const report::ActivationSamples samples = report::sample_activation(activation);
    REQUIRE(samples.x.size() == static_cast<std::size_t>(report::kActivationPoints));
    for (std::size_t i = 0; i < mlp::test::kReferencePoints.size(); ++i) {
      const double x = mlp::test::kReferencePoints[i];
      if (std::abs(x) > 5) continue;
      // hardswish's f'(3) is 1.5 in torch's scalar loop and 1 in its vector one (see the reference).
      if (activation.spec->name == "hardswish" && x == 3) continue;
      const auto j = static_cast<std::size_t>(std::lround((x + 5) / 0.05));
      CAPTURE(x);
      CHECK(samples.x[j] == x);
      CHECK(samples.f[j] == doctest::Approx(reference.value[i]).epsilon(1e-5).scale(1e-1));
      CHECK(samples.df[j] == doctest::Approx(reference.grad[i]).epsilon(1e-5).scale(1e-1));
    }
  }
}

TEST_CASE("activation charts: a learned value replaces the initial one, shared or per unit") {
  const report::ActivationSamples initial = report::sample_activation(parse_activation("prelu"));
  CHECK(initial.f.front() == doctest::Approx(-5 * 0.25));
  CHECK(initial.df[10] == doctest::Approx(0.25));
  const report::ActivationSamples learned = report::sample_activation(parse_activation("prelu"), 0.1);
  CHECK(learned.f.front() == doctest::Approx(-0.5));
  CHECK(learned.df[10] == doctest::Approx(0.1));
  CHECK(learned.df.back() == 1);
  // One slope per unit: the same function when every unit has it.
  const report::ActivationSamples per_unit =
      report::sample_activation(parse_activation("prelu(num_parameters=64, init=0.3)"), 0.1);
  CHECK(per_unit.f == learned.f);
  const report::ActivationSamples swish = report::sample_activation(parse_activation("swish(beta=2)"));
  CHECK(swish.f.back() == doctest::Approx(5 / (1 + std::exp(-10.0))));
}

TEST_CASE("activation charts: f' breaks only where it jumps (hardtanh twice, celu's f'' kink never)") {
  const Element df = parse(charts_for({"hardtanh", "celu", "relu6", "tanh"}).df);
  auto polylines = [&](const std::string& label) {
    return series(df, label)->find_all([](const Element& e) { return e.name == "polyline"; }).size();
  };
  CHECK(polylines("hardtanh(min_val=-1, max_val=1)") == 3);
  CHECK(polylines("celu(alpha=1)") == 1);
  CHECK(polylines("relu6") == 2);  // 6 lies outside [-5, 5]: only the kink at 0
  CHECK(polylines("tanh") == 1);
}

// ---- report.html --------------------------------------------------------------------------

namespace {

constexpr const char* kPrelu = "prelu(num_parameters=1, init=0.25)";

// A run whose epochs record `learned` per hidden layer (layers 1 and 3 of the network); the
// epochs before the last one record other values, which the charts must not use.
json run(const std::string& activation, int seed, const std::vector<double>& learned) {
  json epochs = json::array();
  for (int k = 1; k <= 3; ++k) {
    json layers = json::array();
    for (std::size_t l = 0; l < learned.size(); ++l) {
      const double mean = k == 3 ? learned[l] : 0.9;
      layers.push_back({{"layer", 2 * l + 1}, {"mean", mean}, {"min", mean}, {"max", mean}});
    }
    epochs.push_back({{"epoch", k}, {"val_loss", 1.0 / k}, {"learned", layers}});
  }
  return {{"activation", activation}, {"seed", seed}, {"lr", 0.01}, {"stop_reason", "completed"}, {"epochs", epochs}};
}

json comparison(const std::vector<std::vector<double>>& prelu_learned_per_seed) {
  json c = {{"format", "mlptrain-compare"},
            {"metric", "val_accuracy"},
            {"activations", {"relu", kPrelu}},
            {"runs", json::array()}};
  c["runs"].push_back(run("relu", 0, {}));
  for (std::size_t s = 0; s < prelu_learned_per_seed.size(); ++s) {
    c["runs"].push_back(run(kPrelu, static_cast<int>(s), prelu_learned_per_seed[s]));
  }
  return c;
}

std::vector<std::string> labels(const Element& svg) {
  std::vector<std::string> out;
  for (const Element* g :
       svg.find_all([](const Element& e) { return e.name == "g" && e.attribute_or("class") == "series"; })) {
    out.push_back(g->children.at(0).all_text());
  }
  return out;
}

}  // namespace

TEST_CASE("report.html: the activation functions, PReLU dashed at its initial slope and solid at the learned one") {
  // Three seeds, both layers alike: the median of the seeds' last-epoch means, 0.19.
  const Element page = parse(mlp::compare_report_html(comparison({{0.1, 0.1}, {0.19, 0.19}, {0.5, 0.5}})));
  CHECK(page.all_text().find("The activation functions") != std::string::npos);
  const Element* df = chart(page, "activation_df");
  REQUIRE(df != nullptr);
  REQUIRE(chart(page, "activation_f") != nullptr);
  const std::string learned = std::string(kPrelu) + " learned: weight=0.19";
  const std::string initial = std::string(kPrelu) + " initial: weight=0.25";
  CHECK(labels(*df) == std::vector<std::string>{"relu", initial, learned});
  CHECK(near(at(lines_of(*df, *series(*df, learned)), -2), 0.19, 1));
  CHECK(near(at(lines_of(*df, *series(*df, initial)), -2), 0.25, 1));
  const auto stroke = [&](const std::string& label) {
    return series(*df, label)->find_all([](const Element& e) { return e.name == "polyline"; }).front();
  };
  CHECK(stroke(initial)->attribute_or("stroke-dasharray") == "6 3");
  CHECK(stroke(learned)->attribute("stroke-dasharray") == nullptr);
  CHECK(stroke(learned)->attribute_or("stroke") == report::colour_of("prelu"));
  CHECK(series(*df, learned)->attribute_or("data-activation") == kPrelu);
}

TEST_CASE("report.html: learned slopes that differ between layers get a line each") {
  const Element page = parse(mlp::compare_report_html(comparison({{0.19, 0.4}, {0.19, 0.4}})));
  const Element* f = chart(page, "activation_f");
  REQUIRE(f != nullptr);
  const std::string first = std::string(kPrelu) + " learned, layer 1: weight=0.19";
  const std::string second = std::string(kPrelu) + " learned, layer 2: weight=0.4";
  REQUIRE(series(*f, first) != nullptr);
  REQUIRE(series(*f, second) != nullptr);
  const double range = std::stod(f->attribute_or("data-y-hi")) - std::stod(f->attribute_or("data-y-lo"));
  CHECK(near(at(lines_of(*f, *series(*f, first)), -5), -5 * 0.19, range));
  CHECK(near(at(lines_of(*f, *series(*f, second)), -5), -5 * 0.4, range));
}

TEST_CASE("report.html: an activation this build does not know is left out of the function charts, with a note") {
  json c = comparison({{0.2}});
  c["activations"].push_back("wiggle(k=3)");
  c["runs"].push_back(run("wiggle(k=3)", 0, {}));
  const Element page = parse(mlp::compare_report_html(c));
  CHECK(labels(*chart(page, "activation_f")).size() == 3);  // relu, prelu initial and learned
  CHECK(page.all_text().find("Not drawn, being no activation this mlptrain knows: wiggle(k=3).") != std::string::npos);
}

// ---- mlptrain activations --plot ---------------------------------------------------------------

TEST_CASE("activation plot: a standalone SVG and an HTML page, both charts, every activation's formula") {
  const std::vector<Activation> list = {parse_activation("relu"), parse_activation("tanh")};
  const std::string svg = mlp::activation_plot_svg(list);
  const std::string declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  REQUIRE(svg.starts_with(declaration));
  const Element document = parse(svg.substr(declaration.size()));
  CHECK(document.name == "svg");
  CHECK(document.attribute_or("xmlns") == "http://www.w3.org/2000/svg");
  REQUIRE(chart(document, "activation_f") != nullptr);
  REQUIRE(chart(document, "activation_df") != nullptr);
  CHECK(labels(*chart(document, "activation_f")) == std::vector<std::string>{"relu", "tanh"});
  CHECK(std::stoi(document.attribute_or("height")) >=
        std::stoi(chart(document, "activation_f")->attribute_or("height")));

  const std::string html = mlp::activation_plot_html(list);
  REQUIRE(html.starts_with("<!DOCTYPE html>"));
  const Element page = parse(html);
  CHECK(labels(*chart(page, "activation_df")) == std::vector<std::string>{"relu", "tanh"});
  CHECK(html.find("<code>relu</code>: max(0, x)</li>") != std::string::npos);
  CHECK(mlp::activation_plot_svg(list) == svg);  // deterministic
}
