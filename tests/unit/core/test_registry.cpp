// The registry shared by the five families (registry.hpp): lookup, messages, defaults,
// parameters set by name, descriptions and rules between parameters, checked on every family.
#include "mlp/activation.hpp"
#include "mlp/error.hpp"
#include "mlp/init.hpp"
#include "mlp/loss.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/registry.hpp"
#include "mlp/schedule.hpp"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>

using namespace mlp;

namespace {

bool snake_case(std::string_view name) {
  return !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
}

// What holds for every family: unique lower snake case names and aliases that are found, the
// "valid: ..." list, the unknown-name message, and rules that name parameters of their entry
// and hold for its defaults.
template <class Value, class Spec>
void check_family(const Registry<Spec>& registry) {
  CAPTURE(Spec::kNoun);
  REQUIRE(registry.size() > 0);
  std::set<std::string_view> seen;
  std::string names;
  for (const Spec& spec : registry) {
    CAPTURE(spec.name);
    names += (names.empty() ? "" : ", ") + std::string(spec.name);
    CHECK(snake_case(spec.name));
    CHECK(seen.insert(spec.name).second);
    CHECK(registry.find(spec.name) == &spec);
    CHECK(&registry.at(spec.name) == &spec);
    for (const std::string_view alias : spec.aliases) {
      CAPTURE(alias);
      CHECK(snake_case(alias));
      CHECK(seen.insert(alias).second);
      CHECK(registry.find(alias) == &spec);
      CHECK(Value::with_defaults(alias).spec == &spec);
    }
    const Value defaults = Value::with_defaults(spec.name);
    CHECK(defaults.params == default_values(spec.param_specs()));
    CHECK(Value::with(spec.name, {}).params == defaults.params);
    for (const ParamRule& rule : spec.param_rules()) {
      CAPTURE(rule.message);
      CHECK(slot_of(spec.param_specs(), rule.param) >= 0);
      // Every {placeholder} names a parameter (explain() asks for nothing else).
      explain(rule, [&](std::string_view name) {
        CHECK(slot_of(spec.param_specs(), name) >= 0);
        return std::string();
      });
      CHECK(rule.holds(defaults.params));
    }
  }
  CHECK(registry.names() == names);
  CHECK(registry.find("no_such_name") == nullptr);
  CHECK(registry.find(std::string(registry.begin()->name) + "x") == nullptr);
  const std::string unknown = "unknown " + std::string(Spec::kNoun) + " \"zzz\"; valid: " + names;
  CHECK_THROWS_WITH_AS(registry.at("zzz"), unknown.c_str(), InputError);
  CHECK_THROWS_WITH_AS(Value::with_defaults("zzz"), unknown.c_str(), InputError);
  CHECK_THROWS_AS(Value::with("zzz", {}), std::invalid_argument);
}

}  // namespace

TEST_CASE("every family's registry: names, aliases, messages, defaults and rules") {
  check_family<Activation>(activations());
  check_family<Loss>(losses());
  check_family<OptimizerConfig>(optimizers());
  check_family<Schedule>(schedules());
  check_family<Initializer>(initializers());
}

TEST_CASE("describe(): the name alone without parameters, and what Schedule and Initializer add") {
  CHECK(Activation::with_defaults("relu").describe() == "relu");
  CHECK(Activation::with_defaults("logistic").describe() == "sigmoid");
  CHECK(Activation::with("leaky_relu", {{"negative_slope", 0.1}}).describe() == "leaky_relu(negative_slope=0.1)");
  CHECK(Loss::with_defaults("mse").describe() == "mse");
  CHECK(OptimizerConfig::with("adam", {{"betas", 0.8, 0.9}}).describe() ==
        "adam(lr=0.001, betas=[0.8, 0.9], eps=1e-08, weight_decay=0, amsgrad=false)");
  Schedule constant = Schedule::with_defaults("constant");
  CHECK(constant.describe() == "constant");
  constant.warmup_epochs = 2;
  CHECK(constant.describe() == "constant(warmup_epochs=2)");
  Schedule step = Schedule::with("step", {{"step_size", 5}});
  step.warmup_epochs = 3;
  CHECK(step.describe() == "step(step_size=5, gamma=0.1, warmup_epochs=3)");
  Initializer init = Initializer::with_defaults("lecun_normal");
  CHECK(init.describe() == "lecun_normal, bias default");
  init = Initializer::with("kaiming_normal", {{"mode", "fan_out"}});
  init.bias = BiasInit::kZeros;
  CHECK(init.describe() == "kaiming_normal(a=0, mode=fan_out, nonlinearity=leaky_relu), bias zeros");
}

