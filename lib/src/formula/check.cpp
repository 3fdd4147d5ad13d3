// The start-up check (formula.hpp): the symbolic derivatives are exact by construction, so what
// this catches is a formula that cannot be trained (a value or derivative that is not finite
// somewhere users' inputs go, log(x) at x <= 0) and any slip in the rules (derivative.cpp)
// or the evaluator: every derivative is compared with finite differences in double.
#include "mlp/formula.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace mlp::formula {
namespace {

using Matrix = Eigen::MatrixXd;

// 0, a fine grid over [-6, 6] (kinks at integers included: see agrees()), and far points on
// both sides up to 1e4, ascending, so that the first failure named is the leftmost.
std::vector<double> check_grid() {
  std::vector<double> xs;
  for (int i = -120; i <= 120; ++i) xs.push_back(i / 20.0);
  for (const double far : {8.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0, 300.0, 1e3, 3e3, 1e4}) {
    xs.push_back(far);
    xs.push_back(-far);
  }
  std::sort(xs.begin(), xs.end());
  return xs;
}

// f, f' and df/dp for each learned parameter over a row of inputs, as Kernel::values gives them.
template <class T>
struct Values {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> f, df_dx;
  std::vector<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>> df_dlearned;
};

template <class T>
Values<T> evaluate(const Kernel<T>& kernel, std::span<const typename Kernel<T>::Binding> params,
                   const std::vector<double>& xs) {
  using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  const auto n = static_cast<Eigen::Index>(xs.size());
  M z(1, n);
  for (Eigen::Index j = 0; j < n; ++j) z(0, j) = static_cast<T>(xs[static_cast<std::size_t>(j)]);
  Values<T> out{M(1, n), M(1, n), {}};
  out.df_dlearned.assign(static_cast<std::size_t>(kernel.learned_count()), M(1, n));
  std::vector<T*> learned;
  for (M& m : out.df_dlearned) learned.push_back(m.data());
  typename Kernel<T>::Scratch scratch = kernel.make_scratch();
  kernel.values(params, typename Kernel<T>::ConstView(z.data(), 1, n), typename Kernel<T>::View(out.f.data(), 1, n),
                typename Kernel<T>::View(out.df_dx.data(), 1, n), learned, scratch);
  return out;
}

template <class T>
std::vector<typename Kernel<T>::Binding> bindings(const Formula& formula) {
  std::vector<typename Kernel<T>::Binding> out;
  for (const Param& param : formula.params()) out.push_back({param.value, nullptr});
  return out;
}

[[noreturn]] void refuse(const std::string& param, const std::string& message) {
  throw FormulaError(0, param, message);
}

// Every value of f, f' and the df/dp finite at every x, in precision T.
template <class T>
void check_finite(const Formula& formula, const std::vector<int>& learned, const std::vector<double>& xs,
                  std::string_view precision) {
  const Kernel<T> kernel(formula, std::vector<bool>(formula.params().size(), false));
  const auto params = bindings<T>(formula);
  const auto values = evaluate(kernel, std::span(params), xs);
  for (std::size_t j = 0; j < xs.size(); ++j) {
    const auto fail = [&](const std::string& what, double value, const std::string& param) {
      refuse(param, what + " is not finite" + std::string(precision) + " at x = " + format_number(xs[j]) + " (" +
                        format_number(value) + ")");
    };
    const auto col = static_cast<Eigen::Index>(j);
    if (!std::isfinite(values.f(0, col))) fail("f(x)", values.f(0, col), "");
    if (!std::isfinite(values.df_dx(0, col))) fail("the derivative f'(x)", values.df_dx(0, col), "");
    for (std::size_t i = 0; i < learned.size(); ++i) {
      const std::string& name = formula.params()[static_cast<std::size_t>(learned[i])].name;
      const double value = values.df_dlearned[i](0, col);
      if (!std::isfinite(value)) fail("df/d" + name, value, name);
    }
  }
}

// Does the exact derivative match finite differences of f at (below, at, above) the point,
// `step` apart? Centred first; at a kink (or a jump) of f, where the centred difference measures
// neither side, the difference on either side.
bool agrees(double exact, double below, double at, double above, double step_below, double step_above) {
  const double rounding =
      4 * std::numeric_limits<double>::epsilon() * (std::abs(below) + std::abs(at) + std::abs(above));
  const auto close = [&](double numeric, double step, double relative) {
    return std::abs(exact - numeric) <=
           relative * std::max(std::abs(exact), std::abs(numeric)) + 1e-7 + rounding / step;
  };
  if (close((above - below) / (step_below + step_above), step_below + step_above, 1e-5)) return true;
  return close((at - below) / step_below, step_below, 1e-4) || close((above - at) / step_above, step_above, 1e-4);
}

void check_derivatives(const Formula& formula, const std::vector<int>& learned, const std::vector<double>& xs) {
  const Kernel<double> kernel(formula, std::vector<bool>(formula.params().size(), false));
  const auto params = bindings<double>(formula);
  const Values<double> at = evaluate(kernel, std::span(params), xs);
  std::vector<double> below(xs), above(xs);
  for (std::size_t j = 0; j < xs.size(); ++j) {
    const double h = 1e-6 * std::max(1.0, std::sqrt(std::abs(xs[j])));
    below[j] = xs[j] - h;
    above[j] = xs[j] + h;
  }
  const Values<double> f_below = evaluate(kernel, std::span(params), below);
  const Values<double> f_above = evaluate(kernel, std::span(params), above);
  for (std::size_t j = 0; j < xs.size(); ++j) {
    const auto c = static_cast<Eigen::Index>(j);
    const double exact = at.df_dx(0, c);
    if (!agrees(exact, f_below.f(0, c), at.f(0, c), f_above.f(0, c), xs[j] - below[j], above[j] - xs[j])) {
      refuse("", "the derivative f'(x) = " + format_number(exact) + " disagrees with finite differences (" +
                     format_number((f_above.f(0, c) - f_below.f(0, c)) / (above[j] - below[j])) +
                     ") at x = " + format_number(xs[j]));
    }
  }
  for (std::size_t i = 0; i < learned.size(); ++i) {
    const auto k = static_cast<std::size_t>(learned[i]);
    const double p = params[k].value;
    const double h = 1e-6 * std::max(1.0, std::abs(p));
    auto shifted = params;
    shifted[k].value = p - h;
    const Values<double> p_below = evaluate(kernel, std::span(shifted), xs);
    shifted[k].value = p + h;
    const Values<double> p_above = evaluate(kernel, std::span(shifted), xs);
    const double step_below = p - (p - h), step_above = (p + h) - p;
    const std::string& name = formula.params()[k].name;
    for (std::size_t j = 0; j < xs.size(); ++j) {
      const auto c = static_cast<Eigen::Index>(j);
      const double exact = at.df_dlearned[i](0, c);
      if (!agrees(exact, p_below.f(0, c), at.f(0, c), p_above.f(0, c), step_below, step_above)) {
        refuse(name, "df/d" + name + " = " + format_number(exact) + " disagrees with finite differences (" +
                         format_number((p_above.f(0, c) - p_below.f(0, c)) / (step_below + step_above)) +
                         ") at x = " + format_number(xs[j]));
      }
    }
  }
}

}  // namespace

void check(const Formula& formula) {
  const std::vector<double> xs = check_grid();
  std::vector<int> learned;
  for (std::size_t k = 0; k < formula.params().size(); ++k) {
    if (formula.params()[k].learned) learned.push_back(static_cast<int>(k));
  }
  check_finite<double>(formula, learned, xs, "");
  check_derivatives(formula, learned, xs);
  check_finite<float>(formula, learned, xs, " in float32");
}

}  // namespace mlp::formula
