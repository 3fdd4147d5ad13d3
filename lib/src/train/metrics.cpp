#include "mlp/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace mlp {

MetricsAccumulator::MetricsAccumulator(Task task, const Loss& loss, Index classes, Index targets)
    : task_(task), loss_(loss) {
  if (task_ == Task::kClassification) {
    confusion_.assign(static_cast<std::size_t>(classes), std::vector<Index>(static_cast<std::size_t>(classes), 0));
  } else {
    sum_sq_error_ = Eigen::VectorXd::Zero(targets);
    sum_abs_error_ = Eigen::VectorXd::Zero(targets);
    sum_y_ = Eigen::VectorXd::Zero(targets);
    sum_y_sq_ = Eigen::VectorXd::Zero(targets);
  }
}

Index predicted_class(const Loss& loss, ConstMatrixView output, Index column) {
  if (loss.spec->transform == OutputTransform::kSigmoid) return output(0, column) > 0 ? 1 : 0;
  Index best = 0;
  output.col(column).maxCoeff(&best);
  return best;
}

void MetricsAccumulator::add(ConstMatrixView output, ConstMatrixView target) {
  const Index n = output.cols();
  loss_sum_ += loss_.value(output, target) * static_cast<double>(n);
  samples_ += n;
  if (task_ == Task::kClassification) {
    for (Index j = 0; j < n; ++j) {
      const auto truth = static_cast<std::size_t>(target(0, j));
      ++confusion_[truth][static_cast<std::size_t>(predicted_class(loss_, output, j))];
    }
    return;
  }
  const Eigen::MatrixXd error = output.cast<double>() - target.cast<double>();
  sum_sq_error_ += error.array().square().rowwise().sum().matrix();
  sum_abs_error_ += error.array().abs().rowwise().sum().matrix();
  // Sums of y - shift, with shift the first target seen: the variance is unchanged and the
  // subtraction in SS_tot below does not cancel catastrophically when the mean is large.
  if (y_shift_.size() == 0) y_shift_ = target.col(0).cast<double>();
  const Eigen::MatrixXd shifted = target.cast<double>().colwise() - y_shift_;
  sum_y_ += shifted.rowwise().sum();
  sum_y_sq_ += shifted.array().square().rowwise().sum().matrix();
}

namespace {

std::vector<ClassMetrics> per_class_metrics(const std::vector<std::vector<Index>>& confusion) {
  const std::size_t k = confusion.size();
  std::vector<ClassMetrics> metrics(k);
  for (std::size_t c = 0; c < k; ++c) {
    Index predicted = 0;
    for (std::size_t t = 0; t < k; ++t) predicted += confusion[t][c];
    Index actual = 0;
    for (const Index count : confusion[c]) actual += count;
    const auto hits = static_cast<double>(confusion[c][c]);
    ClassMetrics& m = metrics[c];
    m.support = actual;
    m.precision = predicted > 0 ? hits / static_cast<double>(predicted) : 0.0;
    m.recall = actual > 0 ? hits / static_cast<double>(actual) : 0.0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  }
  return metrics;
}

}  // namespace

Evaluation MetricsAccumulator::finish() const {
  Evaluation e;
  e.samples = samples_;
  if (samples_ == 0) return e;
  const auto n = static_cast<double>(samples_);
  e.loss = loss_sum_ / n;
  if (task_ == Task::kClassification) {
    Index hits = 0;
    for (std::size_t c = 0; c < confusion_.size(); ++c) hits += confusion_[c][c];
    e.accuracy = static_cast<double>(hits) / n;
    e.confusion = confusion_;
    e.per_class = per_class_metrics(confusion_);
    return e;
  }
  const auto values = n * static_cast<double>(sum_sq_error_.size());
  e.mse = sum_sq_error_.sum() / values;
  e.rmse = std::sqrt(*e.mse);
  e.mae = sum_abs_error_.sum() / values;
  // R^2 per target, averaged over targets like sklearn's r2_score (uniform_average). A constant
  // target has no variance to explain: its R^2 is 1 if predicted exactly, else 0 (sklearn's rule).
  double r2_sum = 0;
  for (Index t = 0; t < sum_y_.size(); ++t) {
    const double ss_tot = sum_y_sq_[t] - sum_y_[t] * sum_y_[t] / n;
    const double ss_res = sum_sq_error_[t];
    r2_sum += ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
  }
  e.r2 = r2_sum / static_cast<double>(sum_y_.size());
  return e;
}

Evaluation evaluate(Network& network, const Loss& loss, Task task, Index classes, const Dataset& data,
                    const std::function<void(const Network&)>& after_forward, const Standardizer* output_units) {
  MetricsAccumulator metrics(task, loss, classes, data.targets.rows());
  const Index chunk = std::max<Index>(network.reserved_batch(), 1);
  Matrix in_units;  // the outputs in the targets' units, when they are not already
  for (Index first = 0; first < data.size(); first += chunk) {
    const Index count = std::min(chunk, data.size() - first);
    const ConstMatrixView x(data.features.data() + first * data.features.rows(), data.features.rows(), count);
    const ConstMatrixView y(data.targets.data() + first * data.targets.rows(), data.targets.rows(), count);
    const ConstMatrixView output = network.forward(x, Mode::kEval);
    if (after_forward) after_forward(network);
    if (output_units != nullptr && task == Task::kRegression) {
      in_units = output;
      output_units->undo(view(in_units));
      metrics.add(cview(in_units), y);
    } else {
      metrics.add(output, y);
    }
  }
  return metrics.finish();
}

double chance_level_loss(const Loss& loss, Task task, Index outputs, const Dataset& train, const Dataset& val,
                         const Standardizer* target_units) {
  Eigen::VectorXd guess(outputs);
  if (task == Task::kClassification) {
    const bool one_output = loss.spec->transform == OutputTransform::kSigmoid;
    Eigen::VectorXd counts = Eigen::VectorXd::Ones(one_output ? 2 : outputs);
    for (Index i = 0; i < train.size(); ++i) counts(static_cast<Index>(train.targets(0, i))) += 1;
    const Eigen::ArrayXd p = counts.array() / counts.sum();
    // The logits whose softmax (or sigmoid) are those frequencies.
    if (one_output) {
      guess(0) = std::log(p(1) / p(0));
    } else {
      guess = p.log().matrix();
    }
  } else {
    guess = train.targets.cast<double>().rowwise().mean();
  }
  Matrix output = guess.cast<Scalar>().replicate(1, val.size());
  if (target_units != nullptr && task == Task::kRegression) target_units->undo(view(output));
  return loss.value(cview(output), cview(val.targets));
}

}  // namespace mlp
