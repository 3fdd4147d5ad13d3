// The activation table in double precision against PyTorch's float64 values
// (tests/activation_reference.hpp): the float test can only see errors above float rounding;
// here a wrong constant or a formula that is merely close is caught.
#include "mlp/activation.hpp"

#include "activation_reference.hpp"
#include "activation_test_util.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlp;

namespace {

// Torch and this code round differently (torch's sigmoid backward takes 1 - s from the output,
// for instance), so agreement is to ~1e-12 of the value's scale, far below float's 1e-7.
bool close(double value, double expected) { return std::abs(value - expected) <= 1e-12 + 1e-10 * std::abs(expected); }

}  // namespace

TEST_CASE("every activation matches PyTorch 1.13 in double precision") {
  for (const auto& reference : test::kReferenceCases) {
    CAPTURE(reference.activation);
    const Activation activation = test::parse_activation_text(reference.activation);
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
