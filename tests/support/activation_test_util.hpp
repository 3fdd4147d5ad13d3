// Helpers shared by the activation tests (float and double builds): activations written as
// text, the parameter variants every test runs, and one call that runs an activation's forward,
// backward and learned-value gradient.
#pragma once

#include "mlp/activation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace mlp::test {

// "name" or "name(key=value, ...)" as Activation::describe() writes it: unnamed parameters keep
// their defaults; a choice is given by its name ("gelu(approximate=tanh)"). Fails the test on
// anything it cannot read, so that a wrong describe() or reference text cannot pass silently.
inline Activation parse_activation_text(std::string_view text) {
  const auto open = text.find('(');
  Activation activation = Activation::with_defaults(text.substr(0, open));
  if (open == std::string_view::npos) return activation;
  REQUIRE(text.back() == ')');
  std::string_view rest = text.substr(open + 1, text.size() - open - 2);
  while (!rest.empty()) {
    const auto comma = rest.find(", ");
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
    const auto equals = item.find('=');
    REQUIRE(equals != std::string_view::npos);
    const std::string_view key = item.substr(0, equals);
    const std::string_view value = item.substr(equals + 1);
    const auto specs = activation.spec->param_specs();
    const int slot = slot_of(specs, key);
    REQUIRE_MESSAGE(slot >= 0, "no parameter ", std::string(key), " in ", std::string(text));
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& p) { return p.name == key; });
    double number = 0;
    if (spec->kind == ParamKind::kChoice) {
      const auto found = std::find(spec->choices.begin(), spec->choices.end(), value);
      REQUIRE_MESSAGE(found != spec->choices.end(), "no choice ", std::string(value));
      number = static_cast<double>(found - spec->choices.begin());
    } else if (spec->kind == ParamKind::kBoolean) {
      REQUIRE((value == "true" || value == "false"));
      number = value == "true" ? 1 : 0;
    } else {
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      REQUIRE_MESSAGE((error == std::errc{} && end == value.data() + value.size()), "bad number ", std::string(value));
    }
    activation.params[static_cast<std::size_t>(slot)] = number;
  }
  return activation;
}

// The defaults, then one parameter changed at a time: each number halved and doubled (or set to
// +-0.5 when it defaults to 0) where its range allows, each other option of a choice. Integers
// are counts of learned values, which the tests vary on their own.
inline std::vector<Activation> variants_of(const ActivationSpec& spec) {
  std::vector<Activation> out = {Activation::with_defaults(spec.name)};
  for (const ParamSpec& param : spec.params) {
    if (param.kind == ParamKind::kChoice) {
      for (auto choice = param.choices.begin() + 1; choice != param.choices.end(); ++choice) {
        out.push_back(Activation::with(spec.name, {{param.name, *choice}}));
      }
    } else if (param.kind == ParamKind::kNumber) {
      const double d = param.default_value;
      for (const double v : d == 0 ? std::vector<double>{-0.5, 0.5} : std::vector<double>{d / 2, d * 2}) {
        if (param.range.contains(v)) out.push_back(Activation::with(spec.name, {{param.name, v}}));
      }
    }
  }
  return out;
}

// The learned values a layer of `units` units starts with (empty when nothing is learned).
inline Vector initial_learned(const Activation& activation, Index units) {
  if (!activation.spec->learnable) return {};
  return Vector::Constant(activation.learned_count(units),
                          static_cast<Scalar>(activation.param(activation.spec->learnable->init_param)));
}

inline ActivationArgs args_of(const Activation& activation, const Vector& learned) {
  return {activation.params, learned.data(), learned.size()};
}

// Forward, backward (for grad_a) and, when the function learns, the per-unit gradient of the
// learned values, all for the same z.
struct Evaluation {
  Matrix a;
  Matrix grad_z;
  Vector grad_learned;  // one value per unit (row), before a shared value sums it
};

inline Evaluation evaluate(const Activation& activation, const Vector& learned, const Matrix& z, const Matrix& grad_a) {
  const ActivationArgs args = args_of(activation, learned);
  Evaluation out{Matrix(z.rows(), z.cols()), Matrix(z.rows(), z.cols()), Vector::Zero(z.rows())};
  activation.spec->forward(args, cview(z), view(out.a));
  activation.spec->backward(args, cview(z), cview(out.a), cview(grad_a), view(out.grad_z));
  if (activation.spec->param_grad != nullptr) {
    activation.spec->param_grad(args, cview(z), cview(out.a), cview(grad_a),
                                VectorView(out.grad_learned.data(), out.grad_learned.size()));
  }
  return out;
}

}  // namespace mlp::test
