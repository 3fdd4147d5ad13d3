// Finite-difference checks of every loss's gradient, iterating the loss table (built in double),
// at the defaults and at a non-default value of each parameter, on ordinary and large outputs.
#include "gradcheck.hpp"
#include "mlp/loss.hpp"
#include "mlp/rng.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace mlp;

namespace {

struct Batch {
  Matrix output;
  Matrix target;
};

// Outputs around `scale` and targets of the kind the loss expects. Regression targets are kept
// at least 0.05 away from the outputs' kinks (l1 at 0, huber at +-delta for the deltas used
// here), where a central difference would straddle the kink.
Batch batch_for(const LossSpec& spec, double scale, Rng& rng) {
  const Index n = 5;
  const Index outputs = spec.transform == OutputTransform::kSigmoid   ? 1
                        : spec.transform == OutputTransform::kSoftmax ? 4
                                                                      : 3;
  Batch batch{Matrix(outputs, n), Matrix(spec.target == TargetKind::kClassIndex ? 1 : outputs, n)};
  for (Index i = 0; i < batch.output.size(); ++i) batch.output.data()[i] = scale * rng.uniform(-1, 1);
  for (Index j = 0; j < n; ++j) {
    if (spec.target == TargetKind::kClassIndex) {
      batch.target(0, j) = static_cast<Scalar>(rng.below(static_cast<std::uint64_t>(std::max<Index>(outputs, 2))));
      continue;
    }
    for (Index k = 0; k < outputs; ++k) {
      double d = 0;
      while (std::abs(d) < 0.05 || std::abs(std::abs(d) - 0.5) < 0.05 || std::abs(std::abs(d) - 1) < 0.05) {
        d = rng.uniform(-2, 2);
      }
      batch.target(k, j) = batch.output(k, j) - d;
    }
  }
  return batch;
}

// The defaults, then each number parameter moved off its default (halved, or 0.3 from 0).
std::vector<ParamValues> variants(const LossSpec& spec) {
  std::vector<ParamValues> result{default_values(spec.param_specs())};
  int slot = 0;
  for (const ParamSpec& param : spec.params) {
    if (param.kind == ParamKind::kNumber) {
      ParamValues values = result.front();
      const double moved = param.default_value != 0 ? param.default_value / 2 : 0.3;
      REQUIRE(param.range.contains(moved));
      values[static_cast<std::size_t>(slot)] = moved;
      result.push_back(values);
    }
    slot += param.slots();
  }
  return result;
}

}  // namespace

TEST_CASE("every loss's gradient matches finite differences") {
  Rng rng(2024, "loss gradients");
  int checked = 0;
  for (const LossSpec& spec : losses()) {
    for (const ParamValues& params : variants(spec)) {
      // scale 3: ordinary outputs; 30: logits where softmax and sigmoid are nearly saturated.
      for (const double scale : {3.0, 30.0}) {
        const Loss loss = Loss::of(spec, params);
        CAPTURE(loss.describe());
        CAPTURE(scale);
        Batch batch = batch_for(spec, scale, rng);
        Matrix grad(batch.output.rows(), batch.output.cols());
        loss.value_and_grad(cview(batch.output), cview(batch.target), view(grad));
        const auto result = test::check_gradient([&] { return loss.value(cview(batch.output), cview(batch.target)); },
                                                 batch.output.data(), batch.output.size(), grad.data());
        CAPTURE(result.worst);
        CAPTURE(result.analytic);
        CAPTURE(result.numeric);
        // Rounding in the central difference is ~1e-16 * loss / h: up to ~1e-10 for losses ~20
        // (saturated logits), i.e. ~1e-6 against the 1e-4 floor. A wrong gradient is off by far more.
        CHECK(result.max_error < 1e-5);
        ++checked;
      }
    }
  }
  CHECK(checked >= 2 * static_cast<int>(losses().size()));
}

TEST_CASE("the gradient check notices a wrong gradient (so the test above can fail)") {
  const Loss loss = Loss::with_defaults("cross_entropy");
  Matrix output(3, 2);
  output << 0.1, -0.4, 0.7, 0.2, -0.3, 0.9;
  Matrix target(1, 2);
  target << 2, 0;
  Matrix grad(3, 2);
  loss.value_and_grad(cview(output), cview(target), view(grad));
  grad(1, 1) *= 1.01;
  const auto result = test::check_gradient([&] { return loss.value(cview(output), cview(target)); }, output.data(),
                                           output.size(), grad.data());
  CHECK(result.max_error > 1e-3);
  CHECK(result.worst == 4);
}