TEST_CASE("with() sets parameters by name in every form: number, integer, boolean, choice, pair") {
  CHECK(Activation::with("leaky_relu", {{"negative_slope", 0.2}}).param("negative_slope") == 0.2);
  CHECK(Activation::with("prelu", {{"num_parameters", 7}, {"init", -0.5}}).params == ParamValues{7, -0.5});
  CHECK(Activation::with("gelu", {{"approximate", "tanh"}}).param("approximate") == 1);
  CHECK(Activation::with("gelu", {{"approximate", std::string_view("none")}}).param("approximate") == 0);
  CHECK(OptimizerConfig::with("sgd", {{"momentum", 0.9}, {"nesterov", true}}).params ==
        ParamValues{0.01, 0.9, 0, 0, 1});
  CHECK(OptimizerConfig::with("sgd", {{"momentum", 0.9}, {"nesterov", 1}}).param("nesterov") == 1);
  CHECK(OptimizerConfig::with("adam", {{"betas", 0.5, 0.6}}).params == ParamValues{1e-3, 0.5, 0.6, 1e-8, 0, 0});
  CHECK(Initializer::with("kaiming_uniform", {{"nonlinearity", "relu"}}).param("nonlinearity") == 1);
  // The later of two settings of one parameter wins, as when assigning in turn.
  CHECK(Loss::with("huber", {{"delta", 2}, {"delta", 3}}).param("delta") == 3);
}

TEST_CASE("with(): a wrong name, form or value, or a broken rule, is a programmer error") {
  const auto error = [](auto make) {
    try {
      make();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error([] { Activation::with("rleu", {}); }) == "unknown activation \"rleu\"");
  CHECK(error([] {
          Activation::with("leaky_relu", {{"negtive_slope", 0.2}});
        }) == "leaky_relu: negtive_slope: no such parameter; valid: negative_slope");
  CHECK(error([] { Activation::with("relu", {{"alpha", 1}}); }) == "relu: alpha: no such parameter; valid: none");
  CHECK(error([] {
          Activation::with("gelu", {{"approximate", "tanhh"}});
        }) == "gelu: approximate: \"tanhh\" is not a choice");
  CHECK(error([] {
          Activation::with("gelu", {{"approximate", 1}});
        }) == "gelu: approximate: expected a choice, got a number");
  CHECK(error([] {
          Activation::with("leaky_relu", {{"negative_slope", "0.2"}});
        }) == "leaky_relu: negative_slope: expected a number, got a choice");
  CHECK(error([] { Activation::with("elu", {{"alpha", -1}}); }) == "elu: alpha: must be >= 0, got -1");
  CHECK(error([] {
          Activation::with("prelu", {{"num_parameters", 1.5}});
        }) == "prelu: num_parameters: expected an integer, got 1.5");
  CHECK(error([] { OptimizerConfig::with("sgd", {{"nesterov", 2}}); }) == "sgd: nesterov: expected 0 or 1, got 2");
  CHECK(error([] { OptimizerConfig::with("adam", {{"betas", 0.9}}); }) == "adam: betas: expected a pair, got a number");
  CHECK(error([] { OptimizerConfig::with("adam", {{"betas", 0.9, 1.0}}); }) == "adam: betas: must be in [0, 1), got 1");
  // The rules between parameters, quoting values as describe() writes them.
  CHECK(error([] {
          Activation::with("hardtanh", {{"min_val", 1}, {"max_val", -1}});
        }) == "hardtanh: max_val: must be > min_val (1), got -1");
  CHECK(error([] {
          OptimizerConfig::with("sgd", {{"nesterov", true}});
        }) == "sgd: nesterov: needs momentum > 0 and dampening = 0, got momentum 0, dampening 0");
  CHECK(error([] {
          OptimizerConfig::with("sgd", {{"momentum", 0.9}, {"dampening", 0.5}, {"nesterov", true}});
        }) == "sgd: nesterov: needs momentum > 0 and dampening = 0, got momentum 0.9, dampening 0.5");
  CHECK(error([] { Activation::with("hardtanh", {{"min_val", -2}, {"max_val", 0.5}}); }) == "no error");
}

TEST_CASE("param() reads a parameter by name, and a missing one is std::out_of_range") {
  CHECK(Activation::with_defaults("softplus").param("threshold") == 20);
  CHECK(OptimizerConfig::with_defaults("adam").param("eps") == 1e-8);
  CHECK_THROWS_WITH_AS((void)Activation::with_defaults("relu").param("alpha"), "activation relu has no parameter alpha",
                       std::out_of_range);
  CHECK_THROWS_WITH_AS((void)Schedule::with_defaults("step").param("T_max"), "schedule step has no parameter T_max",
                       std::out_of_range);
}

TEST_CASE("rules: broken_rule finds the first broken one, and explain fills in each {name}") {
  const ParamRule rules[] = {
      {.holds = [](std::span<const double> v) { return v[0] > 0; }, .param = "a", .message = "must be > 0"},
      {.holds = [](std::span<const double> v) { return v[0] < v[1]; }, .param = "b", .message = "{b} <= {a}!"},
  };
  const double fine[] = {1, 2};
  const double second[] = {3, 2};
  const double both[] = {-1, -2};
  CHECK(broken_rule(rules, fine) == nullptr);
  CHECK(broken_rule(rules, second) == &rules[1]);
  CHECK(broken_rule(rules, both) == &rules[0]);
  CHECK(explain(rules[1], [](std::string_view name) { return "<" + std::string(name) + ">"; }) == "<b> <= <a>!");
  CHECK(explain(rules[0], [](std::string_view) { return std::string("x"); }) == "must be > 0");
}
