// What the diagnostics read from a formula: its flat region and output bounds, checked against
// the built-in activations the same formulas define.
#include "mlp/activation.hpp"
#include "mlp/formula.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mlp::formula;

TEST_CASE("formula: flat region and bounds agree with the equal built-ins") {
  struct Case {
    const char* formula;
    const char* builtin;
  };
  // Formulas written from the table's own one-line formulas, at its default parameters.
  const Case cases[] = {
      {"max(0, x)", "relu"},
      {"max(x, 0.01 * x)", "leaky_relu"},
      {"min(max(0, x), 6)", "relu6"},
      {"min(max(x, -1), 1)", "hardtanh"},
      {"min(max(x + 3, 0), 6) / 6", "hardsigmoid"},
      {"x * min(max(x + 3, 0), 6) / 6", "hardswish"},
      {"sigmoid(x)", "sigmoid"},
      {"tanh(x)", "tanh"},
      {"where(x > 0, x, exp(x) - 1)", "elu"},
      {"x / (1 + abs(x))", "softsign"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.formula);
    const Formula formula = Formula::parse(c.formula);
    const mlp::Activation builtin = mlp::Activation::with_defaults(c.builtin);
    const FlatRegion flat = flat_region(formula);
    if (flat.decided) CHECK(flat.value == builtin.flat_value());
    const std::optional<Bounds> bounds = output_bounds(formula);
    if (bounds) {
      REQUIRE(builtin.bounds());
      CHECK(bounds->lo == builtin.bounds()->lo);
      CHECK(bounds->hi == builtin.bounds()->hi);
    }
  }
}

TEST_CASE("formula: flat region") {
  const auto flat = [](const std::string& text, std::vector<Param> params = {}) {
    return flat_region(Formula::parse(text, std::move(params)));
  };
  CHECK(flat("max(0, x)").decided);
  CHECK(flat("max(0, x)").value == 0.0);
  CHECK(flat("min(max(x, -1), 1)").value == -1.0);
  CHECK(flat("x * min(max(x + 3, 0), 6) / 6").value == 0.0);
  CHECK(flat("where(x > lo, x, lo)", {{"lo", -2}}).value == -2.0);
  // ELU is flat only when alpha = 0; otherwise it tends to -alpha without reaching it.
  CHECK(flat("where(x > 0, x, alpha * (exp(x) - 1))", {{"alpha", 0}}).value == 0.0);
  const FlatRegion elu = flat("where(x > 0, x, alpha * (exp(x) - 1))", {{"alpha", 1}});
  CHECK(elu.decided);
  CHECK(!elu.value);
  CHECK(flat("max(x, 0.01 * x)").decided);
  CHECK(!flat("max(x, 0.01 * x)").value);
  CHECK(!flat("tanh(x)").value);
  CHECK(flat("tanh(x)").decided);
  // x sigmoid(x) tends to 0 but is never exactly 0: the rules cannot tell, so not decided.
  CHECK(!flat("x * sigmoid(x)").decided);
  CHECK(!flat("sin(x)").decided);
}

TEST_CASE("formula: output bounds") {
  const auto bounds = [](const std::string& text) { return output_bounds(Formula::parse(text)); };
  CHECK(bounds("sigmoid(x)")->lo == 0);
  CHECK(bounds("sigmoid(x)")->hi == 1);
  CHECK(bounds("2 * tanh(x) + 1")->lo == -1);
  CHECK(bounds("2 * tanh(x) + 1")->hi == 3);
  CHECK(bounds("erf(x)^2")->lo == 0);
  CHECK(bounds("erf(x)^2")->hi == 1);
  CHECK(bounds("where(x > 0, sin(x), -2)")->lo == -2);
  CHECK(!bounds("x * sigmoid(x)"));
  CHECK(!bounds("softplus(x)"));
  CHECK(!bounds("1 / tanh(x)"));
}
