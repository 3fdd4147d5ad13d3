// The batch evaluator in float, as training runs it: formulas equal to built-in activations give
// the built-ins' values within float round-off, per-unit learned parameters, extreme inputs,
// and no allocation while evaluating.
#include "mlp/activation.hpp"
#include "mlp/formula.hpp"

#include "allocation_counter.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mlp;
using formula::Formula;
using Kernel = formula::Kernel<float>;

namespace {

// 64 units x 37 samples (2368 values: two whole chunks and a part) spread over [-6, 6], never
// at a kink (0), and a gradient to back-propagate.
Matrix spread(Index rows, Index cols, double lo, double hi, double phase) {
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) {
    const double t = std::fmod(0.6180339887 * static_cast<double>(i) + phase, 1.0);
    m.data()[i] = static_cast<float>(lo + (hi - lo) * t);
  }
  return m;
}

bool close(double value, double expected) { return std::abs(value - expected) <= 2e-6 + 1e-5 * std::abs(expected); }

std::vector<Kernel::Binding> shared_bindings(const Formula& f) {
  std::vector<Kernel::Binding> out;
  for (const formula::Param& p : f.params()) out.push_back({p.value, nullptr});
  return out;
}

}  // namespace

TEST_CASE("formula: formulas equal to built-ins give their forward and backward") {
  struct Case {
    const char* formula;
    const char* builtin;
  };
  const Case cases[] = {
      {"x * sigmoid(x)", "silu"},
      {"max(x, 0.01 * x)", "leaky_relu"},
      {"tanh(x)", "tanh"},
      {"x * tanh(softplus(x))", "mish"},
      {"0.5 * x * (1 + erf(x / sqrt(2)))", "gelu"},
      {"sigmoid(x)", "sigmoid"},
      {"max(0, x)", "relu"},
      {"softplus(x)", "softplus"},
      {"x / (1 + abs(x))", "softsign"},
  };
  const Matrix z = spread(64, 37, -6, 6, 0.1234);
  const Matrix grad_a = spread(64, 37, -1, 1, 0.5);
  for (const Case& c : cases) {
    CAPTURE(c.formula);
    const Formula f = Formula::parse(c.formula);
    formula::check(f);
    const Kernel kernel(f, {});
    auto scratch = kernel.make_scratch();
    Matrix a(z.rows(), z.cols()), grad_z(z.rows(), z.cols());
    kernel.forward({}, cview(z), view(a), scratch);
    kernel.backward({}, cview(z), cview(a), cview(grad_a), view(grad_z), scratch);

    const Activation builtin = Activation::with_defaults(c.builtin);
    const ActivationArgs args{builtin.params, nullptr, 0};
    Matrix expected_a(z.rows(), z.cols()), expected_grad_z(z.rows(), z.cols());
    builtin.spec->forward(args, cview(z), view(expected_a));
    builtin.spec->backward(args, cview(z), cview(expected_a), cview(grad_a), view(expected_grad_z));
    for (Index i = 0; i < z.size(); ++i) {
      CAPTURE(z.data()[i]);
      CHECK(close(a.data()[i], expected_a.data()[i]));
      CHECK(close(grad_z.data()[i], expected_grad_z.data()[i]));
    }
  }
}

