// The activation table in float32: its invariants, known values from PyTorch at fixed points
// (tests/support/activation_reference.hpp), extreme inputs, flat regions and bounds, learned
// values. Lookup and messages are tested for every family in core/test_registry.cpp.
// The finite-difference checks of every derivative are in f64/test_activation_gradients.cpp.
#include "mlp/activation.hpp"
#include "mlp/activation_bench.hpp"
#include "mlp/error.hpp"
#include "mlp/layers.hpp"
#include "mlp/rng.hpp"
#include "mlp/thread_pool.hpp"

#include "activation_reference.hpp"
#include "activation_test_util.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

using namespace mlp;
using mlp::test::activation_of;
using mlp::test::evaluate;
using mlp::test::initial_learned;

namespace {

// Float against torch's float64 values: a few float ulps of the result, or of the inputs of a
// subtraction that cancels as in torch's own float code (1 - tanh^2 near 1, for instance).
bool close(double value, double expected) { return std::abs(value - expected) <= 1e-6 + 1e-5 * std::abs(expected); }
// The learned-value derivative of swish, x^2 s (1 - s) = a (x - a), loses more: x - a cancels
// where s is near 1, as 1 - s does in torch's float sigmoid backward.
bool close_learned(double value, double expected) {
  return std::abs(value - expected) <= 1e-5 + 1e-4 * std::abs(expected);
}

Matrix row_of(std::span<const double> xs) {
  Matrix z(1, static_cast<Index>(xs.size()));
  for (Index j = 0; j < z.cols(); ++j) z(0, j) = static_cast<Scalar>(xs[static_cast<std::size_t>(j)]);
  return z;
}

bool all_finite(const Matrix& m) { return m.array().isFinite().all(); }
bool all_finite(const Vector& v) { return v.array().isFinite().all(); }

// Every activation with its default parameters, then every non-default reference case.
std::vector<Activation> all_configurations() {
  std::vector<Activation> out;
  for (const ActivationSpec& spec : activations()) out.push_back(Activation::with_defaults(spec.name));
  for (const auto& reference : mlp::test::kReferenceCases) out.push_back(activation_of(reference));
  return out;
}

// The number of learnable activations in the table (prelu and swish so far).
int learnable_count() {
  return static_cast<int>(
      std::ranges::count_if(activations(), [](const auto& spec) { return spec.learnable.has_value(); }));
}

}  // namespace

TEST_CASE("activation table: PyTorch's aliases, names compared exactly") {
  CHECK(activations().find("linear") == activations().find("identity"));
  CHECK(activations().find("logistic") == activations().find("sigmoid"));
  CHECK(activations().find("hard_swish") == activations().find("hardswish"));
  CHECK(activations().find("Relu") == nullptr);
  CHECK_THROWS_AS(Activation::with_defaults("reLU"), InputError);
  CHECK_THROWS_WITH(Activation::with_defaults("swissh"), doctest::Contains("valid: identity, sigmoid, tanh, relu"));
}

