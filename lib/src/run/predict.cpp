#include "mlp/predict.hpp"

#include "mlp/loss.hpp"

namespace mlp {
namespace {

// The loss whose output transform matches the model's head: cross-entropy over softmax for
// several class outputs, with logits (sigmoid) for one, MSE for regression.
Loss standard_loss(const Model& model) {
  if (model.schema.task == Task::kRegression) return Loss::with_defaults("mse");
  return Loss::with_defaults(model.network.output_size() == 1 ? "bce_with_logits" : "cross_entropy");
}

}  // namespace

Matrix predict(Model& model, const Dataset& data) {
  Matrix raw(model.network.output_size(), data.size());
  model.network.predict(cview(data.features), view(raw));
  if (model.schema.task == Task::kRegression) {
    model.schema.target_scaling.undo(view(raw));
    return raw;
  }
  Matrix probabilities(raw.rows(), raw.cols());
  apply_output_transform(standard_loss(model).spec->transform, cview(raw), view(probabilities));
  return probabilities;
}

Evaluation evaluate_model(Model& model, const Dataset& data) {
  return evaluate(model.network, standard_loss(model), model.schema.task,
                  static_cast<Index>(model.schema.classes.size()), data, {}, &model.schema.target_scaling);
}

}  // namespace mlp
