// parse_activation: an activation written as text, as `compare --activations` and the config
// take it, and describe() as the text that reads back to the same activation.
#include "config_test_util.hpp"

#include <doctest/doctest.h>

using namespace mlp;
using namespace mlp::test;

namespace {

std::string error(std::string_view text) {
  try {
    parse_activation(text);
  } catch (const InputError& e) {
    return std::string(e.what());
  }
  return std::string("no error");
}

}  // namespace

TEST_CASE("config: parse_activation") {
  CHECK(parse_activation("relu").describe() == "relu");
  CHECK(parse_activation("  leaky_relu ( negative_slope = 0.2 ) ").describe() == "leaky_relu(negative_slope=0.2)");
  CHECK(parse_activation("gelu(approximate=tanh)").describe() == "gelu(approximate=tanh)");
  CHECK(parse_activation("gelu(approximate=\"tanh\")").describe() == "gelu(approximate=tanh)");
  CHECK(parse_activation("prelu(num_parameters=4, init=0.1)").describe() == "prelu(num_parameters=4, init=0.1)");
  CHECK(parse_activation("leaky_relu()").describe() == "leaky_relu(negative_slope=0.01)");
  CHECK(parse_activation("logistic").spec->name == "sigmoid");  // aliases name the same entry

  CHECK(error("rleu") ==
        "activation \"rleu\": unknown activation \"rleu\"; did you mean \"relu\"? valid: " + activations().names());
  CHECK(error("leaky_relu(negtive_slope=0.2)") ==
        "activation \"leaky_relu(negtive_slope=0.2)\": negtive_slope: unknown parameter of leaky_relu; did you mean "
        "\"negative_slope\"? valid: negative_slope");
  CHECK(error("leaky_relu(negative_slope=x)") ==
        "activation \"leaky_relu(negative_slope=x)\": negative_slope: must be a number, got \"x\"");
  CHECK(error("gelu(approximate=tanhh)") ==
        "activation \"gelu(approximate=tanhh)\": approximate: unknown value \"tanhh\"; did you mean \"tanh\"? valid: "
        "none, tanh");
  CHECK(error("hardtanh(min_val=2)") ==
        "activation \"hardtanh(min_val=2)\": max_val: must be > min_val (2.0), got 1.0");
  CHECK(error("leaky_relu(negative_slope=0.1, negative_slope=0.2)") ==
        "activation \"leaky_relu(negative_slope=0.1, negative_slope=0.2)\": negative_slope: given twice");
  for (const char* bad : {"", "relu(", "relu)", "leaky_relu(0.2)", "leaky_relu(negative_slope=)", "re lu"}) {
    CAPTURE(bad);
    CHECK(error(bad) == "activation \"" + std::string(bad) +
                            "\": must be written name or name(param=value, ...), got \"" + std::string(bad) + "\"");
  }
}

TEST_CASE("config: parse_activation reads a formula, named by its text, and points into it") {
  const Activation swish = parse_activation(" x * sigmoid(x) ");
  REQUIRE(swish.formula != nullptr);
  CHECK(swish.describe() == "x * sigmoid(x)");
  CHECK(swish.name() == "x * sigmoid(x)");
  CHECK(parse_activation("max(x, 0.1 * x)").flat_value() == std::nullopt);
  CHECK(parse_activation("max(0, x)").flat_value() == 0.0);
  CHECK(parse_activation("2 * sigmoid(x) - 1").bounds()->hi == doctest::Approx(1));
  CHECK(error("(x=1)") == "activation \"(x=1)\": col 3: unexpected \"=\"; compare with \"==\"");
  CHECK(error("x * sigmod(x)")
            .starts_with("activation \"x * sigmod(x)\": col 5: unknown function \"sigmod\"; did you "
                         "mean \"sigmoid\"?"));
}

TEST_CASE("Activation::describe gives text that parse_activation reads back to the same activation") {
  for (const ActivationSpec& spec : activations()) {
    CAPTURE(spec.name);
    const Activation defaults = Activation::with_defaults(spec.name);
    // Every parameter away from its default (a choice to its last option), within its range.
    Activation changed = defaults;
    for (const ParamSpec& param : spec.params) {
      const double value = changed.param(param.name);
      if (param.kind == ParamKind::kChoice) {
        set_param(spec.param_specs(), {param.name, *(param.choices.end() - 1)}, changed.params, spec.name);
      } else if (param.kind == ParamKind::kNumber && param.range.contains(value * 1.3 + 0.1)) {
        // Not a short decimal: the text must keep every digit.
        set_param(spec.param_specs(), {param.name, value * 1.3 + 0.1}, changed.params, spec.name);
      }
    }
    for (const Activation& original : {defaults, changed}) {
      const std::string text = original.describe();
      CAPTURE(text);
      const Activation back = parse_activation(text);
      CHECK(back.spec == original.spec);
      CHECK(back.params == original.params);
    }
  }
}