TEST_CASE("activation table: every entry is complete and its defaults are valid") {
  for (const ActivationSpec& spec : activations()) {
    CAPTURE(spec.name);
    CHECK(!spec.formula.empty());
    CHECK(spec.torch.starts_with("torch.nn."));
    CHECK((spec.forward != nullptr));
    CHECK((spec.backward != nullptr));
    CHECK((spec.flat_value != nullptr));
    CHECK((spec.bounds != nullptr));
    CHECK((spec.kinks != nullptr));
    CHECK((spec.param_grad != nullptr) == spec.learnable.has_value());
    std::set<std::string_view> names;
    for (const ParamSpec& param : spec.params) {
      CAPTURE(param.name);
      CHECK(names.insert(param.name).second);
      CHECK(!param.description.empty());
      switch (param.kind) {
        case ParamKind::kChoice:
          REQUIRE(param.choices.size() >= 2);
          CHECK(param.default_value >= 0);
          CHECK(param.default_value < static_cast<double>(param.choices.size()));
          break;
        case ParamKind::kInteger:
          CHECK(param.default_value == std::floor(param.default_value));
          CHECK(param.range.contains(param.default_value));
          break;
        case ParamKind::kNumberPair:
          CHECK(param.range.contains(param.default_second));
          CHECK(param.range.contains(param.default_value));
          break;
        case ParamKind::kBoolean:
          CHECK((param.default_value == 0 || param.default_value == 1));
          break;
        case ParamKind::kNumber:
          CHECK(param.range.contains(param.default_value));
          break;
      }
    }
    if (spec.learnable) {
      const auto specs = spec.param_specs();
      CHECK(!spec.learnable->name.empty());
      REQUIRE(slot_of(specs, spec.learnable->init_param) >= 0);
      REQUIRE(slot_of(specs, spec.learnable->count_param) >= 0);
      CHECK(Activation::with_defaults(spec.name).learned_count(7) ==
            1);  // torch's default: one value shared by the layer
    }
  }
}

TEST_CASE("activation table: PyTorch's parameter defaults and initialisation pairing") {
  const auto param = [](std::string_view name, std::string_view key) {
    return Activation::with_defaults(name).param(key);
  };
  CHECK(param("leaky_relu", "negative_slope") == 0.01);
  CHECK(param("prelu", "init") == 0.25);
  CHECK(param("prelu", "num_parameters") == 1);
  CHECK(param("elu", "alpha") == 1);
  CHECK(param("celu", "alpha") == 1);
  CHECK(param("gelu", "approximate") == 0);
  CHECK(param("swish", "beta") == 1);
  CHECK(param("softplus", "beta") == 1);
  CHECK(param("softplus", "threshold") == 20);
  CHECK(param("hardtanh", "min_val") == -1);
  CHECK(param("hardtanh", "max_val") == 1);
  CHECK(activations().find("gelu")->params.begin()[0].choices.begin()[0] == "none");
  CHECK(activations().find("swish")->learnable->name == "beta");
  CHECK(activations().find("prelu")->learnable->name == "weight");
  CHECK(activations().find("selu")->recommended_init == RecommendedInit::kLecun);
  CHECK(activations().find("relu")->recommended_init == RecommendedInit::kKaiming);
  CHECK(activations().find("tanh")->recommended_init == RecommendedInit::kXavier);
  CHECK_THROWS_AS((void)Activation::with_defaults("relu").param("alpha"), std::out_of_range);
}

TEST_CASE("every activation matches PyTorch 1.13 at fixed points, with default and other parameters") {
  // Values, derivatives (torch's at kinks) and learned-value derivatives computed by torch in
  // float64: see tests/reference/activations.py.
  std::set<std::string_view> covered;
  for (const auto& reference : mlp::test::kReferenceCases) {
    const Activation activation = activation_of(reference);
    CAPTURE(activation.describe());
    covered.insert(activation.spec->name);
    const Matrix z = row_of(mlp::test::kReferencePoints);
    const Matrix ones = Matrix::Ones(1, z.cols());
    for (Index j = 0; j < z.cols(); ++j) {
      // One point per call, so that each learned-value derivative is that point's alone.
      const Matrix zj = z.col(j);
      const auto out = evaluate(activation, initial_learned(activation, 1), zj, Matrix::Ones(1, 1));
      const auto i = static_cast<std::size_t>(j);
      CAPTURE(zj(0, 0));
      CHECK_MESSAGE(close(out.a(0, 0), reference.value[i]), out.a(0, 0), " vs ", reference.value[i]);
      CHECK_MESSAGE(close(out.grad_z(0, 0), reference.grad[i]), out.grad_z(0, 0), " vs ", reference.grad[i]);
      if (activation.spec->learnable) {
        CHECK_MESSAGE(close_learned(out.grad_learned(0), reference.learned_grad[i]), out.grad_learned(0), " vs ",
                      reference.learned_grad[i]);
      }
    }
    // The whole row at once (the vectorised path) gives the same values as one point at a time.
    const auto row = evaluate(activation, initial_learned(activation, 1), z, ones);
    for (Index j = 0; j < z.cols(); ++j) {
      CHECK(close(row.a(0, j), reference.value[static_cast<std::size_t>(j)]));
      CHECK(close(row.grad_z(0, j), reference.grad[static_cast<std::size_t>(j)]));
    }
  }
  for (const ActivationSpec& spec : activations()) {
    CAPTURE(spec.name);
    CHECK(covered.count(spec.name) == 1);
  }
}

