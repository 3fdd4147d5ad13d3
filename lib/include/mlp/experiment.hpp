// From validated settings to what a training run needs: the data (loaded, split, standardised),
// the resolved loss, and the network. Shared by train and compare.
#pragma once

#include "mlp/dataset.hpp"
#include "mlp/loss.hpp"
#include "mlp/network.hpp"
#include "mlp/settings.hpp"

#include <cstdint>
#include <span>

namespace mlp {

struct Experiment {
  TrainingData data;
  Loss loss;          // train.loss, or the task's default when it was "auto"
  Index outputs = 0;  // network outputs the loss needs

  Task task() const { return data.schema.task; }
  Index classes() const { return static_cast<Index>(data.schema.classes.size()); }
  // How the network's outputs become the data's units (regression; identity when the targets are
  // not standardised), or null: losses and metrics are reported in the data's units.
  const Standardizer* target_units() const {
    return task() == Task::kRegression ? &data.schema.target_scaling : nullptr;
  }
};

// The parts of an EmbeddingLayer for `columns` (model.categorical "embedding"): each categorical
// column's inputs embedded in embedding_dim of them, every other column's copied through.
std::vector<EmbeddingPart> embedding_parts(const std::vector<FeatureColumn>& columns);

// The layers before the output layer: model.hidden, after an EmbeddingLayer with
// model.categorical "embedding".
std::vector<LayerSpec> network_layers(const ModelSettings& model, const std::vector<FeatureColumn>& columns);

// The loss "auto" resolves to: cross_entropy for classification, mse for regression.
Loss default_loss(Task task);

// Network outputs `loss` needs for a task: classes for cross_entropy, 1 for binary
// cross-entropy (two classes), the number of targets for regression losses. Throws InputError
// naming train.loss when the loss does not suit the task.
Index output_size_for(const Loss& loss, Task task, Index classes, Index targets);

// The experiment on `data` (loaded and prepared for the settings): the loss resolved against the
// data's task. Throws InputError naming the config file when train.loss does not suit it.
Experiment make_experiment(const Settings& settings, TrainingData data);

// Loads the data for settings.train.seed, then make_experiment. Throws InputError.
Experiment load_experiment(const Settings& settings);

// The network the settings describe for this experiment's data, initialised from `seed` with
// `init` (the settings' scheme, unless compare chose another).
Network build_network(const ModelSettings& model, const Initializer& init, const Experiment& experiment,
                      std::uint64_t seed);

// Refuses, before the network is built, a run that would need more than `limit` bytes: the
// network the settings describe for these experiments' data, trained with the settings'
// optimizer and batch size (`networks` of them at once, as compare runs them), plus the data of
// every experiment (see training_memory in memory_budget.hpp). Throws InputError naming the
// config file, with what the run needs and the limit.
void check_training_memory(const Settings& settings, std::span<const Experiment> experiments, std::uint64_t limit,
                           int networks = 1);
inline void check_training_memory(const Settings& settings, const Experiment& experiment, std::uint64_t limit) {
  check_training_memory(settings, std::span<const Experiment>(&experiment, 1), limit);
}

}  // namespace mlp
