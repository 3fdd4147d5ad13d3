// The parameterised families a config names (activations, losses, optimizers, schedules,
// initialisers), seen through their tables, with the checks that span several parameters.
#include "keys.hpp"

#include "mlp/init.hpp"
#include "mlp/loss.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/schedule.hpp"

namespace mlp {
namespace {

using nlohmann::json;
using schema::PathError;

template <class Spec>
std::vector<schema::Member> members_of(std::span<const Spec> table) {
  std::vector<schema::Member> members;
  for (const Spec& spec : table) {
    std::span<const std::string_view> aliases;
    if constexpr (requires { spec.aliases; }) aliases = {spec.aliases.begin(), spec.aliases.size()};
    members.push_back({spec.name, aliases, spec.param_specs(), spec.formula, spec.torch});
  }
  return members;
}

// An interval clamp (hardtanh) needs a non-empty interval.
void check_activation(const json& resolved, const std::string& path) {
  if (resolved.contains("min_val") && resolved.contains("max_val") &&
      !(resolved["min_val"].get<double>() < resolved["max_val"].get<double>())) {
    throw PathError(schema::join_path(path, "max_val"), "must be > min_val (" + schema::shown(resolved["min_val"]) +
                                                            "), got " + schema::shown(resolved["max_val"]));
  }
}

// torch.optim.SGD refuses Nesterov momentum without momentum or with dampening.
void check_optimizer(const json& resolved, const std::string& path) {
  if (!resolved.value("nesterov", false)) return;
  const double momentum = resolved.value("momentum", 0.0);
  const double dampening = resolved.value("dampening", 0.0);
  if (momentum <= 0 || dampening != 0) {
    throw PathError(schema::join_path(path, "nesterov"), "needs momentum > 0 and dampening = 0, got momentum " +
                                                             schema::shown(momentum) + ", dampening " +
                                                             schema::shown(dampening));
  }
}

const schema::Family kActivationFamily = {
    .noun = "activation",
    .title = "Activations",
    .members = [] { return members_of(activations()); },
    .common = {},
    .check = check_activation,
};
const schema::Family kLossFamily = {
    .noun = "loss",
    .title = "Losses",
    .members = [] { return members_of(losses()); },
};
const schema::Family kOptimizerFamily = {
    .noun = "optimizer",
    .title = "Optimizers",
    .members = [] { return members_of(optimizers()); },
    .common = {},
    .check = check_optimizer,
};
const schema::Family kScheduleFamily = {
    .noun = "schedule",
    .title = "Learning-rate schedules",
    .members = [] { return members_of(schedules()); },
    .common = {{.name = "warmup_epochs",
                .kind = ParamKind::kInteger,
                .default_value = 0,
                .range = Range::closed(0, 1e6),
                .description =
                    "epochs over which the rate first rises linearly to lr; the schedule starts after them"}},
};
const schema::Family kInitFamily = {
    .noun = "initializer",
    .title = "Initializers",
    .members = [] { return members_of(initializers()); },
};
const schema::Family* const kFamilies[] = {&kActivationFamily, &kLossFamily, &kOptimizerFamily, &kScheduleFamily,
                                           &kInitFamily};

}  // namespace

const schema::Family& activation_family() { return kActivationFamily; }
const schema::Family& loss_family() { return kLossFamily; }
const schema::Family& optimizer_family() { return kOptimizerFamily; }
const schema::Family& schedule_family() { return kScheduleFamily; }
const schema::Family& initializer_family() { return kInitFamily; }
std::span<const schema::Family* const> families() { return kFamilies; }

Activation activation_from(const json& resolved) {
  const ActivationSpec* spec = find_activation(resolved["name"].get<std::string>());
  return {spec, schema::param_values(spec->param_specs(), resolved)};
}

}  // namespace mlp
