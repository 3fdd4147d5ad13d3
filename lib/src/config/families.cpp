// The parameterised families a config names (activations, losses, optimizers, schedules,
// initialisers), seen through their registries (registry.hpp).
#include "keys.hpp"

#include "mlp/init.hpp"
#include "mlp/loss.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/schedule.hpp"

namespace mlp {
namespace {

using nlohmann::json;

// A family's registry seen as schema members; the rules between parameters come with them, so
// the config checks hardtanh's min_val < max_val where the table declares it.
template <class Spec>
std::vector<schema::Member> members_of(const Registry<Spec>& registry) {
  std::vector<schema::Member> members;
  for (const Spec& spec : registry) {
    members.push_back({.name = spec.name,
                       .aliases = {spec.aliases.begin(), spec.aliases.size()},
                       .params = spec.param_specs(),
                       .rules = spec.param_rules(),
                       .formula = spec.formula,
                       .torch = spec.torch});
  }
  return members;
}

const schema::Family kActivationFamily = {
    .noun = ActivationSpec::kNoun,
    .title = "Activations",
    .members = [] { return members_of(activations()); },
    .resolve_other = resolve_formula_activation,
};
const schema::Family kLossFamily = {
    .noun = LossSpec::kNoun,
    .title = "Losses",
    .members = [] { return members_of(losses()); },
};
const schema::Family kOptimizerFamily = {
    .noun = OptimizerSpec::kNoun,
    .title = "Optimizers",
    .members = [] { return members_of(optimizers()); },
};
const schema::Family kScheduleFamily = {
    .noun = ScheduleSpec::kNoun,
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
    .noun = InitSpec::kNoun,
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
  if (resolved.contains("formula")) return formula_activation_from(resolved);
  const ActivationSpec& spec = activations().at(resolved["name"].get<std::string>());
  return Activation::of(spec, schema::param_values(spec.param_specs(), resolved));
}

}  // namespace mlp
