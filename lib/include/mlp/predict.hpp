// A saved model applied to new data, as `mlptrain predict` and `mlptrain evaluate` do it: the
// network's outputs taken to what a user reads (class probabilities, or values in the data's
// units), and the metrics of labelled data in those units.
#pragma once

#include "mlp/metrics.hpp"
#include "mlp/model_file.hpp"

namespace mlp {

// outputs x n for the n samples of `data` (features standardised as the model says): the
// probability of each class (softmax, or P(classes[1]) from a single sigmoid output), or the
// value of each regression target in the data's units (the model's target scaling undone).
Matrix predict(Model& model, const Dataset& data);

// The model on labelled `data` (targets in the data's units): accuracy, per-class metrics and
// the confusion matrix, or MSE, RMSE, MAE and R^2 in the data's units; and the task's standard
// loss on the same outputs (cross-entropy over the model's head, or MSE). A model file does not
// record the loss it was trained with, so this need not be it.
Evaluation evaluate_model(Model& model, const Dataset& data);

}  // namespace mlp
