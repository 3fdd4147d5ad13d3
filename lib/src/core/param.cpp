#include "mlp/param.hpp"

#include "mlp/text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mlp {
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

}  // namespace mlp
