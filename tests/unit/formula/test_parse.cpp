// Formula text: parse errors with their exact messages and columns, parameter errors, and the
// canonical text (printing) that parses back to the same graph.
#include "mlp/formula.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mlp::formula;

namespace {

const std::vector<Param> kBeta = {{"beta", 1.0}};

// The message of the FormulaError parsing `text` throws (the test fails when none is thrown).
std::string error_of(const std::string& text, const std::vector<Param>& params = kBeta) {
  try {
    Formula::parse(text, params);
  } catch (const FormulaError& e) {
    return e.what();
  }
  FAIL("no error for " << text);
  return "";
}

int column_of(const std::string& text, const std::vector<Param>& params = kBeta) {
  try {
    Formula::parse(text, params);
  } catch (const FormulaError& e) {
    return e.column;
  }
  return -1;
}

// The same expression, node for node (ids may differ: a parse also adds nodes that fold away).
bool same(const Graph& g1, NodeId id1, const Graph& g2, NodeId id2) {
  const Node& a = g1[id1];
  const Node& b = g2[id2];
  if (a.op != b.op || a.value != b.value || a.param != b.param) return false;
  for (int i = 0; i < arity(a.op); ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (!same(g1, a.args[k], g2, b.args[k])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("formula: syntax errors name the column") {
  CHECK(error_of("") == "col 1: empty formula");
  CHECK(error_of("   ") == "col 1: empty formula");
  CHECK(error_of("x * sigmoid(beta * x) + sigmod(x)") ==
        "col 25: unknown function \"sigmod\"; did you mean \"sigmoid\"?");
  CHECK(column_of("x * sigmoid(beta * x) + sigmod(x)") == 25);
  CHECK(error_of("x * bta") == "col 5: unknown parameter \"bta\"; did you mean \"beta\"?");
  CHECK(error_of("x * gamma") == "col 5: unknown parameter \"gamma\"; valid: x, beta");
  CHECK(error_of("frobnicate(x)").starts_with("col 1: unknown function \"frobnicate\"; valid: exp, log, log1p,"));
  CHECK(error_of("max(x)") == "col 1: max takes 2 arguments, got 1");
  CHECK(error_of("exp(x, 1)") == "col 1: exp takes 1 argument, got 2");
  CHECK(error_of("x x") == "col 3: unexpected \"x\" after a complete expression");
  CHECK(error_of("x +") == "col 4: expected a number, x, a parameter, a function or \"(\", got the end of the formula");
  CHECK(error_of("(x + 1") == "col 7: expected \")\" to close the \"(\" at col 1, got the end of the formula");
  CHECK(error_of("max(x 0)") == "col 7: expected \",\" between the arguments of max, got \"0\"");
  CHECK(error_of("x # 2") == "col 3: unexpected character \"#\"");
  CHECK(error_of("x = 2") == "col 3: unexpected \"=\"; compare with \"==\"");
  CHECK(error_of("1e + x") == "col 1: malformed number \"1e\"");
  CHECK(error_of("1.2.3 * x") == "col 1: malformed number \"1.2.3\"");
  CHECK(error_of("2x") == "col 1: malformed number \"2x\"");
  CHECK(error_of("exp * x") == "col 1: \"exp\" is a function: write exp(...)");
  CHECK(error_of("x > 0") == "col 3: a comparison can only be the condition of where(condition, a, b)");
  CHECK(error_of("max(x > 0, 1)") == "col 7: a comparison can only be the condition of where(condition, a, b)");
  CHECK(error_of("where(x, 1, 0)") ==
        "col 8: the first argument of where must be a comparison (x > 0, x <= beta, ...), got \",\" after it");
  CHECK(error_of("where(x > 0, x)") == "col 1: where takes 3 arguments, got 2");
  CHECK(error_of("x / 0") == "col 3: division by zero");
  CHECK(error_of("x / (1 - 1)") == "col 3: division by zero");
  CHECK(error_of("x * log(0)") == "col 5: this constant expression is not finite (-inf)");
  CHECK(error_of("x + sqrt(-1)") == "col 5: this constant expression is not finite (nan)");
  CHECK(error_of("x * 1e999") == "col 5: number \"1e999\" is too large");
  CHECK(error_of("2 * beta") == "col 1: the formula does not depend on x");
  CHECK(error_of("x - x + beta") == "col 1: the formula does not depend on x");
}

TEST_CASE("formula: parameter errors name the parameter") {
  const auto param_error = [](const std::vector<Param>& params) {
    try {
      Formula::parse("x", params);
    } catch (const FormulaError& e) {
      CHECK(e.column == 0);
      return e.param + " | " + e.what();
    }
    return std::string("no error");
  };
  CHECK(param_error({{"beta", 1}}) == "beta | parameter \"beta\": not used in the formula");
  CHECK(param_error({{"x", 1}}) == "x | parameter \"x\": x is the input, not a parameter");
  CHECK(param_error({{"exp", 1}}) == "exp | parameter \"exp\": the name of a function");
  CHECK(param_error({{"2b", 1}}) == "2b | parameter \"2b\": not a name (a letter or _, then letters, digits and _)");
  CHECK(param_error({{"b", 1}, {"b", 2}}) == "b | parameter \"b\": given twice");
  CHECK(param_error({{"b", std::nan("")}}) == "b | parameter \"b\": must be a finite number, got nan");
  std::vector<Param> many;
  for (int i = 0; i <= kMaxParams; ++i) many.push_back({"p" + std::to_string(i), 1});
  CHECK(param_error(many) == " | a formula takes at most 8 parameters, got 9");
  // Used only in a term that simplifies away.
  CHECK_THROWS_WITH_AS(Formula::parse("x + 0 * beta", kBeta), "parameter \"beta\": not used in the formula",
                       FormulaError);
  // Still an InputError, as every error a user fixes.
  CHECK_THROWS_AS(Formula::parse("sigmod(x)"), mlp::InputError);
}

TEST_CASE("formula: canonical text parses back to the same graph") {
  const std::vector<Param> params = {{"beta", 1.5}, {"alpha", 0.25}};
  const std::vector<std::string> formulas = {
      "x * sigmoid(beta * x)",
      "max(x, 0.01*x)",
      "0.5*x*(1+erf(x/sqrt(2)))",
      "x*tanh(softplus(x)) + alpha*beta",
      "-x^2 + (-x)^3 - 2^-x * alpha",
      "x - (x - beta) - x / (alpha / x)",
      "where(x > 0, x, alpha * (exp(x) - 1)) * beta",
      "where(x - 1 <= -beta, log1p(abs(x)), sqrt(abs(x)) + min(x, alpha)) / alpha",
      "x ^ beta ^ alpha",
      "(x ^ beta) ^ alpha",
      "sin(x) * cos(x) - -x + 1e-7 * x + 12345678901234567890 * x",
  };
  for (const std::string& text : formulas) {
    CAPTURE(text);
    std::vector<Param> used;  // the parameters this formula names (an unused one is refused)
    for (const Param& p : params) {
      if (text.find(p.name) != std::string::npos) used.push_back(p);
    }
    const Formula f = Formula::parse(text, used);
    const std::string canonical = f.text();
    CAPTURE(canonical);
    const Formula again = Formula::parse(canonical, used);
    CHECK(again.text() == canonical);
    CHECK(same(f.graph(), f.value(), again.graph(), again.value()));
    // The derivatives print and parse too, over the parameters they still use.
    const std::string derivative = f.to_text(f.derivative());
    CAPTURE(derivative);
    std::vector<Param> in_derivative;
    for (const Param& p : used) {
      if (derivative.find(p.name) != std::string::npos) in_derivative.push_back(p);
    }
    if (derivative.find('x') != std::string::npos)
      CHECK(Formula::parse(derivative, in_derivative).text() == derivative);
  }
}

TEST_CASE("formula: canonical text is readable and folds constants") {
  CHECK(Formula::parse("x*sigmoid(beta*x)", kBeta).text() == "x * sigmoid(beta * x)");
  CHECK(Formula::parse("0.5*x*(1+erf(x/sqrt(4)))").text() == "0.5 * x * (1 + erf(x / 2))");
  CHECK(Formula::parse("-(x^2)").text() == "-x^2");
  CHECK(Formula::parse("(-x)^2").text() == "(-x)^2");
  CHECK(Formula::parse("x - (1 - x)").text() == "x - (1 - x)");
  CHECK(Formula::parse("x * 1 + 0").text() == "x");
  CHECK(Formula::parse("x * (2 * 3)").text() == "x * 6");
  CHECK(Formula::parse("where(x>0,x,0.01*x)").text() == "where(x > 0, x, 0.01 * x)");
  // The simplified derivative.
  CHECK(Formula::parse("3 * x").to_text(Formula::parse("3 * x").derivative()) == "3");
  const Formula silu = Formula::parse("x * sigmoid(x)");
  CHECK(silu.to_text(silu.derivative()) == "sigmoid(x) + x * (sigmoid(x) * (1 - sigmoid(x)))");
}

TEST_CASE("formula: the graph can be walked by an exporter") {
  const Formula f = Formula::parse("x * sigmoid(beta * x)", kBeta);
  const Graph& g = f.graph();
  const Node& root = g[f.value()];
  CHECK(root.op == Op::kMul);
  CHECK(g[root.args[0]].op == Op::kX);
  const Node& call = g[root.args[1]];
  CHECK(call.op == Op::kSigmoid);
  CHECK(is_call(call.op));
  CHECK(op_name(call.op) == "sigmoid");
  CHECK(arity(call.op) == 1);
  const Node& product = g[call.args[0]];
  CHECK(g[product.args[0]].op == Op::kParam);
  CHECK(f.params()[static_cast<std::size_t>(g[product.args[0]].param)].name == "beta");
  // Shared subexpressions are one node: f' reuses sigmoid(beta * x).
  bool shares = false;
  for (NodeId id = f.value() + 1; id < g.size(); ++id) {
    for (int i = 0; i < arity(g[id].op); ++i)
      shares = shares || g[id].args[static_cast<std::size_t>(i)] == root.args[1];
  }
  CHECK(shares);
}

TEST_CASE("formula: the longest text accepted nests as deep as it can, and a longer one is refused") {
  // Each level of nesting is a level of recursion in the parser and the differentiator.
  const std::string parens = std::string(499, '(') + "x" + std::string(499, ')');
  CHECK(Formula::parse(parens).text() == "x");
  const std::string negations = std::string(kMaxLength - 2, '-') + "x ";  // 1000 characters
  CHECK(Formula::parse(negations).text() == "x");                         // an even number of minus signs
  try {
    Formula::parse(negations + " ");
    FAIL("a text of 1001 characters parsed");
  } catch (const FormulaError& e) {
    CHECK(std::string(e.what()) == "col 1001: a formula may be at most 1000 characters long, got 1001");
  }
}
