// The activation table in double precision against PyTorch's float64 values
// (tests/support/activation_reference.hpp): the float test can only see errors above float
// rounding; here a wrong constant or a formula that is merely close is caught. And the flat
// values and bounds the table declares against what the functions show, for every variant.
#include "mlp/activation.hpp"

#include "activation_reference.hpp"
#include "activation_test_util.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

using namespace mlp;

namespace {

// Torch and this code round differently (torch's sigmoid backward takes 1 - s from the output,
// for instance), so agreement is to ~1e-12 of the value's scale, far below float's 1e-7.
bool close(double value, double expected) { return std::abs(value - expected) <= 1e-12 + 1e-10 * std::abs(expected); }

}  // namespace

TEST_CASE("every activation matches PyTorch 1.13 in double precision") {
  for (const auto& reference : test::kReferenceCases) {
    const Activation activation = test::activation_of(reference);
    CAPTURE(activation.describe());
    for (std::size_t i = 0; i < test::kReferencePoints.size(); ++i) {
      Matrix z(1, 1);
      z(0, 0) = test::kReferencePoints[i];
      const auto out = test::evaluate(activation, test::initial_learned(activation, 1), z, Matrix::Ones(1, 1));
      CAPTURE(z(0, 0));
      CHECK_MESSAGE(close(out.a(0, 0), reference.value[i]), out.a(0, 0), " vs ", reference.value[i]);
      CHECK_MESSAGE(close(out.grad_z(0, 0), reference.grad[i]), out.grad_z(0, 0), " vs ", reference.grad[i]);
      if (activation.spec->learnable) {
        CHECK_MESSAGE(close(out.grad_learned(0), reference.learned_grad[i]), out.grad_learned(0), " vs ",
                      reference.learned_grad[i]);
      }
    }
  }
}

TEST_CASE("flat_value and bounds are declared exactly where the function shows them, for every variant") {
  // As the float test checks the table against PyTorch's values, here against this code's own
  // (in double, where tanh(-6) is not yet -1) for parameters PyTorch was not asked about.
  std::vector<Activation> configurations;
  for (const ActivationSpec& spec : activations()) {
    std::ranges::copy(test::variants_of(spec), std::back_inserter(configurations));
  }
  // Flat only with these parameters (no slope left of 0).
  configurations.push_back(Activation::with("leaky_relu", {{"negative_slope", 0}}));
  configurations.push_back(Activation::with("elu", {{"alpha", 0}}));
  Matrix z(1, static_cast<Index>(test::kReferencePoints.size()));
  for (Index j = 0; j < z.cols(); ++j) z(0, j) = test::kReferencePoints[static_cast<std::size_t>(j)];
  int flat = 0;
  int bounded = 0;
  for (const Activation& activation : configurations) {
    CAPTURE(activation.describe());
    const auto out = test::evaluate(activation, test::initial_learned(activation, 1), z, Matrix::Ones(1, z.cols()));
    const auto size = static_cast<std::size_t>(z.size());
    const auto shown = test::far_out({out.a.data(), size}, {out.grad_z.data(), size});
    CHECK(activation.flat_value() == shown.flat);
    CHECK(activation.bounds().has_value() == shown.bounded);
    flat += shown.flat.has_value();
    bounded += shown.bounded;
  }
  // Both kinds are there (relu is flat, sigmoid bounded), so the checks above can fail.
  CHECK(flat > 0);
  CHECK(bounded > 0);
}
