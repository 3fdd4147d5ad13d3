// The loss table: every loss, its gradient with respect to the network's outputs and its
// parameters, defined once, each matching a torch.nn loss with reduction 'mean'. The maths is
// written beside the code. Sums are accumulated in double and every loss stays finite and
// correct for outputs of +-1e4 (tested), which is why the logit losses use their stable forms.
// Nothing here allocates (buffers are on the stack): a loss runs once per training batch.
#include "mlp/loss.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <utility>

namespace mlp {
namespace {

// Reduction 'mean' over every element of a pointwise loss: point(x, y) returns the loss of one
// output x against its target y and its derivative d/dx. Writes grad = derivative / N.
template <class PointLoss>
double mean_pointwise(ConstMatrixView output, ConstMatrixView target, MatrixView grad, PointLoss point) {
  assert(output.rows() == target.rows() && output.cols() == target.cols() && output.size() > 0);
  const bool with_grad = grad.rows() > 0;
  assert(!with_grad || (grad.rows() == output.rows() && grad.cols() == output.cols()));
  const double n = static_cast<double>(output.size());
  double sum = 0;
  for (Index i = 0; i < output.size(); ++i) {
    const auto [value, slope] = point(static_cast<double>(output.data()[i]), static_cast<double>(target.data()[i]));
    sum += value;
    if (with_grad) grad.data()[i] = static_cast<Scalar>(slope / n);
  }
  return sum / n;
}

// sigmoid(x) = 1 / (1 + exp(-x)), never taking exp of a large positive number.
double stable_sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1 + e);
}

// Class index of a kClassIndex target value, checked against the number of classes.
Index class_of(Scalar value, Index classes) {
  const auto y = static_cast<Index>(value);
  assert(y >= 0 && y < classes && static_cast<Scalar>(y) == value);
  (void)classes;
  return y;
}

double mse(std::span<const double>, ConstMatrixView output, ConstMatrixView target, MatrixView grad) {
  // (x - y)^2, d/dx = 2 (x - y)
  return mean_pointwise(output, target, grad, [](double x, double y) {
    const double d = x - y;
    return std::pair{d * d, 2 * d};
  });
}

double l1(std::span<const double>, ConstMatrixView output, ConstMatrixView target, MatrixView grad) {
  // |x - y|, d/dx = sign(x - y), 0 at x = y (torch's choice)
  return mean_pointwise(output, target, grad, [](double x, double y) {
    const double d = x - y;
    return std::pair{std::abs(d), static_cast<double>((d > 0) - (d < 0))};
  });
}

double huber(std::span<const double> params, ConstMatrixView output, ConstMatrixView target, MatrixView grad) {
  // d = x - y: d^2 / 2 for |d| < delta, else delta (|d| - delta / 2);
  // d/dx = d clamped to [-delta, delta] (continuous at |d| = delta).
  const double delta = params[0];
  return mean_pointwise(output, target, grad, [delta](double x, double y) {
    const double d = x - y;
    const double a = std::abs(d);
    const double value = a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    return std::pair{value, std::clamp(d, -delta, delta)};
  });
}

double bce_with_logits(std::span<const double>, ConstMatrixView output, ConstMatrixView target, MatrixView grad) {
  // -[y log s(x) + (1 - y) log(1 - s(x))] = max(x, 0) - x y + log1p(exp(-|x|)), which never
  // overflows; d/dx = s(x) - y.
  assert(output.rows() == 1);
  return mean_pointwise(output, target, grad, [](double x, double y) {
    const double value = std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x)));
    return std::pair{value, stable_sigmoid(x) - y};
  });
}

// Cross-entropy takes exp(x_k - m) of every output twice: for the sum S, then for the gradient.
// It takes them a block of columns at a time into a buffer on the stack, with Eigen's vectorised
// exp over the whole block (libm's scalar exp and log, one value at a time, were 15 % of a small
// classifier's training step: bench (a), perf). A column taller than the buffer is taken in
// pieces of rows, and its exps are taken again for the gradient.
constexpr Index kCrossEntropyBlock = 2048;  // doubles in the buffer (16 KiB)

