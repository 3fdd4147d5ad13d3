#include "mlp/param.hpp"

#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace mlp {
namespace {

const char* form_name(ParamArg::Form form) {
  switch (form) {
    case ParamArg::Form::kNumber:
      return "a number";
    case ParamArg::Form::kBoolean:
      return "a boolean";
    case ParamArg::Form::kChoice:
      return "a choice";
    case ParamArg::Form::kPair:
      return "a pair";
  }
  return "?";
}

// The form a parameter of this kind is given in (a boolean may also be given as 0 or 1).
ParamArg::Form form_of(ParamKind kind) {
  switch (kind) {
    case ParamKind::kBoolean:
      return ParamArg::Form::kBoolean;
    case ParamKind::kChoice:
      return ParamArg::Form::kChoice;
    case ParamKind::kNumberPair:
      return ParamArg::Form::kPair;
    case ParamKind::kNumber:
    case ParamKind::kInteger:
      break;
  }
  return ParamArg::Form::kNumber;
}

// The slot values `arg` gives a parameter of `spec`, or what is wrong with it.
std::string check_arg(const ParamSpec& spec, const ParamArg& arg, double* slots) {
  const bool flag_as_number = spec.kind == ParamKind::kBoolean && arg.form == ParamArg::Form::kNumber;
  if (arg.form != form_of(spec.kind) && !flag_as_number) {
    return std::string("expected ") + form_name(form_of(spec.kind)) + ", got " + form_name(arg.form);
  }
  if (spec.kind == ParamKind::kChoice) {
    const auto chosen = std::ranges::find(spec.choices, arg.choice);
    if (chosen == spec.choices.end()) return "\"" + std::string(arg.choice) + "\" is not a choice";
    slots[0] = static_cast<double>(chosen - spec.choices.begin());
    return {};
  }
  if (spec.kind == ParamKind::kBoolean && arg.first != 0 && arg.first != 1) {
    return "expected 0 or 1, got " + format_number(arg.first);
  }
  if (spec.kind == ParamKind::kInteger && arg.first != std::trunc(arg.first)) {
    return "expected an integer, got " + format_number(arg.first);
  }
  const double given[2] = {arg.first, arg.second};
  for (int i = 0; i < spec.slots(); ++i) {
    if (spec.kind != ParamKind::kBoolean && !spec.range.contains(given[i])) {
      return spec.range.describe() + ", got " + format_number(given[i]);
    }
    slots[i] = given[i];
  }
  return {};
}

// The declaration of parameter `name` and its first slot, or nullptr.
const ParamSpec* find_param(std::span<const ParamSpec> specs, std::string_view name, std::size_t& slot) {
  slot = 0;
  for (const ParamSpec& spec : specs) {
    if (spec.name == name) return &spec;
    slot += static_cast<std::size_t>(spec.slots());
  }
  return nullptr;
}

}  // namespace

bool Range::contains(double x) const {
  if (std::isnan(x)) return false;
  const bool above_lo = lo_open ? x > lo : x >= lo;
  const bool below_hi = hi_open ? x < hi : x <= hi;
  return above_lo && below_hi;
}

std::string Range::describe() const {
  const bool has_lo = !std::isinf(lo);
  const bool has_hi = !std::isinf(hi);
  if (has_lo && has_hi) {
    return "must be in " + std::string(lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) +
           (hi_open ? ")" : "]");
  }
  if (has_lo) return std::string("must be ") + (lo_open ? "> " : ">= ") + format_number(lo);
  if (has_hi) return std::string("must be ") + (hi_open ? "< " : "<= ") + format_number(hi);
  return "must be a finite number";
}

ParamValues default_values(std::span<const ParamSpec> specs) {
  ParamValues values;
  for (const ParamSpec& spec : specs) {
    values.push_back(spec.default_value);
    if (spec.kind == ParamKind::kNumberPair) values.push_back(spec.default_second);
  }
  return values;
}

int slot_of(std::span<const ParamSpec> specs, std::string_view name) {
  int slot = 0;
  for (const ParamSpec& spec : specs) {
    if (spec.name == name) return slot;
    slot += spec.slots();
  }
  return -1;
}

std::string format_value(const ParamSpec& spec, const double* slots) {
  switch (spec.kind) {
    case ParamKind::kBoolean:
      return slots[0] != 0 ? "true" : "false";
    case ParamKind::kChoice:
      return std::string(spec.choices.begin()[static_cast<std::size_t>(slots[0])]);
    case ParamKind::kNumberPair:
      return "[" + format_number(slots[0]) + ", " + format_number(slots[1]) + "]";
    case ParamKind::kNumber:
    case ParamKind::kInteger:
      break;
  }
  return format_number(slots[0]);
}

std::string format_values(std::span<const ParamSpec> specs, const ParamValues& values) {
  std::string text;
  std::size_t slot = 0;
  for (const ParamSpec& spec : specs) {
    if (!text.empty()) text += ", ";
    text += std::string(spec.name) + "=" + format_value(spec, &values[slot]);
    slot += static_cast<std::size_t>(spec.slots());
  }
  return text;
}

void set_param(std::span<const ParamSpec> specs, const ParamArg& arg, ParamValues& values, std::string_view owner) {
  const std::string at = std::string(owner) + ": " + std::string(arg.name) + ": ";
  std::size_t slot = 0;
  const ParamSpec* spec = find_param(specs, arg.name, slot);
  if (spec == nullptr) {
    std::string valid;
    for (const ParamSpec& s : specs) valid += (valid.empty() ? "" : ", ") + std::string(s.name);
    throw std::invalid_argument(at + "no such parameter; valid: " + (valid.empty() ? "none" : valid));
  }
  double slots[2] = {values[slot], spec->kind == ParamKind::kNumberPair ? values[slot + 1] : 0};
  if (const std::string problem = check_arg(*spec, arg, slots); !problem.empty()) {
    throw std::invalid_argument(at + problem);
  }
  values[slot] = slots[0];
  if (spec->kind == ParamKind::kNumberPair) values[slot + 1] = slots[1];
}

std::string format_named(std::span<const ParamSpec> specs, const ParamValues& values, std::string_view name) {
  std::size_t slot = 0;
  const ParamSpec* spec = find_param(specs, name, slot);
  if (spec == nullptr) throw std::out_of_range("no parameter " + std::string(name));
  return format_value(*spec, &values[slot]);
}

const ParamRule* broken_rule(std::span<const ParamRule> rules, std::span<const double> values) {
  for (const ParamRule& rule : rules) {
    if (!rule.holds(values)) return &rule;
  }
  return nullptr;
}

std::string explain(const ParamRule& rule, const std::function<std::string(std::string_view name)>& quote) {
  std::string text;
  std::string_view rest = rule.message;
  for (std::size_t open = rest.find('{'); open != std::string_view::npos; open = rest.find('{')) {
    const std::size_t close = rest.find('}', open);
    if (close == std::string_view::npos) break;  // not a placeholder (the registry test refuses it)
    text += rest.substr(0, open);
    text += quote(rest.substr(open + 1, close - open - 1));
    rest = rest.substr(close + 1);
  }
  return text + std::string(rest);
}

}  // namespace mlp
