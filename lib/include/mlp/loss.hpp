// Loss functions: one table, one entry per loss, each matching a torch.nn loss with its default
// reduction 'mean'.
#pragma once

#include "mlp/param.hpp"
#include "mlp/registry.hpp"
#include "mlp/tensor.hpp"

#include <span>
#include <string>
#include <string_view>

namespace mlp {

// What the target matrix holds.
enum class TargetKind {
  kClassIndex,  // one row: the class index of each sample, as a Scalar (0, 1, 2, ...)
  kValue,       // one row per network output: the value to regress to
};

// How the network's raw outputs become predictions (the loss applies it internally, fused, for
// numerical stability: cross-entropy works on logits through log-sum-exp).
enum class OutputTransform {
  kIdentity,  // regression
  kSoftmax,   // class probabilities over K outputs
  kSigmoid,   // probability of class 1 from one output (binary classification)
};

// Mean loss over the batch (PyTorch's reduction 'mean': over samples for cross-entropy, over
// every element otherwise) for `output` (outputs x n) against `target` (see TargetKind); writes
// d(loss)/d(output) into `grad` (same shape as output) unless grad has no rows.
using LossFn = double (*)(std::span<const double> params, ConstMatrixView output, ConstMatrixView target,
                          MatrixView grad);

struct LossSpec {
  static constexpr std::string_view kNoun = "loss";  // in messages: unknown loss "x"

  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  std::string_view formula;
  std::string_view torch;  // e.g. "torch.nn.CrossEntropyLoss"
  std::initializer_list<ParamSpec> params;
  std::initializer_list<ParamRule> rules = {};  // between parameters, see param.hpp
  TargetKind target;
  OutputTransform transform;
  LossFn value_and_grad;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
  std::span<const ParamRule> param_rules() const { return {rules.begin(), rules.size()}; }
};

const Registry<LossSpec>& losses();

// A loss with its parameters resolved (lookup, defaults and describe() from registry.hpp).
struct Loss : Configured<Loss, LossSpec, losses> {
  double value_and_grad(ConstMatrixView output, ConstMatrixView target, MatrixView grad) const {
    return spec->value_and_grad(params, output, target, grad);
  }
  // The loss alone, no gradient.
  double value(ConstMatrixView output, ConstMatrixView target) const {
    return spec->value_and_grad(params, output, target, MatrixView(nullptr, 0, 0));
  }
};

// Applies `transform` to raw outputs column by column: probabilities for kSoftmax (each column
// sums to 1) and kSigmoid, a copy for kIdentity. Stable for any finite input.
void apply_output_transform(OutputTransform transform, ConstMatrixView output, MatrixView result);

}  // namespace mlp
