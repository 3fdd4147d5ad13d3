// Learning-rate schedules, evaluated once per epoch like torch.optim.lr_scheduler (stepped
// after each epoch), with an optional linear warm-up in front of any of them.
#pragma once

#include "mlp/param.hpp"

#include <span>
#include <string>
#include <string_view>

namespace mlp {

// The learning rate in epoch `epoch` (0-based) of the main schedule (after warm-up), given the
// schedule's parameters, the base rate and the number of epochs the main schedule spans. (It
// takes the base rate, not just returning a factor of it, because CosineAnnealingLR's eta_min
// is an absolute rate.)
using ScheduleLr = double (*)(std::span<const double> params, double base_lr, int epoch, int epochs);

struct ScheduleSpec {
  std::string_view name;
  std::string_view formula;
  std::string_view torch;  // e.g. "torch.optim.lr_scheduler.StepLR"
  std::initializer_list<ParamSpec> params;
  ScheduleLr lr;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
};

std::span<const ScheduleSpec> schedules();
const ScheduleSpec* find_schedule(std::string_view name);
std::string schedule_names();

struct Schedule {
  const ScheduleSpec* spec = nullptr;
  ParamValues params;
  int warmup_epochs = 0;  // the rate rises linearly to base_lr over these epochs first

  static Schedule with_defaults(std::string_view name);
  std::string describe() const;
  // Learning rate in epoch `epoch` (0-based) of a run of `epochs` epochs.
  double lr_at(double base_lr, int epoch, int epochs) const;
};

}  // namespace mlp
