// Finite-difference checks of every activation's derivatives, in double precision. The tests
// iterate the table, so a new activation is checked with no edit here; sample points keep away
// from the kinks its entry declares (test_activation_kinks.cpp checks that none is missing).
#include "mlp/activation.hpp"
#include "mlp/layers.hpp"
#include "mlp/rng.hpp"

#include "activation_test_util.hpp"
#include "gradcheck.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace mlp;
using mlp::test::evaluate;
using mlp::test::variants_of;

namespace {

constexpr double kStep = 1e-5;         // central-difference step
constexpr double kKinkMargin = 1e-3;   // sample points stay this far from a kink
constexpr double kMaxRelError = 1e-6;  // |analytic - numeric| / max(|analytic|, |numeric|, floor)
constexpr double kErrorFloor = 1e-4;   // the scale below which errors are taken as absolute
constexpr double kSampleRange = 12;    // z uniform in [-12, 12], both saturated regions included

// z, uniform in [-kSampleRange, kSampleRange], redrawn where it falls within kKinkMargin of a kink.
Matrix sample_away_from_kinks(Index rows, Index cols, const std::vector<double>& kinks, Rng& rng) {
  Matrix z(rows, cols);
  for (Index i = 0; i < z.size(); ++i) {
    double x = 0;
    do {
      x = rng.uniform(-kSampleRange, kSampleRange);
    } while (std::ranges::any_of(kinks, [&](double k) { return std::abs(x - k) < kKinkMargin; }));
    z.data()[i] = x;
  }
  return z;
}

Matrix normal_matrix(Index rows, Index cols, Rng& rng) {
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  return m;
}

// The learned values to check with: nothing, one shared value (the init parameter) and one per
// unit (the init parameter plus noise, so that the units differ and some values change sign).
std::vector<Vector> learned_settings(const Activation& activation, Index units, Rng& rng) {
  if (!activation.spec->learnable) return {Vector()};
  const double init = activation.param(activation.spec->learnable->init_param);
  Vector per_unit(units);
  for (Index u = 0; u < units; ++u) per_unit(u) = init + rng.uniform(-1.5, 1.5);
  return {Vector::Constant(1, init), per_unit};
}

double relative_error(double analytic, double numeric) {
  return std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), kErrorFloor});
}

Activation with_count(const ActivationSpec& spec, Index count) {
  return Activation::with(spec.name, {{spec.learnable->count_param, count}});
}

}  // namespace

TEST_CASE("every activation's backward matches central differences, element by element") {
  Rng rng(20240601, "activation gradients");
  constexpr Index kUnits = 5;
  constexpr Index kBatch = 60;
  std::size_t checked_specs = 0;
  for (const ActivationSpec& spec : activations()) {
    ++checked_specs;
    for (const Activation& activation : variants_of(spec)) {
      for (const Vector& learned : learned_settings(activation, kUnits, rng)) {
        CAPTURE(activation.describe());
        CAPTURE(learned.size());
        const Matrix z = sample_away_from_kinks(kUnits, kBatch, activation.kinks(), rng);
        const Matrix grad_a = normal_matrix(kUnits, kBatch, rng);
        const auto out = evaluate(activation, learned, z, grad_a);
        // Each output depends on its own input only, so one shifted forward pass per side gives
        // every element's central difference: grad_z(i) = grad_a(i) f'(z(i)), the chain rule per element.
        const Matrix plus = evaluate(activation, learned, (z.array() + kStep).matrix(), grad_a).a;
        const Matrix minus = evaluate(activation, learned, (z.array() - kStep).matrix(), grad_a).a;
        const Matrix numeric = grad_a.cwiseProduct((plus - minus) / (2 * kStep));
        double worst = 0;
        Index worst_i = 0;
        for (Index i = 0; i < z.size(); ++i) {
          const double error = relative_error(out.grad_z.data()[i], numeric.data()[i]);
          if (error > worst) std::tie(worst, worst_i) = std::tuple(error, i);
        }
        CAPTURE(z.data()[worst_i]);
        CAPTURE(out.grad_z.data()[worst_i]);
        CAPTURE(numeric.data()[worst_i]);
        CHECK(worst < kMaxRelError);
      }
    }
  }
  CHECK(checked_specs == activations().size());
}

TEST_CASE("learned-value gradients through ActivationLayer match finite differences, shared and per unit") {
  Rng rng(7, "learned gradients");
  constexpr Index kUnits = 4;
  constexpr Index kBatch = 25;
  int checked = 0;
  for (const ActivationSpec& spec : activations()) {
    if (!spec.learnable) continue;
    for (const Index count : {Index{1}, kUnits}) {
      CAPTURE(spec.name);
      CAPTURE(count);
      ++checked;
      const Activation activation = with_count(spec, count);
      ActivationLayer layer(activation, kUnits);
      REQUIRE(layer.learned().size() == count);
      for (Index u = 0; u < count; ++u) layer.learned()(u) += rng.uniform(-1.5, 1.5);
      Matrix z = sample_away_from_kinks(kUnits, kBatch, activation.kinks(), rng);
      const Matrix grad_a = normal_matrix(kUnits, kBatch, rng);
      Matrix out(kUnits, kBatch);
      Matrix grad_z(kUnits, kBatch);
      layer.forward(cview(z), view(out), Mode::kTrain);
      layer.backward(cview(z), cview(out), cview(grad_a), view(grad_z));
      const std::vector<ParamBlock> blocks = layer.parameters();
      REQUIRE(blocks.size() == 1);
      CHECK(blocks[0].name == spec.learnable->name);
      REQUIRE(blocks[0].grad.size() == count);
      const Vector analytic = blocks[0].grad;
      // loss = sum(grad_a .* (f(z) - out)): the constant offset (out, the unperturbed output)
      // changes no derivative but keeps the loss near 0, so that rounding the loss to double
      // costs the central difference nothing (a loss of ~30 would cost ~3e-10 of absolute error).
      Matrix scratch(kUnits, kBatch);
      const auto loss = [&] {
        layer.forward(cview(z), view(scratch), Mode::kTrain);
        return grad_a.cwiseProduct(scratch - out).sum();
      };
      const auto learned = test::check_gradient(loss, layer.learned().data(), count, analytic.data());
      CAPTURE(learned.analytic);
      CAPTURE(learned.numeric);
      CHECK(learned.max_error < kMaxRelError);
      const auto input = test::check_gradient(loss, z.data(), z.size(), grad_z.data());
      CHECK(input.max_error < kMaxRelError);
    }
  }
  CHECK(checked == 4);  // prelu and swish, each shared and per unit
}

TEST_CASE("input gradients through ActivationLayer match finite differences for every activation") {
  Rng rng(11, "layer input gradients");
  for (const ActivationSpec& spec : activations()) {
    CAPTURE(spec.name);
    const Activation activation = Activation::with_defaults(spec.name);
    ActivationLayer layer(activation, 3);
    Matrix z = sample_away_from_kinks(3, 8, activation.kinks(), rng);
    const Matrix grad_a = normal_matrix(3, 8, rng);
    Matrix out(3, 8);
    Matrix grad_z(3, 8);
    layer.forward(cview(z), view(out), Mode::kTrain);
    layer.backward(cview(z), cview(out), cview(grad_a), view(grad_z));
    Matrix scratch(3, 8);
    const auto loss = [&] {
      layer.forward(cview(z), view(scratch), Mode::kEval);
      return grad_a.cwiseProduct(scratch - out).sum();
    };
    CHECK(test::check_gradient(loss, z.data(), z.size(), grad_z.data()).max_error < kMaxRelError);
  }
}
