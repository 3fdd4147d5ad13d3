// One registry for the five families of named, parameterised things (activations, losses,
// optimizers, schedules, initializers): a family's table of entries, found by name or alias, and
// the configured value a layer, a trainer or a config holds (an entry with its parameter values).
// Each family declares its table once (nn/activations.cpp, nn/losses.cpp, ...); lookup, the
// "valid: ..." list, defaults, setting parameters by name and descriptions are written here once.
#pragma once

#include "mlp/error.hpp"
#include "mlp/param.hpp"

#include <algorithm>
#include <concepts>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mlp {

// What every table entry has, whatever its family; each family adds its own functions (an
// activation's forward, a loss's value_and_grad, ...).
template <class Spec>
concept TableEntry = requires(const Spec& spec) {
  { Spec::kNoun } -> std::convertible_to<std::string_view>;  // the family's: "activation"
  { spec.name } -> std::convertible_to<std::string_view>;
  { spec.aliases } -> std::convertible_to<std::initializer_list<std::string_view>>;
  { spec.formula } -> std::convertible_to<std::string_view>;  // one line of maths
  { spec.torch } -> std::convertible_to<std::string_view>;    // the PyTorch counterpart
  { spec.param_specs() } -> std::same_as<std::span<const ParamSpec>>;
  { spec.param_rules() } -> std::same_as<std::span<const ParamRule>>;
};

// A family's table: iterable in the order listings show it.
template <TableEntry Spec>
class Registry {
 public:
  constexpr explicit Registry(std::span<const Spec> entries) : entries_(entries) {}

  // The family in messages: `unknown activation "rleu"`.
  static constexpr std::string_view noun() { return Spec::kNoun; }
  const Spec* begin() const { return entries_.data(); }
  const Spec* end() const { return entries_.data() + entries_.size(); }
  std::size_t size() const { return entries_.size(); }

  // The entry called `name` or one of its aliases, or nullptr.
  const Spec* find(std::string_view name) const {
    for (const Spec& spec : entries_) {
      if (spec.name == name || std::ranges::find(spec.aliases, name) != spec.aliases.end()) return &spec;
    }
    return nullptr;
  }

  // "identity, sigmoid, tanh, ...": every name, for "valid: ..." in messages.
  std::string names() const {
    std::string text;
    for (const Spec& spec : entries_) text += (text.empty() ? "" : ", ") + std::string(spec.name);
    return text;
  }

  // The entry called `name` (or an alias); throws InputError `unknown <noun> "x"; valid: a, b`.
  const Spec& at(std::string_view name) const {
    if (const Spec* spec = find(name)) return *spec;
    throw InputError("unknown " + std::string(noun()) + " \"" + std::string(name) + "\"; valid: " + names());
  }

 private:
  std::span<const Spec> entries_;
};

// The value a family's entry is used with: the entry and its parameter values in slot order (see
// param.hpp). Derived is the family's own value type (Activation, Loss, ...), which adds what is
// particular to it; kTable gives the family's registry.
template <class Derived, TableEntry Spec, const Registry<Spec>& (*kTable)()>
struct Configured {
  const Spec* spec = nullptr;
  ParamValues params;

  // `spec` with these values, as a reader that has checked them (the config, a model file) gives them.
  static Derived of(const Spec& entry, ParamValues values) {
    Derived value;
    value.spec = &entry;
    value.params = std::move(values);
    return value;
  }

  // With every parameter at its default. Throws InputError for an unknown name.
  static Derived with_defaults(std::string_view name) {
    const Spec& entry = kTable().at(name);
    return of(entry, default_values(entry.param_specs()));
  }

  // With the parameters `args` names set, the others at their defaults, for code that picks an
  // entry itself: with("leaky_relu", {{"negative_slope", 0.2}}), with("gelu", {{"approximate",
  // "tanh"}}). An unknown name, parameter or value, or a broken rule between parameters, is a
  // mistake in that code: throws std::invalid_argument.
  static Derived with(std::string_view name, std::initializer_list<ParamArg> args) {
    const Spec* entry = kTable().find(name);
    if (entry == nullptr) {
      throw std::invalid_argument("unknown " + std::string(Spec::kNoun) + " \"" + std::string(name) + "\"");
    }
    Derived value = of(*entry, default_values(entry->param_specs()));
    for (const ParamArg& arg : args) set_param(entry->param_specs(), arg, value.params, entry->name);
    if (const ParamRule* rule = broken_rule(entry->param_rules(), value.params)) {
      throw std::invalid_argument(std::string(entry->name) + ": " + std::string(rule->param) + ": " +
                                  explain(*rule, [&](std::string_view param) {
                                    return format_named(entry->param_specs(), value.params, param);
                                  }));
    }
    return value;
  }

  // "leaky_relu(negative_slope=0.1)", or just "relu" for an entry without parameters: the form
  // the config and `compare --activations` read back.
  std::string describe() const { return describe_with({}); }

  // Value of parameter `name`; throws std::out_of_range when the entry has no such parameter.
  double param(std::string_view name) const {
    const int slot = slot_of(spec->param_specs(), name);
    if (slot < 0) {
      throw std::out_of_range(std::string(Spec::kNoun) + " " + std::string(spec->name) + " has no parameter " +
                              std::string(name));
    }
    return params[static_cast<std::size_t>(slot)];
  }

 protected:
  // describe() with `more` ("warmup_epochs=5") after the parameters, for a family whose value
  // holds more than the entry's parameters.
  std::string describe_with(std::string_view more) const {
    std::string args = format_values(spec->param_specs(), params);
    if (!more.empty()) args += (args.empty() ? "" : ", ") + std::string(more);
    return args.empty() ? std::string(spec->name) : std::string(spec->name) + "(" + args + ")";
  }
};

}  // namespace mlp
