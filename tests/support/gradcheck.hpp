// Finite-difference gradient checking, shared by the gradient tests (built in double precision).
#pragma once

#include "mlp/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace mlp::test {

struct GradCheckResult {
  double max_error = 0;  // max over elements of |analytic - numeric| / max(|analytic|, |numeric|, floor)
  Index worst = -1;      // element with that error
  double analytic = 0;
  double numeric = 0;
};

// Compares `analytic` (d loss / d x, one value per element of x) with central differences
// (loss(x + h e_i) - loss(x - h e_i)) / 2h, perturbing x[i] in place and restoring it. The error
// is relative, with `floor` as the smallest scale, so that near-zero gradients are compared
// absolutely instead of dividing by ~0.
inline GradCheckResult check_gradient(const std::function<double()>& loss, Scalar* x, Index n, const Scalar* analytic,
                                      double h = 1e-5, double floor = 1e-4) {
  GradCheckResult result;
  for (Index i = 0; i < n; ++i) {
    const Scalar saved = x[i];
    x[i] = saved + static_cast<Scalar>(h);
    const double plus = loss();
    x[i] = saved - static_cast<Scalar>(h);
    const double minus = loss();
    x[i] = saved;
    const double numeric = (plus - minus) / (2 * h);
    const double a = static_cast<double>(analytic[i]);
    const double error = std::abs(a - numeric) / std::max({std::abs(a), std::abs(numeric), floor});
    if (error > result.max_error || result.worst < 0) result = {error, i, a, numeric};
  }
  return result;
}

}  // namespace mlp::test
