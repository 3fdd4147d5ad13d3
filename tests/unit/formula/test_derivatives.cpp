// The symbolic derivatives against centred finite differences in double, by x and by every
// parameter (learned), and the start-up check: what it accepts and what it refuses, naming x.
#include "mlp/formula.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace mlp::formula;

namespace {

using MatrixD = Eigen::MatrixXd;

// Every parameter learned, so that the kernel differentiates by each.
std::vector<Param> learned_params() { return {{"beta", 1.3, true}, {"alpha", 0.7, true}, {"gamma", -0.4, true}}; }

// Formulas of x and of a subset of beta, alpha, gamma, smooth at kPoints (kinks elsewhere).
const char* const kFormulas[] = {
    "x * sigmoid(beta * x)",
    "x * tanh(softplus(x))",
    "0.5 * x * (1 + erf(x / sqrt(2)))",
    "log1p(x^2) * alpha",
    "sqrt(x^2 + beta)",
    "exp(-x^2 / alpha)",
    "sin(beta * x) * cos(x)",
    "abs(x)^beta",
    "x^3 - 2 * x",
    "beta^x",
    "(x + alpha) / (1 + x^2)",
    "max(x, alpha * x)",
    "min(x, beta) + max(-x, gamma)",
    "where(x > gamma, x * beta, alpha * (exp(x) - 1))",
    "softplus(beta * x) / beta",
    "log(1 + exp(x))",
    "tanh(x)^2",
    "x / (1 + abs(x))",
    "sigmoid(x) * (1 - sigmoid(x)) * alpha",
    "erf(alpha * x) * beta",
    "x * exp(gamma * x)",
    "-x^2 / (alpha + beta) + gamma^2 * x",
    "log(abs(x) + alpha) - x / beta",
    "where(x * x <= 1, x^2 / 2, abs(x) - 0.5) * beta",
};
const double kPoints[] = {-4.7, -2.3, -1.1, -0.37, 0.29, 0.83, 1.7, 3.1, 4.4};

// Parameters the formula uses (unused ones would be refused), learned or not.
std::vector<Param> params_of(const std::string& text, bool learned = true) {
  std::vector<Param> out;
  for (Param p : learned_params()) {
    p.learned = learned;
    if (text.find(p.name) != std::string::npos) out.push_back(p);
  }
  return out;
}

struct Values {
  MatrixD f, df_dx;
  std::vector<MatrixD> df_dp;
};

Values values_at(const Kernel<double>& kernel, const std::vector<Kernel<double>::Binding>& params, const MatrixD& z) {
  Values v{MatrixD(z.rows(), z.cols()), MatrixD(z.rows(), z.cols()),
           std::vector<MatrixD>(static_cast<std::size_t>(kernel.learned_count()), MatrixD(z.rows(), z.cols()))};
  std::vector<double*> learned;
  for (MatrixD& m : v.df_dp) learned.push_back(m.data());
  auto scratch = kernel.make_scratch();
  kernel.values(params, Kernel<double>::ConstView(z.data(), z.rows(), z.cols()),
                Kernel<double>::View(v.f.data(), z.rows(), z.cols()),
                Kernel<double>::View(v.df_dx.data(), z.rows(), z.cols()), learned, scratch);
  return v;
}

bool close(double exact, double numeric) { return std::abs(exact - numeric) <= 1e-8 + 1e-6 * std::abs(numeric); }

}  // namespace

TEST_CASE("formula: derivatives by x and by learned parameters match finite differences") {
  constexpr double h = 1e-6;
  MatrixD z(1, std::size(kPoints));
  for (Eigen::Index j = 0; j < z.cols(); ++j) z(0, j) = kPoints[j];
  for (const char* text : kFormulas) {
    CAPTURE(text);
    const Formula formula = Formula::parse(text, params_of(text));
    const Kernel<double> kernel(formula, std::vector<bool>(formula.params().size(), false));
    std::vector<Kernel<double>::Binding> params;
    for (const Param& p : formula.params()) params.push_back({p.value, nullptr});
    const Values at = values_at(kernel, params, z);
    const Values above = values_at(kernel, params, (z.array() + h).matrix());
    const Values below = values_at(kernel, params, (z.array() - h).matrix());
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
      CAPTURE(z(0, j));
      CHECK(close(at.df_dx(0, j), (above.f(0, j) - below.f(0, j)) / (2 * h)));
    }
    REQUIRE(kernel.learned_count() == static_cast<int>(params.size()));
    for (std::size_t k = 0; k < params.size(); ++k) {
      CAPTURE(formula.params()[k].name);
      auto shifted = params;
      shifted[k].value = params[k].value + h;
      const Values up = values_at(kernel, shifted, z);
      shifted[k].value = params[k].value - h;
      const Values down = values_at(kernel, shifted, z);
      for (Eigen::Index j = 0; j < z.cols(); ++j) {
        CAPTURE(z(0, j));
        CHECK(close(at.df_dp[k](0, j), (up.f(0, j) - down.f(0, j)) / (2 * h)));
      }
    }
  }
}

TEST_CASE("formula: the start-up check accepts trainable formulas") {
  for (const char* text : {"x * sigmoid(beta * x)", "x * tanh(softplus(x))", "0.5 * x * (1 + erf(x / sqrt(2)))",
                           "max(x, 0.01 * x)", "max(0, x)", "min(max(x, -1), 1)", "x / (1 + abs(x))",
                           "where(x > 0, x, alpha * (exp(x) - 1))", "softplus(beta * x) / beta", "sin(x) + x",
                           "where(x > 0.5, 1, 0) + x", "x^3", "abs(x)^beta", "log1p(x^2) * alpha"}) {
    CAPTURE(text);
    CHECK_NOTHROW(check(Formula::parse(text, params_of(text, false))));
  }
  // Learned parameters too (abs(x)^beta is not: see below).
  for (const char* text : {"x * sigmoid(beta * x)", "where(x > 0, x, alpha * (exp(x) - 1))",
                           "softplus(beta * x) / beta", "max(x, alpha * x)", "log1p(x^2) * alpha"}) {
    CAPTURE(text);
    CHECK_NOTHROW(check(Formula::parse(text, params_of(text))));
  }
}

TEST_CASE("formula: the start-up check refuses, naming x") {
  const auto refusal = [](const std::string& text, const std::vector<Param>& params = {}) {
    try {
      check(Formula::parse(text, params));
    } catch (const FormulaError& e) {
      return e.param + " | " + e.what();
    }
    return std::string("accepted");
  };
  // log(x) is not finite for x <= 0: the leftmost point of the grid is named.
  CHECK(refusal("log(x)") == " | f(x) is not finite at x = -10000 (nan)");
  // sqrt(|x|) has a vertical tangent at 0.
  CHECK(refusal("sqrt(abs(x))") == " | the derivative f'(x) is not finite at x = 0 (inf)");
  CHECK(refusal("1 / x") == " | f(x) is not finite at x = 0 (inf)");
  CHECK(refusal("exp(x)") == " | f(x) is not finite at x = 1000 (inf)");
  // Finite in double, not in float: training runs float.
  CHECK(refusal("exp(x / 100)") == " | f(x) is not finite in float32 at x = 10000 (inf)");
  // A learned parameter's derivative: d/dbeta |x|^beta = |x|^beta log|x|, 0 * -inf at 0.
  CHECK(refusal("abs(x)^beta", {{"beta", 1.5, true}}) == "beta | df/dbeta is not finite at x = 0 (nan)");
  // The same parameter, not learned: its derivative is not needed.
  CHECK(refusal("abs(x)^beta", {{"beta", 1.5, false}}) == "accepted");
}
