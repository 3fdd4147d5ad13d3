// The activation table: every activation function, its derivative and its parameters, defined
// once. Each entry writes its maths beside the code. Forward and backward are Eigen array
// expressions over the whole batch, so they vectorise; every function stays finite and takes
// its correct limit at +-1e4 (tested), which is why some are written in a less obvious but
// stable form.
#include "mlp/activation.hpp"

#include <cmath>

namespace mlp {
namespace {

std::optional<double> no_flat_value(std::span<const double>) { return std::nullopt; }
std::optional<double> flat_at_zero(std::span<const double>) { return 0.0; }
std::optional<OutputBounds> unbounded(std::span<const double>) { return std::nullopt; }

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
        .backward = [](const ActivationArgs&, ConstMatrixView, ConstMatrixView, ConstMatrixView grad_a,
                       MatrixView grad_z) { grad_z = grad_a; },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = unbounded,
    },
    {
        .name = "sigmoid",
        .aliases = {"logistic"},
        .formula = "1 / (1 + exp(-x))",
        .torch = "torch.nn.Sigmoid",
        .params = {},
        .learnable = std::nullopt,
        // Eigen's logistic() is stable for any x: it never evaluates exp of a large positive number.
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array().logistic(); },
        // s'(x) = s(x) (1 - s(x)), from the output.
        .backward = [](const ActivationArgs&, ConstMatrixView, ConstMatrixView a, ConstMatrixView grad_a,
                       MatrixView grad_z) { grad_z = grad_a.array() * a.array() * (1 - a.array()); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = [](std::span<const double>) -> std::optional<OutputBounds> {
          return OutputBounds{0, 1};
        },
    },
    {
        .name = "tanh",
        .aliases = {},
        .formula = "(exp(x) - exp(-x)) / (exp(x) + exp(-x))",
        .torch = "torch.nn.Tanh",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array().tanh(); },
        // tanh'(x) = 1 - tanh(x)^2, from the output.
        .backward = [](const ActivationArgs&, ConstMatrixView, ConstMatrixView a, ConstMatrixView grad_a,
                       MatrixView grad_z) { grad_z = grad_a.array() * (1 - a.array().square()); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kXavier,
        .flat_value = no_flat_value,
        .bounds = [](std::span<const double>) -> std::optional<OutputBounds> {
          return OutputBounds{-1, 1};
        },
    },
    {
        .name = "relu",
        .aliases = {},
        .formula = "max(0, x)",
        .torch = "torch.nn.ReLU",
        .params = {},
        .learnable = std::nullopt,
        .forward = [](const ActivationArgs&, ConstMatrixView z, MatrixView a) { a = z.array().max(Scalar(0)); },
        // relu'(x) = 1 for x > 0, else 0 (PyTorch's choice at x = 0).
        .backward = [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView grad_a,
                       MatrixView grad_z) { grad_z = (z.array() > 0).select(grad_a, Scalar(0)); },
        .param_grad = nullptr,
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = flat_at_zero,
        .bounds = unbounded,
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
                 .kind = ParamKind::kNumber,
                 .default_value = 0.25,
                 .range = Range::any(),
                 .description = "initial slope for x < 0"},
            },
        .learnable = LearnableSpec{.name = "weight", .init_param = "init", .count_param = "num_parameters"},
        .forward =
            [](const ActivationArgs& args, ConstMatrixView z, MatrixView a) {
              if (args.learned_size == 1) {
                const Scalar w = args.learned[0];
                a = (z.array() > 0).select(z, w * z.array());
              } else {
                a = (z.array() > 0).select(z, z.array().colwise() * args.learned_values().array());
              }
            },
        // d/dx = 1 for x > 0, else weight.
        .backward =
            [](const ActivationArgs& args, ConstMatrixView z, ConstMatrixView, ConstMatrixView grad_a,
               MatrixView grad_z) {
              if (args.learned_size == 1) {
                const Scalar w = args.learned[0];
                grad_z = (z.array() > 0).select(grad_a, w * grad_a.array());
              } else {
                grad_z = (z.array() > 0).select(grad_a, grad_a.array().colwise() * args.learned_values().array());
              }
            },
        // d/dweight = min(0, x), summed over the batch per unit.
        .param_grad =
            [](const ActivationArgs&, ConstMatrixView z, ConstMatrixView, ConstMatrixView grad_a,
               VectorView grad_learned) { grad_learned = (grad_a.array() * z.array().min(Scalar(0))).rowwise().sum(); },
        .recommended_init = RecommendedInit::kKaiming,
        .flat_value = no_flat_value,
        .bounds = unbounded,
    },
};

}  // namespace

std::span<const ActivationSpec> activations() { return kActivations; }

}  // namespace mlp