TEST_CASE("formula: per-unit learned parameters match the built-in swish") {
  const Formula f = Formula::parse("x * sigmoid(beta * x)", {{"beta", 1.0, true}});
  const Matrix z = spread(16, 150, -6, 6, 0.3);  // 2400 values: chunks start mid-column
  const Matrix grad_a = spread(16, 150, -1, 1, 0.7);
  Vector beta(16);
  for (Index u = 0; u < 16; ++u) beta[u] = 0.5f + 0.1f * static_cast<float>(u);

  const Kernel kernel(f, {true});
  auto scratch = kernel.make_scratch();
  const std::array<Kernel::Binding, 1> params{{{0.0, beta.data()}}};
  Matrix a(16, 150), grad_z(16, 150), fused_grad_z(16, 150);
  Vector grad_beta(16), fused_grad_beta(16);
  std::array<float*, 1> grads{grad_beta.data()};
  std::array<float*, 1> fused_grads{fused_grad_beta.data()};
  kernel.forward(params, cview(z), view(a), scratch);
  kernel.backward(params, cview(z), cview(a), cview(grad_a), view(grad_z), scratch);
  kernel.param_grad(params, cview(z), cview(a), cview(grad_a), grads, scratch);
  kernel.backward_and_param_grad(params, cview(z), cview(a), cview(grad_a), view(fused_grad_z), fused_grads, scratch);

  const Activation swish = Activation::with("swish", {{"num_parameters", 16}});
  const ActivationArgs args{swish.params, beta.data(), 16};
  Matrix expected_a(16, 150), expected_grad_z(16, 150);
  Vector expected_grad_beta(16);
  swish.spec->forward(args, cview(z), view(expected_a));
  swish.spec->backward(args, cview(z), cview(expected_a), cview(grad_a), view(expected_grad_z));
  swish.spec->param_grad(args, cview(z), cview(expected_a), cview(grad_a), VectorView(expected_grad_beta.data(), 16));
  for (Index i = 0; i < z.size(); ++i) {
    CHECK(close(a.data()[i], expected_a.data()[i]));
    CHECK(close(grad_z.data()[i], expected_grad_z.data()[i]));
  }
  for (Index u = 0; u < 16; ++u) {
    // Sums of 150 terms, each from a different but equal form (a (x - a) in the built-in).
    CHECK(std::abs(grad_beta[u] - expected_grad_beta[u]) <= 1e-4 + 1e-4 * std::abs(expected_grad_beta[u]));
  }
  // The fused pass runs the same instructions: the same bits.
  CHECK(fused_grad_z == grad_z);
  CHECK(fused_grad_beta == grad_beta);

  // A shared value gives the same per-unit gradient as the same value given to every unit.
  const Kernel shared(f, {false});
  auto shared_scratch = shared.make_scratch();
  const std::array<Kernel::Binding, 1> one{{{1.0, nullptr}}};
  Vector ones = Vector::Ones(16);
  const ActivationArgs args_one{swish.params, ones.data(), 16};
  Matrix a_one(16, 150);
  swish.spec->forward(args_one, cview(z), view(a_one));
  shared.param_grad(one, cview(z), cview(a_one), cview(grad_a), grads, shared_scratch);
  kernel.param_grad(std::array<Kernel::Binding, 1>{{{0.0, ones.data()}}}, cview(z), cview(a_one), cview(grad_a),
                    fused_grads, scratch);
  CHECK(fused_grad_beta == grad_beta);
}

TEST_CASE("formula: extreme inputs stay finite and take the right limits") {
  const Matrix z = (Matrix(1, 11) << -1e4f, -1e3f, -100, -30, -1, 0, 1, 30, 100, 1e3f, 1e4f).finished();
  const Matrix grad_a = Matrix::Ones(1, 11);
  for (const char* text : {"x * sigmoid(beta * x)", "x * tanh(softplus(x))", "0.5 * x * (1 + erf(x / sqrt(2)))",
                           "softplus(beta * x) / beta", "where(x > 0, x, beta * (exp(x) - 1))", "log1p(x^2)",
                           "x / (1 + abs(x))", "sigmoid(x) * tanh(x)", "x^3", "erf(beta * x) * exp(-x^2)"}) {
    CAPTURE(text);
    const Formula f = Formula::parse(text, std::string(text).find("beta") != std::string::npos
                                               ? std::vector<formula::Param>{{"beta", 1.0, true}}
                                               : std::vector<formula::Param>{});
    formula::check(f);
    const Kernel kernel(f, std::vector<bool>(f.params().size(), false));
    auto scratch = kernel.make_scratch();
    const auto params = shared_bindings(f);
    Matrix a(1, 11), grad_z(1, 11);
    Vector grad_learned = Vector::Zero(1);
    std::array<float*, 1> grads{grad_learned.data()};
    kernel.forward(params, cview(z), view(a), scratch);
    kernel.backward_and_param_grad(
        params, cview(z), cview(a), cview(grad_a), view(grad_z),
        std::span<float* const>(grads.data(), static_cast<std::size_t>(kernel.learned_count())), scratch);
    CHECK(a.array().isFinite().all());
    CHECK(grad_z.array().isFinite().all());
    CHECK(std::isfinite(grad_learned[0]));
  }
  // x sigmoid(x) at -1e4 is 0 (not -1e4 * 0 = nan from inf / inf), its slope 0; at 1e4 x and 1.
  const Formula silu = Formula::parse("x * sigmoid(x)");
  const Kernel kernel(silu, {});
  auto scratch = kernel.make_scratch();
  Matrix a(1, 11), grad_z(1, 11);
  kernel.forward({}, cview(z), view(a), scratch);
  kernel.backward({}, cview(z), cview(a), cview(grad_a), view(grad_z), scratch);
  CHECK(a(0, 0) == 0);
  CHECK(grad_z(0, 0) == 0);
  CHECK(a(0, 10) == 1e4f);
  CHECK(grad_z(0, 10) == 1);
}