TEST_CASE("tanh(x) = 2 sigmoid(2x) - 1") {
  const Activation tanh = Activation::with_defaults("tanh");
  const Activation sigmoid = Activation::with_defaults("sigmoid");
  Matrix z(1, 4001);
  for (Index j = 0; j < z.cols(); ++j) z(0, j) = static_cast<Scalar>(-20.0 + 0.01 * static_cast<double>(j));
  const Matrix ones = Matrix::Ones(1, z.cols());
  const Matrix t = evaluate(tanh, {}, z, ones).a;
  const Matrix s = evaluate(sigmoid, {}, (2 * z.array()).matrix(), ones).a;
  CHECK((t.array() - (2 * s.array() - 1)).abs().maxCoeff() < 1e-6);
  // Their derivatives agree the same way: tanh'(x) = 4 sigmoid'(2x).
  const Matrix dt = evaluate(tanh, {}, z, ones).grad_z;
  const Matrix ds = evaluate(sigmoid, {}, (2 * z.array()).matrix(), ones).grad_z;
  CHECK((dt.array() - 4 * ds.array()).abs().maxCoeff() < 1e-6);
}

TEST_CASE("every activation is finite at +-100 and +-1e4, shared and per-unit learned values too") {
  // Limits themselves are in the reference cases (kReferencePoints include +-100 and +-1e4).
  const std::vector<double> extremes = {-1e4, -100, -30, 30, 100, 1e4, -1e4, 1e4};
  const Matrix z1 = row_of(extremes);
  for (const Activation& activation : all_configurations()) {
    CAPTURE(activation.describe());
    const Matrix grad_a = Matrix::Constant(1, z1.cols(), Scalar(-0.75));
    const auto out = evaluate(activation, initial_learned(activation, 1), z1, grad_a);
    CHECK(all_finite(out.a));
    CHECK(all_finite(out.grad_z));
    CHECK(all_finite(out.grad_learned));
    if (activation.spec->learnable) {
      // Three units with learned values of either sign and a large one.
      Matrix z3(3, z1.cols());
      z3 << z1, z1, z1;
      Vector learned(3);
      learned << Scalar(-1.5), Scalar(0.5), Scalar(40);
      const auto per_unit = evaluate(activation, learned, z3, Matrix::Constant(3, z1.cols(), Scalar(2)));
      CHECK(all_finite(per_unit.a));
      CHECK(all_finite(per_unit.grad_z));
      CHECK(all_finite(per_unit.grad_learned));
    }
  }
}

TEST_CASE("flat_value and bounds are declared exactly where PyTorch's values show them") {
  for (const auto& reference : mlp::test::kReferenceCases) {
    const Activation activation = activation_of(reference);
    CAPTURE(activation.describe());
    const auto torch = mlp::test::far_out(reference.value, reference.grad);
    CHECK(activation.flat_value() == torch.flat);
    CHECK(activation.bounds().has_value() == torch.bounded);
  }
}