double cross_entropy(std::span<const double> params, ConstMatrixView output, ConstMatrixView target, MatrixView grad) {
  // Per sample, with K classes, target y and smoothing e, the target distribution is
  // q_k = (1 - e) [k = y] + e / K and the loss is -sum_k q_k log p_k with p = softmax(x).
  // With m = max_k x_k and S = sum_k exp(x_k - m), -log p_k = log S + (m - x_k), so
  //   loss = log S + (1 - e)(m - x_y) + (e / K) sum_k (m - x_k),
  // where every term is >= 0 (no cancellation however large the logits), and
  //   d loss / d x_k = p_k - q_k, with p_k = exp(x_k - m) / S.
  // Mean over the n samples; in double, from the float outputs.
  assert(target.rows() == 1 && target.cols() == output.cols() && output.cols() > 0);
  const bool with_grad = grad.rows() > 0;
  assert(!with_grad || (grad.rows() == output.rows() && grad.cols() == output.cols()));
  using Row = Eigen::Array<double, 1, Eigen::Dynamic>;
  const double smoothing = params[0];
  const Index classes = output.rows();
  const double n = static_cast<double>(output.cols());
  const double off_target = smoothing / static_cast<double>(classes);
  const Index block_cols = std::max<Index>(1, kCrossEntropyBlock / classes);
  const Index piece_rows = std::min(classes, kCrossEntropyBlock);
  const bool exps_kept = piece_rows == classes;  // one piece holds a whole column
  alignas(64) std::array<double, kCrossEntropyBlock> exps;
  std::array<double, kCrossEntropyBlock> maxes;
  std::array<double, kCrossEntropyBlock> sums;
  double total = 0;
  for (Index first = 0; first < output.cols(); first += block_cols) {
    const Index count = std::min(block_cols, output.cols() - first);
    const auto x = output.middleCols(first, count).array();
    Eigen::Map<Row> m(maxes.data(), count);
    Eigen::Map<Row> s(sums.data(), count);
    m = x.colwise().maxCoeff().cast<double>();
    s.setZero();
    // exp(x_k - m) of rows [row, row + rows) of the block, into the buffer.
    auto exps_of = [&](Index row, Index rows, bool with_gaps) {
      Eigen::Map<Eigen::ArrayXXd> piece(exps.data(), rows, count);
      piece = x.middleRows(row, rows).cast<double>().rowwise() - m;
      if (with_gaps) total -= off_target * piece.sum();  // (e / K) sum_k (m - x_k)
      piece = piece.exp();
      return piece;
    };
    for (Index row = 0; row < classes; row += piece_rows) {
      s += exps_of(row, std::min(piece_rows, classes - row), off_target != 0).colwise().sum();
    }
    // log S of the whole block at once (Eigen's vectorised log; libm's, a value at a time, took
    // half of this function on bench (a)'s 10 classes at batch 32).
    total += s.log().sum();
    for (Index j = 0; j < count; ++j) {
      const Index y = class_of(target(0, first + j), classes);
      total += (1 - smoothing) * (m(j) - static_cast<double>(x(y, j)));
    }
    if (!with_grad) continue;
    // (p_k - q_k) / n = exp(x_k - m) * (1 / (S n)) - q_k / n: one division per sample, not two per
    // output.
    Eigen::Map<Row>& scale = s;  // from here 1 / (S n), in the sums' buffer
    scale = (s * n).inverse();
    const double off_target_mean = off_target / n, on_target_mean = (1 - smoothing) / n;
    for (Index row = 0; row < classes; row += piece_rows) {
      const Index rows = std::min(piece_rows, classes - row);
      Eigen::Map<Eigen::ArrayXXd> piece(exps.data(), rows, count);
      if (!exps_kept) piece = exps_of(row, rows, false);
      // p_k - e / K everywhere, then the target's row again with its (1 - e) taken off too.
      grad.middleCols(first, count).middleRows(row, rows).array() =
          (piece.rowwise() * scale - off_target_mean).cast<Scalar>();
      for (Index j = 0; j < count; ++j) {
        const Index y = class_of(target(0, first + j), classes) - row;
        if (y < 0 || y >= rows) continue;
        grad(row + y, first + j) = static_cast<Scalar>(piece(y, j) * scale(j) - off_target_mean - on_target_mean);
      }
    }
  }
  return total / n;
}

