// Helpers shared by the activation tests (float and double builds): the activation of a
// reference case, the parameter variants every test runs, and one call that runs an
// activation's forward, backward and learned-value gradient.
#pragma once

#include "mlp/activation.hpp"

#include "activation_reference.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlp::test {

// The activation a reference case (activation_reference.hpp) was computed for.
inline Activation activation_of(const ReferenceCase& reference) {
  return Activation::with(reference.name, reference.params);
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

// What a function shows far out, from its values and derivatives at kReferencePoints: the value
// it is flat at to the left (the same value, with zero slope, at every point <= -6), and whether
// it is bounded (changing by less than 1 from +-100 to +-1e4 on both sides; an unbounded one
// grows at least like log|x| there, by 4.6).
struct FarOut {
  std::optional<double> flat;
  bool bounded = false;
};

inline FarOut far_out(std::span<const double> value, std::span<const double> grad) {
  const auto& xs = kReferencePoints;
  const auto at = [&](double x) { return static_cast<std::size_t>(std::ranges::find(xs, x) - xs.begin()); };
  FarOut out;
  bool flat = true;
  for (std::size_t i = 0; i < xs.size() && xs[i] <= -6; ++i) flat = flat && value[i] == value[0] && grad[i] == 0;
  if (flat) out.flat = value[0];
  out.bounded = std::abs(value[at(1e4)] - value[at(100)]) < 1 && std::abs(value[at(-1e4)] - value[at(-100)]) < 1;
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