TEST_CASE("flat_value and bounds agree with the function") {
  Matrix sweep(1, 2 * 64 + 1);
  for (Index j = 0; j < 64; ++j) {  // 0, +-1e-4 ... +-1e4, log-spaced
    const double x = std::pow(10.0, -4.0 + 8.0 * static_cast<double>(j) / 63.0);
    sweep(0, j) = static_cast<Scalar>(-x);
    sweep(0, 64 + j) = static_cast<Scalar>(x);
  }
  sweep(0, 128) = 0;
  const std::vector<double> far_left = {-1e4, -1e3, -100, -50};
  std::vector<Activation> configurations = all_configurations();
  configurations.push_back(Activation::with("leaky_relu", {{"negative_slope", 0}}));
  configurations.push_back(Activation::with("elu", {{"alpha", 0}}));
  int flat = 0;
  int bounded = 0;
  for (const Activation& activation : configurations) {
    CAPTURE(activation.describe());
    const Vector learned = initial_learned(activation, 1);
    if (const auto value = activation.flat_value()) {
      ++flat;
      const Matrix z = row_of(far_left);
      const auto out = evaluate(activation, learned, z, Matrix::Ones(1, z.cols()));
      for (Index j = 0; j < z.cols(); ++j) {
        CHECK(out.a(0, j) == static_cast<Scalar>(*value));
        CHECK(out.grad_z(0, j) == 0);
      }
    }
    const auto out = evaluate(activation, learned, sweep, Matrix::Ones(1, sweep.cols()));
    if (const auto bounds = activation.bounds()) {
      ++bounded;
      CHECK(out.a.minCoeff() >= bounds->lo);
      CHECK(out.a.maxCoeff() <= bounds->hi);
      // The bounds are tight: the function comes within 1e-3 of both.
      CHECK(out.a.minCoeff() <= bounds->lo + 1e-3);
      CHECK(out.a.maxCoeff() >= bounds->hi - 1e-3);
    } else {
      // An unbounded function leaves [-1, 1] within |x| <= 1e4.
      CHECK((out.a.minCoeff() < -1 || out.a.maxCoeff() > 1));
    }
  }
  // Both kinds are there (relu is flat, sigmoid bounded), so the checks above can fail.
  CHECK(flat > 0);
  CHECK(bounded > 0);
  // Values that depend on the parameters.
  const Activation hardtanh = Activation::with("hardtanh", {{"min_val", -2}, {"max_val", 0.5}});
  CHECK(hardtanh.flat_value() == -2.0);
  CHECK(hardtanh.bounds()->lo == -2.0);
  CHECK(hardtanh.bounds()->hi == 0.5);
  CHECK(Activation::with("leaky_relu", {{"negative_slope", 0}}).flat_value() == 0.0);
  CHECK(!Activation::with_defaults("leaky_relu").flat_value().has_value());
}

TEST_CASE("learned values: one shared value and one per unit give the same rows") {
  Matrix z(3, 9);
  z << -1e4, -4, -1.5, -0.3, 0, 0.2, 1.7, 5, 1e4,  //
      -100, -2, -1, -0.1, 0, 0.1, 1, 2, 100,       //
      -6, -3, -0.7, -0.01, 0, 0.01, 0.7, 3, 6;
  Matrix grad_a(3, 9);
  Rng rng(5, "grad_a");
  for (Index i = 0; i < grad_a.size(); ++i) grad_a.data()[i] = static_cast<Scalar>(rng.uniform(-1, 1));
  Vector per_unit(3);
  per_unit << Scalar(-0.4), Scalar(0.3), Scalar(2.5);
  int checked = 0;
  for (const ActivationSpec& spec : activations()) {
    if (!spec.learnable) continue;
    ++checked;
    CAPTURE(spec.name);
    const Activation activation = Activation::with(spec.name, {{spec.learnable->count_param, 3}});
    const auto together = evaluate(activation, per_unit, z, grad_a);
    for (Index u = 0; u < 3; ++u) {
      const Vector shared = Vector::Constant(1, per_unit(u));
      const auto alone = evaluate(activation, shared, z, grad_a);
      CAPTURE(u);
      CHECK((together.a.row(u) - alone.a.row(u)).cwiseAbs().maxCoeff() <=
            1e-6 * (1 + alone.a.row(u).cwiseAbs().maxCoeff()));
      CHECK((together.grad_z.row(u) - alone.grad_z.row(u)).cwiseAbs().maxCoeff() <=
            1e-6 * (1 + alone.grad_z.row(u).cwiseAbs().maxCoeff()));
      CHECK(std::abs(together.grad_learned(u) - alone.grad_learned(u)) <= 1e-5 * (1 + std::abs(alone.grad_learned(u))));
      // The value is really used: another unit's value gives a different row.
      const auto other = evaluate(activation, Vector::Constant(1, per_unit((u + 1) % 3)), z, grad_a);
      CHECK((other.a.row(u) - alone.a.row(u)).cwiseAbs().maxCoeff() > 1e-3);
    }
  }
  CHECK(checked == learnable_count());
  CHECK(checked > 0);
}

