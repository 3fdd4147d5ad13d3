// Learning-rate schedules, evaluated once per epoch like torch.optim.lr_scheduler (stepped
// after each epoch), with an optional linear warm-up in front of any of them.
#pragma once

#include "mlp/param.hpp"
#include "mlp/registry.hpp"

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
  static constexpr std::string_view kNoun = "schedule";  // in messages: unknown schedule "x"

  std::string_view name;
  std::initializer_list<std::string_view> aliases;  // none so far
  std::string_view formula;
  std::string_view torch;  // e.g. "torch.optim.lr_scheduler.StepLR"
  std::initializer_list<ParamSpec> params;
  std::initializer_list<ParamRule> rules = {};  // between parameters, see param.hpp
  ScheduleLr lr;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
  std::span<const ParamRule> param_rules() const { return {rules.begin(), rules.size()}; }
};

const Registry<ScheduleSpec>& schedules();

// A schedule with its parameters resolved (lookup, defaults from registry.hpp) and the warm-up
// that may precede it.
struct Schedule : Configured<Schedule, ScheduleSpec, schedules> {
  int warmup_epochs = 0;  // the rate rises linearly to base_lr over these epochs first

  // "cosine(T_max=0, eta_min=0, warmup_epochs=5)", "constant" without warm-up.
  std::string describe() const;
  // Learning rate in epoch `epoch` (0-based) of a run of `epochs` epochs.
  double lr_at(double base_lr, int epoch, int epochs) const;
};

}  // namespace mlp
