// The learning-rate schedule table, each entry the closed form of a torch.optim.lr_scheduler
// stepped once per epoch (epoch e of the main schedule is torch's last_epoch = e), and the
// linear warm-up that can precede any of them.
#include "mlp/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mlp {
namespace {

const ScheduleSpec kSchedules[] = {
    {
        .name = "constant",
        .aliases = {},
        .formula = "lr = base_lr",
        .torch = "none (no scheduler)",
        .params = {},
        .lr = [](std::span<const double>, double base_lr, int, int) { return base_lr; },
    },
    {
        .name = "step",
        .aliases = {},
        .formula = "lr = base_lr * gamma^floor(epoch / step_size)",
        .torch = "torch.optim.lr_scheduler.StepLR",
        .params = {{.name = "step_size",
                    .kind = ParamKind::kInteger,
                    .default_value = 10,
                    .range = Range::at_least(1),
                    .description = "epochs between two decays"},
                   {.name = "gamma",
                    .kind = ParamKind::kNumber,
                    .default_value = 0.1,
                    .range = Range::greater_than(0),
                    .description = "factor applied to the rate every step_size epochs"}},
        .lr =
            [](std::span<const double> params, double base_lr, int epoch, int) {
              const int step_size = static_cast<int>(params[0]);
              return base_lr * std::pow(params[1], epoch / step_size);
            },
    },
    {
        .name = "exponential",
        .aliases = {},
        .formula = "lr = base_lr * gamma^epoch",
        .torch = "torch.optim.lr_scheduler.ExponentialLR",
        .params = {{.name = "gamma",
                    .kind = ParamKind::kNumber,
                    .default_value = 0.95,
                    .range = Range::greater_than(0),
                    .description = "factor applied to the rate every epoch"}},
        .lr = [](std::span<const double> params, double base_lr, int epoch,
                 int) { return base_lr * std::pow(params[0], epoch); },
    },
    {
        .name = "cosine",
        .aliases = {},
        .formula = "lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2, T_max = 0 meaning the "
                   "run's epochs after warm-up (torch's closed form, so periodic past T_max)",
        .torch = "torch.optim.lr_scheduler.CosineAnnealingLR",
        .params = {{.name = "T_max",
                    .kind = ParamKind::kInteger,
                    .default_value = 0,
                    .range = Range::at_least(0),
                    .description = "epochs of the half cosine period; 0: the run's epochs minus warm-up"},
                   {.name = "eta_min",
                    .kind = ParamKind::kNumber,
                    .default_value = 0,
                    .range = Range::at_least(0),
                    .description = "the rate at the end of the half period"}},
        .lr =
            [](std::span<const double> params, double base_lr, int epoch, int epochs) {
              // A run too short for any epoch after warm-up still gets a finite rate.
              const int t_max = std::max(params[0] > 0 ? static_cast<int>(params[0]) : epochs, 1);
              const double eta_min = params[1];
              const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(t_max);
              return eta_min + (base_lr - eta_min) * (1 + std::cos(phase)) / 2;
            },
    },
};

}  // namespace

const Registry<ScheduleSpec>& schedules() {
  static const Registry<ScheduleSpec> registry(kSchedules);
  return registry;
}

std::string Schedule::describe() const {
  return describe_with(warmup_epochs > 0 ? "warmup_epochs=" + std::to_string(warmup_epochs) : "");
}

double Schedule::lr_at(double base_lr, int epoch, int epochs) const {
  // Linear warm-up: base_lr * (epoch + 1) / (warmup_epochs + 1), rising towards (never reaching)
  // base_lr, which the main schedule then starts from at its own epoch 0.
  if (epoch < warmup_epochs) {
    return base_lr * static_cast<double>(epoch + 1) / static_cast<double>(warmup_epochs + 1);
  }
  const int warmup = std::max(warmup_epochs, 0);
  return spec->lr(params, base_lr, epoch - warmup, epochs - warmup);
}

}  // namespace mlp
