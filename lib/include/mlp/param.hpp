// Declarations of hyper-parameters (an activation's negative_slope, an optimizer's lr, ...).
//
// Each parameter is declared once, with its default, valid range and description; the same
// declaration drives config parsing and validation, `mlptrain activations`, the model file and
// the docs. Values are held as doubles in declaration order (a boolean is 0/1, a choice is the
// index of the chosen string, a pair takes two consecutive slots).
#pragma once

#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {

enum class ParamKind { kNumber, kInteger, kBoolean, kChoice, kNumberPair };

// An interval of valid values; either end may be open or unbounded.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  static constexpr Range any() { return {}; }
  static constexpr Range at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, false}; }
  static constexpr Range greater_than(double lo) { return {lo, std::numeric_limits<double>::infinity(), true, false}; }
  static constexpr Range closed(double lo, double hi) { return {lo, hi, false, false}; }
  static constexpr Range closed_open(double lo, double hi) { return {lo, hi, false, true}; }

  bool contains(double x) const;
  // "must be > 0", "must be in [0, 1)", ...: the tail of an error message.
  std::string describe() const;
};

struct ParamSpec {
  std::string_view name;  // spelled like PyTorch's argument: "negative_slope", "lr", "betas"
  ParamKind kind = ParamKind::kNumber;
  double default_value = 0;    // a choice's default is an index into `choices`
  double default_second = 0;   // second element of a kNumberPair default
  Range range = Range::any();  // for numbers, integers and each element of a pair
  std::string_view description;
  std::initializer_list<std::string_view> choices = {};  // kChoice only

  // Number of value slots this parameter takes (2 for a pair, else 1).
  int slots() const { return kind == ParamKind::kNumberPair ? 2 : 1; }
};

// Resolved values of a list of ParamSpec, one slot each (two for a pair), in declaration order.
using ParamValues = std::vector<double>;

// Defaults of every parameter, in slot order.
ParamValues default_values(std::span<const ParamSpec> specs);

// Slot index of parameter `name`, or -1 when there is none.
int slot_of(std::span<const ParamSpec> specs, std::string_view name);

// A parameter's value written for people: 0.01, true, "tanh", [0.9, 0.999].
std::string format_value(const ParamSpec& spec, const double* slots);

// "negative_slope=0.01, inplace=false": every parameter with its value, for listings and logs.
std::string format_values(std::span<const ParamSpec> specs, const ParamValues& values);

}  // namespace mlp
