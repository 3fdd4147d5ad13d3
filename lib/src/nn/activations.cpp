// The activation table: every activation function, its derivative and its parameters, defined
// once, with PyTorch's definitions and defaults (including the derivative autograd takes at a
// kink). Each entry writes its maths beside the code.
//
// Forward and backward are Eigen array expressions over the whole batch so that they vectorise.
// Two consequences of Eigen 3.4 shape the code:
//  - select() and comparisons are evaluated one coefficient at a time: fine when both branches
//    are a few arithmetic operations (the compiler vectorises the loop), ruinous around exp or
//    log. So the transcendental part is computed first, vectorised, into the output (which never
//    aliases the inputs), and a cheap select() reads it back in a second pass.
//  - A subexpression used twice is evaluated twice. Where that costs more than another pass
//    over memory (measured), the same two-pass form avoids it.
// Every function stays finite and takes its correct limit at +-1e4 (tested), which is why some
// are written in a less obvious but stable form: exp() is only ever taken of an argument that
// cannot overflow, or where an overflow to inf gives the right answer (1 / (1 + inf) = 0).
#include "mlp/activation.hpp"

#include <unsupported/Eigen/SpecialFunctions>

namespace mlp {
namespace {

// sigmoid(y) = 1 / (1 + exp(-y)): for y << 0, exp(-y) overflows to inf (or to Eigen's largest
// finite result) and the quotient is 0 (or ~1e-39), never NaN. More accurate in float than
// Eigen's logistic(), whose rational approximation is off by ~1e-5 relative near y = -5.
template <class E>
auto sigmoid(const Eigen::ArrayBase<E>& y) {
  return (Scalar(1) + (-y).exp()).inverse();
}

// Calls body(w, first, count) over column blocks of the batch, w being the learned value: one
// Scalar for the whole batch when it is shared, else, column by column, the per-unit values as
// an array with one value per row. Eigen 3.4 evaluates replicate() and colwise() broadcasts one
// coefficient at a time, so the per-unit case loops over columns to keep the maths vectorised.
template <class Body>
void for_learned(const ActivationArgs& args, Index cols, Body&& body) {
  if (args.learned_size == 1) {
    body(args.learned[0], Index{0}, cols);
  } else {
    const auto w = args.learned_values().array();
    for (Index j = 0; j < cols; ++j) body(w, j, Index{1});
  }
}

// out(u) = sum over the batch of term(j)(u), term(j) being an expression of column j: summed
// column by column, contiguous and vectorised (Eigen 3.4's rowwise().sum() of a column-major
// expression is three times slower, and a product with a ones vector would allocate).
template <class Term>
void sum_over_batch(Index cols, VectorView out, Term&& term) {
  out.setZero();
  for (Index j = 0; j < cols; ++j) out.array() += term(j);
}

std::optional<double> no_flat_value(std::span<const double>) { return std::nullopt; }
std::optional<double> flat_at_zero(std::span<const double>) { return 0.0; }
// A function that is zero-slope (flat at 0) for x < 0 exactly when its parameter in slot 0 is 0.
std::optional<double> flat_at_zero_if_param_zero(std::span<const double> params) {
  return params[0] == 0 ? std::optional<double>(0.0) : std::nullopt;
}
std::optional<OutputBounds> unbounded(std::span<const double>) { return std::nullopt; }
template <int kLo, int kHi>
std::optional<OutputBounds> bounded(std::span<const double>) {
  return OutputBounds{kLo, kHi};
}
// Kinks that do not depend on the parameters (see ActivationSpec::kinks).
std::vector<double> no_kinks(std::span<const double>) { return {}; }
template <int... kAt>  // (int: clang 14, the fuzz preset's compiler, has no double template arguments)
std::vector<double> kinks_at(std::span<const double>) {
  return {static_cast<double>(kAt)...};
}

// SELU's constants, as torch.nn.SELU (Klambauer et al. 2017).
constexpr auto kSeluAlpha = static_cast<Scalar>(1.6732632423543772848170429916717);
constexpr auto kSeluScale = static_cast<Scalar>(1.0507009873554804934193349852946);
// GELU: 1 / sqrt(2), 1 / sqrt(2 pi), and the tanh form's sqrt(2 / pi) and cubic coefficient.
constexpr auto kSqrtHalf = static_cast<Scalar>(0.70710678118654752440);
constexpr auto kInvSqrt2Pi = static_cast<Scalar>(0.39894228040143267794);
constexpr auto kSqrt2OverPi = static_cast<Scalar>(0.79788456080286535588);
constexpr auto kGeluCubic = static_cast<Scalar>(0.044715);

const ActivationSpec kActivations[] = {
    {
        .name = "identity",
        .aliases = {"linear"},
        .formula = "x",
        .torch = "torch.nn.Identity",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z; },
        // d/dx x = 1
        .backward = [](const ActivationArgs&, ConstMatrixView, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = g; },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
        .passes_input_through = true,
    },
    {
        .name = "sigmoid",
        .aliases = {"logistic"},
        .formula = "1 / (1 + exp(-x))",
        .torch = "torch.nn.Sigmoid",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = sigmoid(z.array()); },
        // s'(x) = s(x) (1 - s(x)), from the output (as torch).
        .backward = [](const ActivationArgs&, ConstMatrixView, ConstMatrixView a, ConstMatrixView g,
                       MatrixView gz) { gz = g.array() * a.array() * (1 - a.array()); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = bounded<0, 1>,
        .kinks = no_kinks,
    },
    {
        .name = "tanh",
        .aliases = {},
        .formula = "(exp(x) - exp(-x)) / (exp(x) + exp(-x))",
        .torch = "torch.nn.Tanh",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array().tanh(); },
        // tanh'(x) = 1 - tanh(x)^2, from the output (as torch).
        .backward = [](const ActivationArgs&, ConstMatrixView, ConstMatrixView a, ConstMatrixView g,
                       MatrixView gz) { gz = g.array() * (1 - a.array().square()); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = bounded<-1, 1>,
        .kinks = no_kinks,
    },
    {
        .name = "relu",
        .aliases = {},
        .formula = "max(0, x)",
        .torch = "torch.nn.ReLU",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array().max(Scalar(0)); },
        // relu'(x) = 1 for x > 0, else 0 (torch's choice at x = 0).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = (z.array() > 0).select(g, Scalar(0)); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = flat_at_zero,
        .bounds = unbounded,
        .kinks = kinks_at<0>,
    },
    {
        .name = "leaky_relu",
        .aliases = {},
        .formula = "max(0, x) + negative_slope * min(0, x)",
        .torch = "torch.nn.LeakyReLU",
        .params = {{.name = "negative_slope",
                    .default_value = 0.01,
                    .range = Range::any(),
                    .description = "slope for x < 0"}},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs& args, ConstMatrixView z,
                      MatrixView a) { a = z.array().max(Scalar(0)) + args.param(0) * z.array().min(Scalar(0)); },
        // d/dx = 1 for x > 0, else negative_slope (torch's choice at x = 0).
        .backward = [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = (z.array() > 0).select(g, args.param(0) * g.array()); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = flat_at_zero_if_param_zero,
        .bounds = unbounded,
        .kinks = kinks_at<0>,
    },
    {
        .name = "prelu",
        .aliases = {},
        .formula = "max(0, x) + weight * min(0, x), weight learned",
        .torch = "torch.nn.PReLU",
        .params =
            {
                {.name = "num_parameters",
                 .kind = ParamKind::kInteger,
                 .default_value = 1,
                 .range = Range::at_least(1),
                 .description = "1 (one slope shared by the layer) or the layer's units (one slope per unit)"},
                {.name = "init",
                 .default_value = 0.25,
                 .range = Range::any(),
                 .description = "initial slope for x < 0"},
            },
        .learnable = LearnableSpec{.name = "weight", .init_param = "init", .count_param = "num_parameters"},
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              for_learned(args, z.cols(), [&](const auto& w, Index first, Index count) {
                const auto x = z.middleCols(first, count).array();
                a.middleCols(first, count).array() = x.max(Scalar(0)) + w * x.min(Scalar(0));
              });
            },
        // d/dx = 1 for x > 0, else weight (torch's choice at x = 0).
        .backward =
            [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, MatrixView gz) {
              for_learned(args, z.cols(), [&](const auto& w, Index first, Index count) {
                const auto gb = g.middleCols(first, count).array();
                gz.middleCols(first, count) = (z.middleCols(first, count).array() > 0).select(gb, w * gb);
              });
            },
        // d/dweight = min(0, x), summed over the batch per unit.
        .param_grad =
            [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, VectorView grad_learned) {
              sum_over_batch(z.cols(), grad_learned,
                             [&](Index j) { return g.col(j).array() * z.col(j).array().min(Scalar(0)); });
            },
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = kinks_at<0>,
    },
    {
        .name = "elu",
        .aliases = {},
        .formula = "x if x > 0 else alpha * (exp(x) - 1)",
        .torch = "torch.nn.ELU",
        .params = {{.name = "alpha",
                    .default_value = 1.0,
                    .range = Range::at_least(0),
                    .description = "the function tends to -alpha as x -> -inf"}},
        .learnable = std::nullopt,
        // max(x, 0) + alpha * (exp(min(x, 0)) - 1): one vectorised form for both sides, and exp
        // never sees a positive argument. exp - 1 as torch (Eigen's expm1 is four times slower).
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              a = z.array().max(Scalar(0)) + args.param(0) * (z.array().min(Scalar(0)).exp() - 1);
            },
        // d/dx = 1 for x > 0, else alpha exp(x) = a + alpha, from the output (alpha at x = 0, as
        // torch). a > 0 exactly when x > 0, so z need not be read.
        .backward = [](const ActivationArgs& args, ConstMatrixView, ConstMatrixView a, ConstMatrixView g,
                       MatrixView gz) { gz = (a.array() > 0).select(g, g.array() * (a.array() + args.param(0))); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = flat_at_zero_if_param_zero,
        .bounds = unbounded,
        // f' jumps at 0 unless alpha = 1; f'' jumps there even then.
        .kinks = kinks_at<0>,
    },
    {
        .name = "selu",
        .aliases = {},
        .formula = "scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), alpha = 1.6733, scale = 1.0507",
        .torch = "torch.nn.SELU",
        .params = {},
        .learnable = std::nullopt,
        .forward =
            [](const ActivationArgs&, ConstMatrixView z, MatrixView a) {
              a = kSeluScale * (z.array().max(Scalar(0)) + kSeluAlpha * (z.array().min(Scalar(0)).exp() - 1));
            },
        // d/dx = scale for x > 0, else scale alpha exp(x) = a + scale alpha, from the output (scale
        // alpha at x = 0, as torch); a > 0 exactly when x > 0.
        .backward =
            [](const ActivationArgs&, ConstMatrixView, ConstMatrixView a, ConstMatrixView g, MatrixView gz) {
              const Scalar scale_alpha = kSeluScale * kSeluAlpha;
              gz = (a.array() > 0).select(kSeluScale * g.array(), g.array() * (a.array() + scale_alpha));
            },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kLecun,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = kinks_at<0>,
    },
    {
        .name = "celu",
        .aliases = {},
        .formula = "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
        .torch = "torch.nn.CELU",
        .params = {{.name = "alpha",
                    .default_value = 1.0,
                    .range = Range::greater_than(0),
                    .description = "the function tends to -alpha as x -> -inf"}},
        .learnable = std::nullopt,
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              const Scalar alpha = args.param(0);
              a = z.array().max(Scalar(0)) + alpha * ((z.array().min(Scalar(0)) / alpha).exp() - 1);
            },
        // d/dx = 1 for x > 0, else exp(x / alpha) = a / alpha + 1, from the output; continuous at 0,
        // and a > 0 exactly when x > 0. Divided, not multiplied by 1 / alpha, so that a = -alpha
        // gives exactly 0.
        .backward = [](const ActivationArgs& args, ConstMatrixView, ConstMatrixView a, ConstMatrixView g,
                       MatrixView gz) { gz = (a.array() > 0).select(g, g.array() * (a.array() / args.param(0) + 1)); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        // f' is continuous at 0, f'' jumps there (1 / alpha to 0).
        .kinks = kinks_at<0>,
    },
    {
        .name = "gelu",
        .aliases = {},
        .formula = "x * Phi(x) = x / 2 * (1 + erf(x / sqrt(2))); "
                   "tanh: x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))",
        .torch = "torch.nn.GELU",
        .params = {{.name = "approximate",
                    .kind = ParamKind::kChoice,
                    .default_value = 0,
                    .description = "\"none\": the exact erf form; \"tanh\": the tanh approximation",
                    .choices = {"none", "tanh"}}},
        .learnable = std::nullopt,
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              const auto x = z.array();
              if (args.params[0] == 0) {
                a = Scalar(0.5) * x * (1 + (kSqrtHalf * x).erf());
              } else {
                a = Scalar(0.5) * x * (1 + (kSqrt2OverPi * (x + kGeluCubic * x.cube())).tanh());
              }
            },
        // Exact: d/dx = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
        // Tanh form, with u = sqrt(2/pi) (x + k x^3), t = tanh(u):
        //   d/dx = (1 + t) / 2 + x / 2 (1 - t^2) sqrt(2/pi) (1 + 3 k x^2); t first, into gz.
        .backward =
            [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, MatrixView gz) {
              const auto x = z.array();
              if (args.params[0] == 0) {
                gz = g.array() *
                     (Scalar(0.5) * (1 + (kSqrtHalf * x).erf()) + kInvSqrt2Pi * x * (Scalar(-0.5) * x.square()).exp());
                return;
              }
              gz = (kSqrt2OverPi * (x + kGeluCubic * x.cube())).tanh();
              const auto t = gz.array();
              gz = g.array() * (Scalar(0.5) * (1 + t) +
                                Scalar(0.5) * x * (1 - t.square()) * kSqrt2OverPi * (1 + 3 * kGeluCubic * x.square()));
            },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
    },
    {
        .name = "silu",
        .aliases = {},
        .formula = "x * sigmoid(x)",
        .torch = "torch.nn.SiLU",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array() * sigmoid(z.array()); },
        // d/dx = s + x s (1 - s) = s + a (1 - s), s = sigmoid(x) (evaluated twice: cheaper than a
        // second pass).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView a, ConstMatrixView g,
                       MatrixView gz) { gz = g.array() * (sigmoid(z.array()) + a.array() * (1 - sigmoid(z.array()))); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
    },
    {
        .name = "swish",
        .aliases = {},
        .formula = "x * sigmoid(beta * x), beta learned",
        .torch = "torch.nn.SiLU at beta = 1 (a learned beta has no torch module)",
        .params =
            {
                {.name = "num_parameters",
                 .kind = ParamKind::kInteger,
                 .default_value = 1,
                 .range = Range::at_least(1),
                 .description = "1 (one beta shared by the layer) or the layer's units (one beta per unit)"},
                {.name = "beta", .default_value = 1.0, .range = Range::any(), .description = "initial beta"},
            },
        .learnable = LearnableSpec{.name = "beta", .init_param = "beta", .count_param = "num_parameters"},
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              for_learned(args, z.cols(), [&](const auto& w, Index first, Index count) {
                const auto x = z.middleCols(first, count).array();
                a.middleCols(first, count).array() = x * sigmoid(w * x);
              });
            },
        // d/dx = s + beta x s (1 - s) = s + beta a (1 - s), s = sigmoid(beta x) (evaluated twice).
        .backward =
            [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView a, ConstMatrixView g, MatrixView gz) {
              for_learned(args, z.cols(), [&](const auto& w, Index first, Index count) {
                const auto s = sigmoid(w * z.middleCols(first, count).array());
                gz.middleCols(first, count).array() =
                    g.middleCols(first, count).array() * (s + w * a.middleCols(first, count).array() * (1 - s));
              });
            },
        // d/dbeta = x^2 s (1 - s) = a (x - a), since a = x s: no exp needed, and 0 at both limits.
        .param_grad =
            [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView a, ConstMatrixView g,
               VectorView grad_learned) {
              sum_over_batch(z.cols(), grad_learned, [&](Index j) {
                return g.col(j).array() * a.col(j).array() * (z.col(j).array() - a.col(j).array());
              });
            },
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
    },
    {
        .name = "mish",
        .aliases = {},
        .formula = "x * tanh(softplus(x))",
        .torch = "torch.nn.Mish",
        .params = {},
        .learnable = std::nullopt,
        // With e = exp(x): tanh(log(1 + e)) = ((1 + e)^2 - 1) / ((1 + e)^2 + 1) = 1 / (1 + 2 / (e (e + 2))).
        // e = inf gives 1 and e = 0 gives 0, with no inf / inf on the way. (e is evaluated twice:
        // cheaper than a second pass.)
        .forward =
            [](const ActivationArgs&, ConstMatrixView z, MatrixView a) {
              const auto e = z.array().exp();
              a = z.array() / (1 + Scalar(2) / (e * (e + 2)));
            },
        // d/dx = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x)), sigmoid(x) = 1 / (1 + 1 / e).
        // e is used five times, so it goes first into gz.
        .backward =
            [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, MatrixView gz) {
              gz = z.array().exp();
              const auto e = gz.array();
              const auto t = (1 + Scalar(2) / (e * (e + 2))).inverse();
              gz = g.array() * (t + z.array() * (1 + e.inverse()).inverse() * (1 - t.square()));
            },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
    },
    {
        .name = "softplus",
        .aliases = {},
        .formula = "log(1 + exp(beta * x)) / beta, or x where beta * x > threshold",
        .torch = "torch.nn.Softplus",
        .params =
            {
                {.name = "beta", .default_value = 1.0, .range = Range::greater_than(0), .description = "sharpness"},
                {.name = "threshold",
                 .default_value = 20.0,
                 .range = Range::greater_than(0),
                 .description = "the function is x where beta * x > threshold"},
            },
        .learnable = std::nullopt,
        // With y = beta x: log(1 + exp(y)) = max(y, 0) + log1p(exp(-|y|)), which never overflows;
        // the log1p term first, into a.
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              const Scalar beta = args.param(0);
              const auto y = beta * z.array();
              a = (-y.abs()).exp().log1p();
              a = (y > args.param(1)).select(z, (y.max(Scalar(0)) + a.array()) / beta);
            },
        // d/dx = sigmoid(beta x), or 1 where beta x > threshold; the sigmoid first, into gz.
        .backward =
            [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, MatrixView gz) {
              const auto y = args.param(0) * z.array();
              gz = sigmoid(y);
              gz = (y > args.param(1)).select(g, g.array() * gz.array());
            },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        // Where beta x crosses threshold the function switches from the log form to x.
        .kinks = [](std::span<const double> params) { return std::vector<double>{params[1] / params[0]}; },
    },
    {
        .name = "relu6",
        .aliases = {},
        .formula = "min(max(0, x), 6)",
        .torch = "torch.nn.ReLU6",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z,
                      MatrixView a) { a = z.array().max(Scalar(0)).min(Scalar(6)); },
        // d/dx = 1 for 0 < x < 6, else 0 (0 at both kinks, as torch's hardtanh).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = (z.array() > 0 && z.array() < 6).select(g, Scalar(0)); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = flat_at_zero,
        .bounds = bounded<0, 6>,
        .kinks = kinks_at<0, 6>,
    },
    {
        .name = "hardtanh",
        .aliases = {},
        .formula = "min(max(x, min_val), max_val)",
        .torch = "torch.nn.Hardtanh",
        .params =
            {
                {.name = "min_val",
                 .default_value = -1.0,
                 .range = Range::any(),
                 .description = "lower bound of the output; must be < max_val (checked with the configuration)"},
                {.name = "max_val",
                 .default_value = 1.0,
                 .range = Range::any(),
                 .description = "upper bound of the output; must be > min_val (checked with the configuration)"},
            },
        // As torch.nn.Hardtanh asserts: an empty interval would clamp every input to max_val.
        .rules = {{.holds = [](std::span<const double> params) { return params[0] < params[1]; },
                   .param = "max_val",
                   .message = "must be > min_val ({min_val}), got {max_val}"}},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs& args, ConstMatrixView z,
                      MatrixView a) { a = z.array().max(args.param(0)).min(args.param(1)); },
        // d/dx = 1 for min_val < x < max_val, else 0 (0 at both kinks, as torch).
        .backward =
            [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, MatrixView gz) {
              gz = (z.array() > args.param(0) && z.array() < args.param(1)).select(g, Scalar(0));
            },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = [](std::span<const double> params) -> std::optional<double> { return params[0]; },
        .bounds = [](std::span<const double> params) -> std::optional<OutputBounds> {
          return OutputBounds{params[0], params[1]};
        },
        .kinks =
            [](std::span<const double> params) {
              return std::vector<double>{params[0], params[1]};
            },
    },
    {
        .name = "hardsigmoid",
        .aliases = {"hard_sigmoid"},
        .formula = "min(max(x + 3, 0), 6) / 6",
        .torch = "torch.nn.Hardsigmoid",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z,
                      MatrixView a) { a = (z.array() + 3).max(Scalar(0)).min(Scalar(6)) / 6; },
        // d/dx = 1/6 for -3 < x < 3, else 0 (0 at both kinks, as torch).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = (z.array() > -3 && z.array() < 3).select(g.array() / 6, Scalar(0)); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = flat_at_zero,
        .bounds = bounded<0, 1>,
        .kinks = kinks_at<-3, 3>,
    },
    {
        .name = "hardswish",
        .aliases = {"hard_swish"},
        .formula = "x * min(max(x + 3, 0), 6) / 6",
        .torch = "torch.nn.Hardswish",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z,
                      MatrixView a) { a = z.array() * (z.array() + 3).max(Scalar(0)).min(Scalar(6)) / 6; },
        // d/dx = 0 for x < -3, x / 3 + 1/2 for -3 <= x < 3, 1 for x >= 3: at the kinks, -1/2 at -3 and
        // 1 at 3, as torch's vectorised kernel (its scalar tail loop gives 3/2 at 3; nearly every
        // element of a real batch takes the vectorised path).
        .backward =
            [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g, MatrixView gz) {
              const auto x = z.array();
              gz = (x < -3).select(Scalar(0), (x < 3).select(g.array() * (x / 3 + Scalar(0.5)), g));
            },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = flat_at_zero,
        .bounds = unbounded,
        .kinks = kinks_at<-3, 3>,
    },
    {
        .name = "softsign",
        .aliases = {},
        .formula = "x / (1 + |x|)",
        .torch = "torch.nn.Softsign",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z,
                      MatrixView a) { a = z.array() / (1 + z.array().abs()); },
        // d/dx = 1 / (1 + |x|)^2 (from x: 1 - |a| would cancel for large |x|).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = g.array() / (1 + z.array().abs()).square(); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = bounded<-1, 1>,
        // |x|: f'' jumps at 0 (from 2 to -2).
        .kinks = kinks_at<0>,
    },
    {
        .name = "logsigmoid",
        .aliases = {"log_sigmoid"},
        .formula = "log(1 / (1 + exp(-x)))",
        .torch = "torch.nn.LogSigmoid",
        .params = {},
        .learnable = std::nullopt,
        // log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), which never overflows (torch's form).
        .forward = [](const ActivationArgs&, ConstMatrixView z,
                      MatrixView a) { a = z.array().min(Scalar(0)) - (-z.array().abs()).exp().log1p(); },
        // d/dx = 1 - sigmoid(x) = 1 / (1 + exp(x)): 0 when exp(x) overflows, 1 when it underflows.
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = g.array() / (1 + z.array().exp()); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
    },
    {
        .name = "tanhshrink",
        .aliases = {},
        .formula = "x - tanh(x)",
        .torch = "torch.nn.Tanhshrink",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array() - z.array().tanh(); },
        // d/dx = 1 - (1 - tanh(x)^2) = tanh(x)^2 (recomputed: x - a would cancel for large |x|).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView g,
                       MatrixView gz) { gz = g.array() * z.array().tanh().square(); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = unbounded,
        .kinks = no_kinks,
    },
};

}  // namespace

const Registry<ActivationSpec>& activations() {
  static const Registry<ActivationSpec> registry(kActivations);
  return registry;
}

}  // namespace mlp