TEST_CASE("ActivationLayer: forward, backward and learned-value gradients, shared and per unit") {
  // Hand-written formulas in double, independent of the table's: f(x, w) and df/dx, df/dw.
  struct Maths {
    std::string_view name;
    double (*f)(double x, double w);
    double (*dx)(double x, double w);
    double (*dw)(double x, double w);
  };
  static constexpr auto sigmoid = [](double y) { return 1 / (1 + std::exp(-y)); };
  const Maths maths[] = {
      {"prelu", [](double x, double w) { return x > 0 ? x : w * x; }, [](double x, double w) { return x > 0 ? 1 : w; },
       [](double x, double) { return std::min(x, 0.0); }},
      {"swish", [](double x, double w) { return x * sigmoid(w * x); },
       [](double x, double w) { return sigmoid(w * x) + w * x * sigmoid(w * x) * (1 - sigmoid(w * x)); },
       [](double x, double w) { return x * x * sigmoid(w * x) * (1 - sigmoid(w * x)); }},
  };
  Matrix z(3, 6);
  z << -3, -1, -0.25, 0.5, 2, 4,  //
      -2, -0.5, 0, 0.1, 1, 3,     //
      -4, -1.5, -0.1, 0.3, 0.7, 5;
  Matrix grad_a(3, 6);
  grad_a << 1, -2, 0.5, 1.5, -1, 0.25,  //
      -0.5, 1, 2, -1, 0.5, 1,           //
      0.75, 0.5, -1, 1, 2, -2;
  for (const Maths& m : maths) {
    const ActivationSpec& spec = *activations().find(m.name);
    for (const Index count : {Index{1}, Index{3}}) {
      CAPTURE(m.name);
      CAPTURE(count);
      const Activation activation = Activation::with(m.name, {{spec.learnable->count_param, count}});
      ActivationLayer layer(activation, 3);
      REQUIRE(layer.learned().size() == count);
      CHECK(layer.learned()(0) == static_cast<Scalar>(activation.param(spec.learnable->init_param)));
      if (count == 3) layer.learned() << Scalar(-0.3), Scalar(0.6), Scalar(1.8);
      Matrix out(3, 6);
      Matrix grad_z(3, 6);
      layer.forward(cview(z), view(out), Mode::kTrain);
      layer.backward(cview(z), cview(out), cview(grad_a), view(grad_z));
      std::vector<ParamBlock> blocks = layer.parameters();
      REQUIRE(blocks.size() == 1);
      CHECK(blocks[0].name == spec.learnable->name);
      REQUIRE(blocks[0].value.size() == count);
      CHECK(blocks[0].value.data() == layer.learned().data());
      std::vector<double> expected_grad(static_cast<std::size_t>(count), 0.0);
      for (Index u = 0; u < 3; ++u) {
        const double w = layer.learned()(count == 1 ? 0 : u);
        for (Index j = 0; j < 6; ++j) {
          const double x = z(u, j);
          CHECK(out(u, j) == doctest::Approx(m.f(x, w)).epsilon(1e-6));
          CHECK(grad_z(u, j) == doctest::Approx(grad_a(u, j) * m.dx(x, w)).epsilon(1e-6));
          expected_grad[static_cast<std::size_t>(count == 1 ? 0 : u)] += grad_a(u, j) * m.dw(x, w);
        }
      }
      for (Index k = 0; k < count; ++k) {
        CHECK(blocks[0].grad(k) == doctest::Approx(expected_grad[static_cast<std::size_t>(k)]).epsilon(1e-5));
      }
      // The first layer is given no grad_input; the learned values' gradient is still written.
      blocks[0].grad.setZero();
      Matrix no_grad_input(0, 6);
      layer.backward(cview(z), cview(out), cview(grad_a), view(no_grad_input));
      CHECK(blocks[0].grad(0) == doctest::Approx(expected_grad[0]).epsilon(1e-5));
    }
    // The count must be 1 or the layer's units.
    const Activation two = Activation::with(m.name, {{spec.learnable->count_param, 2}});
    CHECK_THROWS_WITH_AS(ActivationLayer(two, 3), doctest::Contains("must be 1 or the layer's units (3), got 2"),
                         InputError);
  }
  ActivationLayer relu(Activation::with_defaults("relu"), 3);
  CHECK(relu.parameters().empty());
  CHECK(relu.learned().size() == 0);
}

