// From validated settings to what a training run needs: the data (loaded, split, standardised),
// the resolved loss, and the network. Shared by train and compare.
#pragma once

#include "mlp/config.hpp"
#include "mlp/dataset.hpp"
#include "mlp/loss.hpp"
#include "mlp/network.hpp"

#include <cstdint>

namespace mlp {

struct Experiment {
  TrainingData data;
  Loss loss;            // train.loss, or the task's default when it was "auto"
  Index outputs = 0;    // network outputs the loss needs

  Task task() const { return data.schema.task; }
  Index classes() const { return static_cast<Index>(data.schema.classes.size()); }
};

// Loads the data and resolves the loss against the task. Throws InputError.
Experiment load_experiment(const Settings& settings);

// The network the settings describe for this experiment's data, initialised from `seed` with
// `init` (the settings' scheme, unless compare chose another).
Network build_network(const ModelSettings& model, const Initializer& init, const Experiment& experiment,
                      std::uint64_t seed);

}  // namespace mlp