TEST_CASE("formula: evaluating allocates nothing") {
  const Formula f = Formula::parse("x * sigmoid(beta * x) + where(x > gamma, x, gamma)",
                                   {{"beta", 1.0, true}, {"gamma", -1.0, false}});
  const Kernel kernel(f, {true, false});
  auto scratch = kernel.make_scratch();
  const Matrix z = spread(32, 100, -6, 6, 0.2);
  const Matrix grad_a = spread(32, 100, -1, 1, 0.4);
  Matrix a(32, 100), grad_z(32, 100), df_dx(32, 100), df_dbeta(32, 100);
  Vector beta = Vector::Constant(32, 1.5f), grad_beta(32);
  const std::array<Kernel::Binding, 2> params{{{0.0, beta.data()}, {-1.0, nullptr}}};
  const std::array<float*, 1> grads{grad_beta.data()};
  const std::array<float*, 1> df_dlearned{df_dbeta.data()};

  const std::size_t before = test::allocation_count();
  kernel.forward(params, cview(z), view(a), scratch);
  kernel.backward(params, cview(z), cview(a), cview(grad_a), view(grad_z), scratch);
  kernel.param_grad(params, cview(z), cview(a), cview(grad_a), grads, scratch);
  kernel.backward_and_param_grad(params, cview(z), cview(a), cview(grad_a), view(grad_z), grads, scratch);
  kernel.values(params, cview(z), view(a), view(df_dx), df_dlearned, scratch);
  const std::size_t after = test::allocation_count();
  CHECK(after == before);
}

TEST_CASE("formula: log1p and softplus keep their precision for tiny values") {
  // log1p(t) for t below float's epsilon is t, not log(1 + t) = 0; softplus(-20) = 2.06e-9.
  const Matrix z = (Matrix(1, 6) << -20, -12, -1e-3f, 1e-9f, 3e-5f, 0.7f).finished();
  Matrix a(1, 6);
  for (const char* text : {"log1p(x)", "softplus(x)"}) {
    CAPTURE(text);
    const Formula f = Formula::parse(text);
    const Kernel kernel(f, {});
    auto scratch = kernel.make_scratch();
    kernel.forward({}, cview(z), view(a), scratch);
    for (Index j = 0; j < 6; ++j) {
      const double x = z(0, j);
      const bool softplus = std::string(text) == "softplus(x)";
      if (!softplus && x <= -1) continue;
      const double expected = softplus ? std::log1p(std::exp(x)) : std::log1p(x);
      CAPTURE(x);
      CHECK(std::abs(a(0, j) - expected) <= 4e-7 * std::abs(expected));
    }
  }
}

TEST_CASE("formula: a kernel refuses bindings of the wrong layout") {
  const Formula f = Formula::parse("x * sigmoid(beta * x)", {{"beta", 1.0, true}});
  CHECK_THROWS_AS(Kernel(f, {}), std::invalid_argument);
  const Kernel kernel(f, {true});
  auto scratch = kernel.make_scratch();
  const Matrix z = Matrix::Ones(2, 3);
  Matrix a(2, 3);
  CHECK_THROWS_AS(kernel.forward({}, cview(z), view(a), scratch), std::invalid_argument);
  const std::array<Kernel::Binding, 1> shared{{{1.0, nullptr}}};
  CHECK_THROWS_AS(kernel.forward(shared, cview(z), view(a), scratch), std::invalid_argument);
}