const LossSpec kLosses[] = {
    {
        .name = "mse",
        .aliases = {},
        .formula = "mean((x - y)^2)",
        .torch = "torch.nn.MSELoss",
        .params = {},
        .target = TargetKind::kValue,
        .transform = OutputTransform::kIdentity,
        .value_and_grad = mse,
    },
    {
        .name = "l1",
        .aliases = {"mae"},
        .formula = "mean(|x - y|)",
        .torch = "torch.nn.L1Loss",
        .params = {},
        .target = TargetKind::kValue,
        .transform = OutputTransform::kIdentity,
        .value_and_grad = l1,
    },
    {
        .name = "huber",
        .aliases = {},
        .formula = "mean(|x - y| < delta ? (x - y)^2 / 2 : delta * (|x - y| - delta / 2))",
        .torch = "torch.nn.HuberLoss",
        .params = {{.name = "delta",
                    .kind = ParamKind::kNumber,
                    .default_value = 1.0,
                    .range = Range::greater_than(0),
                    .description = "where the loss turns from quadratic to linear"}},
        .target = TargetKind::kValue,
        .transform = OutputTransform::kIdentity,
        .value_and_grad = huber,
    },
    {
        .name = "bce_with_logits",
        .aliases = {"binary_cross_entropy"},
        .formula = "mean(max(x, 0) - x * y + log(1 + exp(-|x|))), y in {0, 1}, x a logit",
        .torch = "torch.nn.BCEWithLogitsLoss",
        .params = {},
        .target = TargetKind::kClassIndex,
        .transform = OutputTransform::kSigmoid,
        .value_and_grad = bce_with_logits,
    },
    {
        .name = "cross_entropy",
        .aliases = {},
        .formula = "mean over samples of -sum_k q_k log softmax(x)_k, q = (1 - label_smoothing) onehot(y) + "
                   "label_smoothing / K",
        .torch = "torch.nn.CrossEntropyLoss",
        .params = {{.name = "label_smoothing",
                    .kind = ParamKind::kNumber,
                    .default_value = 0.0,
                    .range = Range::closed(0, 1),
                    .description = "share of the target probability spread evenly over all classes"}},
        .target = TargetKind::kClassIndex,
        .transform = OutputTransform::kSoftmax,
        .value_and_grad = cross_entropy,
    },
};

}  // namespace

const Registry<LossSpec>& losses() {
  static const Registry<LossSpec> registry(kLosses);
  return registry;
}

void apply_output_transform(OutputTransform transform, ConstMatrixView output, MatrixView result) {
  assert(result.rows() == output.rows() && result.cols() == output.cols());
  switch (transform) {
    case OutputTransform::kIdentity:
      result = output;
      return;
    case OutputTransform::kSigmoid: {
      // With e = exp(-|x|) <= 1: sigmoid(x) = 1 / (1 + e) for x >= 0, e / (1 + e) below, which
      // never overflows and keeps tiny probabilities (Eigen's logistic() floors them at ~3e-39).
      const auto e = (-output.array().abs()).exp();
      result = (output.array() >= 0).select(1 / (1 + e), e / (1 + e)).matrix();
      return;
    }
    case OutputTransform::kSoftmax:
      // softmax(x)_k = exp(x_k - m) / sum_i exp(x_i - m) with m = max x: no overflow, and the
      // largest term is exactly 1, so the sum is >= 1.
      for (Index j = 0; j < output.cols(); ++j) {
        const Scalar m = output.col(j).maxCoeff();
        result.col(j) = (output.col(j).array() - m).exp().matrix();
        result.col(j) /= result.col(j).sum();
      }
      return;
  }
}

}  // namespace mlp
