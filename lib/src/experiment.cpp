#include "mlp/experiment.hpp"

#include "mlp/trainer.hpp"

namespace mlp {

Experiment load_experiment(const Settings& settings) {
  Experiment experiment;
  experiment.data = load_training_data(settings.data, settings.train.seed);
  const Task task = experiment.task();
  experiment.loss = settings.train.loss ? *settings.train.loss : default_loss(task);
  experiment.outputs = output_size_for(experiment.loss, task, experiment.classes(),
                                       static_cast<Index>(experiment.data.schema.target_names.size()));
  return experiment;
}

Network build_network(const ModelSettings& model, const Initializer& init, const Experiment& experiment,
                      std::uint64_t seed) {
  const auto inputs = static_cast<Index>(experiment.data.schema.feature_names.size());
  return Network::build(inputs, model.hidden, experiment.outputs, init, seed);
}

}  // namespace mlp
