// Every activation declares its kinks (ActivationSpec::kinks): the points where f' jumps, which
// the gradient checks must keep their sample points away from. Found here from the function
// itself, in double precision, so that an entry that forgets one fails.
#include "mlp/activation.hpp"

#include "activation_test_util.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

using namespace mlp;
using mlp::test::evaluate;
using mlp::test::initial_learned;
using mlp::test::variants_of;

namespace {

constexpr double kRange = 25;     // scanned: [-25, 25]
constexpr double kGrid = 1e-3;    // f' sampled this far apart
constexpr double kJump = 1e-3;    // a change of f' between neighbours worth a closer look
constexpr double kNarrow = 1e-9;  // a jump is located to an interval this wide
constexpr double kSeen = 1e-9;    // a declared kink this close to the interval is the jump

// f'(x) at each x, with the learned values a layer starts with.
std::vector<double> derivative(const Activation& activation, const std::vector<double>& xs) {
  Matrix z(1, static_cast<Index>(xs.size()));
  for (Index j = 0; j < z.cols(); ++j) z(0, j) = xs[static_cast<std::size_t>(j)];
  const Matrix grad = evaluate(activation, initial_learned(activation, 1), z, Matrix::Ones(1, z.cols())).grad_z;
  return {grad.data(), grad.data() + grad.size()};
}

double derivative_at(const Activation& activation, double x) { return derivative(activation, {x})[0]; }

struct Interval {
  double lo;
  double hi;
};

// Halves [lo, hi] down to kNarrow, each time keeping the half where f' changes more. A jump of
// f' by J stays in the interval with a change of about J; a smooth f' changes by |f''| kNarrow,
// which is nothing. Returns the interval when the change is still more than kJump / 2.
std::optional<Interval> locate_jump(const Activation& activation, double lo, double hi) {
  double g_lo = derivative_at(activation, lo);
  double g_hi = derivative_at(activation, hi);
  while (hi - lo > kNarrow * std::max(1.0, std::abs(lo))) {
    const double mid = lo + (hi - lo) / 2;
    const double g_mid = derivative_at(activation, mid);
    if (std::abs(g_mid - g_lo) >= std::abs(g_hi - g_mid)) {
      std::tie(hi, g_hi) = std::tuple(mid, g_mid);
    } else {
      std::tie(lo, g_lo) = std::tuple(mid, g_mid);
    }
  }
  if (std::abs(g_hi - g_lo) <= kJump / 2) return std::nullopt;
  return Interval{lo, hi};
}

// Where f' jumps within [-kRange, kRange].
std::vector<Interval> jumps_of(const Activation& activation) {
  std::vector<double> xs;
  for (double x = -kRange; x <= kRange; x += kGrid) xs.push_back(x);
  const std::vector<double> g = derivative(activation, xs);
  std::vector<Interval> jumps;
  for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
    if (std::abs(g[i + 1] - g[i]) <= kJump) continue;
    if (const auto jump = locate_jump(activation, xs[i], xs[i + 1])) jumps.push_back(*jump);
  }
  return jumps;
}

// Every variant of every activation, and the parameters PyTorch's reference values were
// computed with (softplus(beta=2, threshold=5) is the one whose switch to x is a visible jump).
std::vector<Activation> configurations() {
  std::vector<Activation> out;
  for (const ActivationSpec& spec : activations()) std::ranges::copy(variants_of(spec), std::back_inserter(out));
  for (const auto& reference : test::kReferenceCases) out.push_back(test::activation_of(reference));
  return out;
}

}  // namespace

TEST_CASE("every jump of an activation's derivative is one of the kinks its table entry declares") {
  int jumps_found = 0;
  for (const Activation& activation : configurations()) {
    CAPTURE(activation.describe());
    const std::vector<double> kinks = activation.kinks();
    for (const Interval& jump : jumps_of(activation)) {
      CAPTURE(jump.lo);
      CAPTURE(jump.hi);
      ++jumps_found;
      CHECK(std::ranges::any_of(kinks, [&](double k) { return k >= jump.lo - kSeen && k <= jump.hi + kSeen; }));
    }
  }
  // relu's jump at 0 and hardtanh's two among them: the scan does find jumps.
  CHECK(jumps_found >= 3);
}

TEST_CASE("the kink scan finds a jump that is not declared (so the test above can fail)") {
  const Activation relu = Activation::with_defaults("relu");
  REQUIRE(jumps_of(relu).size() == 1);
  CHECK(jumps_of(relu)[0].lo <= 0);
  CHECK(jumps_of(relu)[0].hi >= 0);
  const auto hardtanh = jumps_of(Activation::with("hardtanh", {{"min_val", -2}, {"max_val", 0.5}}));
  REQUIRE(hardtanh.size() == 2);
  CHECK(std::abs(hardtanh[0].lo + 2) < 1e-6);
  CHECK(std::abs(hardtanh[1].lo - 0.5) < 1e-6);
  // A smooth function with a steep derivative has no jump.
  CHECK(jumps_of(Activation::with("softplus", {{"beta", 50}, {"threshold", 1000}})).empty());
}
