// The optimizer table, with each entry's hyper-parameters as torch.optim declares them (the
// update rules are in updates.cpp), and gradient clipping by global norm.
#include "mlp/optimizer.hpp"

#include "core/parallel_parts.hpp"
#include "mlp/error.hpp"
#include "updates.hpp"

#include <atomic>
#include <cmath>

namespace mlp {
namespace {

using Span = std::span<const ParamBlock>;

// Declarations shared by several entries.
constexpr ParamSpec weight_decay_param(double default_value) {
  return {.name = "weight_decay",
          .kind = ParamKind::kNumber,
          .default_value = default_value,
          .range = Range::at_least(0),
          .description = "L2 penalty factor"};
}
constexpr ParamSpec lr_param(double default_value,
                             std::string_view description = "learning rate (the base rate when a schedule is used)") {
  return {.name = "lr",
          .kind = ParamKind::kNumber,
          .default_value = default_value,
          .range = Range::greater_than(0),
          .description = description};
}
constexpr ParamSpec kEps8 = {.name = "eps",
                             .kind = ParamKind::kNumber,
                             .default_value = 1e-8,
                             .range = Range::at_least(0),
                             .description = "added to the denominator for numerical stability"};
constexpr ParamSpec kBetas = {.name = "betas",
                              .kind = ParamKind::kNumberPair,
                              .default_value = 0.9,
                              .default_second = 0.999,
                              .range = Range::closed_open(0, 1),
                              .description = "decay rates of the first and second moment averages"};
constexpr ParamSpec kAmsgrad = {.name = "amsgrad",
                                .kind = ParamKind::kBoolean,
                                .default_value = 0,
                                .description = "divide by the running maximum of the second moment (AMSGrad)"};

const OptimizerSpec kOptimizers[] = {
    {
        .name = "sgd",
        .aliases = {},
        .formula = "buf = momentum * buf + (1 - dampening) * g (buf = g at step 1); p -= lr * (nesterov ? g + "
                   "momentum * buf : buf), g including weight_decay * p",
        .torch = "torch.optim.SGD",
        .params = {lr_param(0.01,
                            "learning rate (the base rate when a schedule is used); torch.optim.SGD has no default, "
                            "0.01 is this program's"),
                   {.name = "momentum",
                    .kind = ParamKind::kNumber,
                    .default_value = 0,
                    .range = Range::at_least(0),
                    .description = "momentum factor (0: plain SGD)"},
                   {.name = "dampening",
                    .kind = ParamKind::kNumber,
                    .default_value = 0,
                    .range = Range::any(),
                    .description = "dampening of the gradient's share in the momentum buffer (needs momentum > 0)"},
                   weight_decay_param(0),
                   {.name = "nesterov",
                    .kind = ParamKind::kBoolean,
                    .default_value = 0,
                    .description = "Nesterov momentum (needs momentum > 0 and dampening = 0)"}},
        // torch.optim.SGD refuses Nesterov momentum without momentum or with dampening.
        // (Slots: lr, momentum, dampening, weight_decay, nesterov.)
        .rules = {{.holds =
                       [](std::span<const double> params) {
                         return params[4] == 0 || (params[1] > 0 && params[2] == 0);
                       },
                   .param = "nesterov",
                   .message = "needs momentum > 0 and dampening = 0, got momentum {momentum}, dampening {dampening}"},
                  // Dampening scales the gradient's share in the momentum buffer: without one, it
                  // would be accepted and change nothing (torch accepts it silently).
                  {.holds = [](std::span<const double> params) { return params[2] == 0 || params[1] > 0; },
                   .param = "dampening",
                   .message = "has no effect without momentum; set momentum > 0 (got momentum {momentum})"}},
        .create = make_sgd,
    },
    {
        .name = "adam",
        .aliases = {},
        .formula = "m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - "
                   "b2^t) + eps), g including weight_decay * p",
        .torch = "torch.optim.Adam",
        .params = {lr_param(1e-3), kBetas, kEps8, weight_decay_param(0), kAmsgrad},
        .create = [](std::span<const double> params, Span blocks) -> std::unique_ptr<Optimizer> {
          return make_adam(params, blocks, false);
        },
    },
    {
        .name = "adamw",
        .aliases = {},
        .formula = "p *= 1 - lr * weight_decay, then Adam's update without weight decay in g",
        .torch = "torch.optim.AdamW",
        .params = {lr_param(1e-3), kBetas, kEps8, weight_decay_param(1e-2), kAmsgrad},
        .create = [](std::span<const double> params, Span blocks) -> std::unique_ptr<Optimizer> {
          return make_adam(params, blocks, true);
        },
    },
    {
        .name = "rmsprop",
        .aliases = {},
        .formula = "s = alpha s + (1 - alpha) g^2; p -= lr * g / (sqrt(s - a^2 if centered) + eps), through a momentum "
                   "buffer if momentum > 0",
        .torch = "torch.optim.RMSprop",
        .params = {lr_param(1e-2),
                   {.name = "alpha",
                    .kind = ParamKind::kNumber,
                    .default_value = 0.99,
                    .range = Range::at_least(0),
                    .description = "smoothing constant of the squared-gradient average"},
                   kEps8,
                   weight_decay_param(0),
                   {.name = "momentum",
                    .kind = ParamKind::kNumber,
                    .default_value = 0,
                    .range = Range::at_least(0),
                    .description = "momentum factor"},
                   {.name = "centered",
                    .kind = ParamKind::kBoolean,
                    .default_value = 0,
                    .description = "normalise by the estimated variance instead of the second moment"}},
        .create = make_rmsprop,
    },
    {
        .name = "adagrad",
        .aliases = {},
        .formula = "sum += g^2; p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(sum) + eps), g including weight_decay * p",
        .torch = "torch.optim.Adagrad",
        .params = {lr_param(1e-2),
                   {.name = "lr_decay",
                    .kind = ParamKind::kNumber,
                    .default_value = 0,
                    .range = Range::at_least(0),
                    .description = "learning rate decay per step"},
                   weight_decay_param(0),
                   {.name = "initial_accumulator_value",
                    .kind = ParamKind::kNumber,
                    .default_value = 0,
                    .range = Range::at_least(0),
                    .description = "starting value of the sum of squared gradients"},
                   {.name = "eps",
                    .kind = ParamKind::kNumber,
                    .default_value = 1e-10,
                    .range = Range::at_least(0),
                    .description = "added to the denominator for numerical stability"}},
        .create = make_adagrad,
    },
};

}  // namespace

const Registry<OptimizerSpec>& optimizers() {
  static const Registry<OptimizerSpec> registry(kOptimizers);
  return registry;
}

namespace {

// Eigen 3.4's allFinite() is evaluated one coefficient at a time, which cost as much as Adam's
// update itself on small nets. x - x is 0 for a finite x and NaN for an infinite or NaN one, so
// the (vectorised) sum of those is NaN exactly when some value is not finite.
template <class Values>
bool all_finite(const Eigen::DenseBase<Values>& values) {
  return !std::isnan((values.derived().array() - values.derived().array()).sum());
}

}  // namespace

bool Optimizer::step(std::span<const ParamBlock> params, double lr, ThreadPool* pool) {
  ++steps_;
  begin_step(lr);
  // Written only when a part finds a value that is not finite.
  std::atomic<bool> finite{true};
  for (std::size_t b = 0; b < params.size(); ++b) {
    const Index size = params[b].value.size();
    detail::for_elementwise_parts(pool, size, static_cast<double>(size), [&](Index first, Index count) {
      update_segment(params, b, first, count);
      if (!all_finite(params[b].value.segment(first, count))) finite.store(false, std::memory_order_relaxed);
    });
  }
  return finite.load(std::memory_order_relaxed);
}

double grad_norm(std::span<const ParamBlock> params) {
  // Each block's squared norm in float, vectorised, as torch takes each parameter's norm in its
  // own dtype; the sum over blocks in double.
  double sum = 0;
  for (const ParamBlock& block : params) sum += static_cast<double>(block.grad.squaredNorm());
  return std::sqrt(sum);
}

double clip_grad_norm(std::span<const ParamBlock> params, double max_norm) {
  // torch: coef = max_norm / (total + 1e-6), applied when below 1. A NaN or infinite norm is
  // returned with the gradients left as they are, for the caller to report as divergence.
  const double total = grad_norm(params);
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1) {
    const auto scale = static_cast<Scalar>(coef);
    for (const ParamBlock& block : params) block.grad *= scale;
  }
  return total;
}

}  // namespace mlp
