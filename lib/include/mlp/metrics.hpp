// Evaluation metrics: loss, accuracy, per-class precision/recall and the confusion matrix for
// classification; MSE, RMSE, MAE and R^2 for regression.
#pragma once

#include "mlp/dataset.hpp"
#include "mlp/loss.hpp"
#include "mlp/network.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace mlp {

struct ClassMetrics {
  double precision = 0;  // 0 when the class was never predicted
  double recall = 0;     // 0 when the class has no samples
  double f1 = 0;
  Index support = 0;  // samples whose true class this is
};

struct Evaluation {
  double loss = 0;
  Index samples = 0;
  // Classification.
  std::optional<double> accuracy;
  std::vector<std::vector<Index>> confusion;  // confusion[true][predicted]
  std::vector<ClassMetrics> per_class;
  // Regression (over every target value).
  std::optional<double> mse, rmse, mae, r2;
};

// Accumulates predictions batch by batch, so evaluation needs no copy of all outputs.
class MetricsAccumulator {
 public:
  MetricsAccumulator(Task task, const Loss& loss, Index classes, Index targets);

  // Adds a batch: raw network outputs and targets (see TargetKind), n columns each.
  void add(ConstMatrixView output, ConstMatrixView target);
  Evaluation finish() const;

 private:
  Task task_;
  Loss loss_;
  Index samples_ = 0;
  double loss_sum_ = 0;  // sum of batch mean losses weighted by batch size
  std::vector<std::vector<Index>> confusion_;
  // Regression sums per target: for MSE/MAE and for R^2 = 1 - SS_res / SS_tot.
  Eigen::VectorXd sum_sq_error_, sum_abs_error_, sum_y_, sum_y_sq_, y_shift_;
};

// The predicted class of each column of raw outputs: argmax of the logits (softmax), or
// output > 0 (one sigmoid output).
Index predicted_class(const Loss& loss, ConstMatrixView output, Index column);

// Evaluates `network` on a whole dataset, in evaluation mode, in chunks of its reserved batch
// size; `after_forward`, when given, sees the network after each chunk's forward pass (the
// diagnostics read the layer outputs there). With `output_units`, regression outputs are taken
// back to the targets' units (Standardizer::undo) before they are compared with the targets.
Evaluation evaluate(Network& network, const Loss& loss, Task task, Index classes, const Dataset& data,
                    const std::function<void(const Network&)>& after_forward = {},
                    const Standardizer* output_units = nullptr);

// The validation loss of the best guess that ignores the features, "chance level": for every
// sample, the training split's class frequencies (add-one smoothed, so that a class it lacks costs
// a finite loss), or its mean target. `outputs` rows, as the network gives the loss. A run whose
// validation loss stays near it learned nothing (compare's epochs_to_target leaves such runs out).
// With `target_units`, the training targets are standardised and the guess is taken back to the
// data's units, in which the validation targets are (see Trainer).
double chance_level_loss(const Loss& loss, Task task, Index outputs, const Dataset& train, const Dataset& val,
                         const Standardizer* target_units = nullptr);

}  // namespace mlp
