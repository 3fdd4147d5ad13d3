// Declarations of hyper-parameters (an activation's negative_slope, an optimizer's lr, ...),
// values given to them by name in code, and rules between them.
//
// Each parameter is declared once, with its default, valid range and description; the same
// declaration drives config parsing and validation, `mlptrain activations`, the model file and
// the docs. Values are held as doubles in declaration order (a boolean is 0/1, a choice is the
// index of the chosen string, a pair takes two consecutive slots).
#pragma once

#include <concepts>
#include <functional>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
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

// A number as ParamArg takes it: any arithmetic type but bool (a count given as Index, 0.2, 3).
template <class T>
concept ParamNumber = std::is_arithmetic_v<T> && !std::same_as<T, bool>;

// A parameter given a value in code, by name (Configured::with in registry.hpp): a number (an
// integer too), a boolean, the text of a choice ("tanh"), or the two numbers of a pair.
struct ParamArg {
  enum class Form { kNumber, kBoolean, kChoice, kPair };

  constexpr ParamArg(std::string_view name, ParamNumber auto number) : name(name), first(static_cast<double>(number)) {}
  constexpr ParamArg(std::string_view name, bool flag) : name(name), form(Form::kBoolean), first(flag ? 1 : 0) {}
  // (Not only std::string_view: a string literal would convert to bool before it.)
  constexpr ParamArg(std::string_view name, const char* choice) : name(name), form(Form::kChoice), choice(choice) {}
  constexpr ParamArg(std::string_view name, std::string_view choice)
      : name(name), form(Form::kChoice), choice(choice) {}
  constexpr ParamArg(std::string_view name, double first, double second)
      : name(name), form(Form::kPair), first(first), second(second) {}

  std::string_view name;
  Form form = Form::kNumber;
  double first = 0;
  double second = 0;
  std::string_view choice;
};

// Sets the parameter `arg` names in `values` (slot order of `specs`). A name that is not a
// parameter, a value of the wrong form or outside the range is a mistake in the calling code:
// throws std::invalid_argument "<owner>: <name>: <what is wrong>".
void set_param(std::span<const ParamSpec> specs, const ParamArg& arg, ParamValues& values, std::string_view owner);

// The value of parameter `name` written as format_value writes it; throws std::out_of_range
// when there is no such parameter.
std::string format_named(std::span<const ParamSpec> specs, const ParamValues& values, std::string_view name);

// A rule between parameters that no single parameter's range can state (hardtanh: min_val <
// max_val), declared with the table entry so that every reader of the entry (the config, the
// model file, code that sets parameters by name) checks it alike, each with its own context.
struct ParamRule {
  bool (*holds)(std::span<const double> values);  // values in slot order
  std::string_view param;                         // the parameter a broken rule is reported at
  // What is wrong, "must be > min_val ({min_val}), got {max_val}": each {name} stands for that
  // parameter's value as the reader quotes it (a config its JSON, a model file its text).
  std::string_view message;
};

// The first rule `values` break, or nullptr.
const ParamRule* broken_rule(std::span<const ParamRule> rules, std::span<const double> values);

// rule.message with each {name} replaced by quote(name).
std::string explain(const ParamRule& rule, const std::function<std::string(std::string_view name)>& quote);

}  // namespace mlp