TEST_CASE("bench_activations times each function through its layer, and identity, which a network skips, costs 0") {
  const Activation list[] = {Activation::with_defaults("identity"), Activation::with_defaults("relu")};
  const std::vector<ActivationCost> costs = bench_activations(list, 8, 64, 0.001);
  REQUIRE(costs.size() == 3);
  CHECK(costs[0].activation == "copy");
  CHECK(costs[0].forward_ns > 0);
  CHECK(costs[1].activation == "identity");
  CHECK(costs[1].passes_input_through);
  CHECK(costs[1].total_ns() == 0);
  CHECK(costs[2].activation == "relu");
  CHECK_FALSE(costs[2].passes_input_through);
  CHECK(costs[2].forward_ns > 0);
  CHECK(costs[2].backward_ns > 0);
}

TEST_CASE("a layer split over two threads gives the results of one whole pass, bit for bit, for every activation") {
  // 129 x 600 values: large enough to be split (into columns [0, 320) and [320, 600)), with odd
  // rows and a column count that leaves a SIMD remainder, inputs spanning every function's
  // regimes including the extremes.
  const Index rows = 129, cols = 600;
  Rng rng(3, "split");
  Matrix z(rows, cols);
  for (Index i = 0; i < z.size(); ++i) z.data()[i] = static_cast<Scalar>(rng.uniform(-8, 8));
  z(0, 0) = 1e4f;
  z(5, 400) = -1e4f;
  Matrix grad_a(rows, cols);
  for (Index i = 0; i < grad_a.size(); ++i) grad_a.data()[i] = static_cast<Scalar>(rng.uniform(-1, 1));
  ThreadPool pool(2);
  std::vector<Activation> configurations;
  for (const ActivationSpec& spec : activations()) configurations.push_back(Activation::with_defaults(spec.name));
  configurations.push_back(Activation::with("prelu", {{"num_parameters", 129}}));  // one slope per unit
  for (const Activation& activation : configurations) {
    CAPTURE(activation.describe());
    ActivationLayer whole(activation, rows);
    ActivationLayer split(activation, rows);
    split.set_thread_pool(&pool);
    Matrix a_whole(rows, cols), a_split(rows, cols), g_whole(rows, cols), g_split(rows, cols);
    whole.forward(cview(z), view(a_whole), Mode::kTrain);
    split.forward(cview(z), view(a_split), Mode::kTrain);
    whole.backward(cview(z), cview(a_whole), cview(grad_a), view(g_whole));
    split.backward(cview(z), cview(a_split), cview(grad_a), view(g_split));
    CHECK(std::equal(a_whole.data(), a_whole.data() + a_whole.size(), a_split.data()));
    CHECK(std::equal(g_whole.data(), g_whole.data() + g_whole.size(), g_split.data()));
  }
}
