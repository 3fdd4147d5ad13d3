// What `compare` measures inside a network to make the textbook claims visible: dead units and
// saturation per hidden activation layer (over a dataset, in evaluation mode), the gradient norm
// of each linear layer's weights, and the values learnable activations have learned.
#pragma once

#include "mlp/network.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlp {

// One hidden activation layer, measured over a dataset.
struct ActivityStats {
  std::size_t layer = 0;                     // index of the activation layer in the network
  std::optional<double> dead_fraction;       // units whose output is the flat value for every sample;
                                             // nothing when the function has no flat region
  std::optional<double> saturated_fraction;  // outputs within 1 % of the range from either bound;
                                             // nothing when the function is not bounded
  double mean_activation = 0;                // mean output (zero-centredness)
};

// Summary of a learnable activation's learned values (PReLU slopes).
struct LearnedStats {
  std::size_t layer = 0;
  std::string name;  // the learned parameter's (PReLU: "weight"; a formula's: "beta")
  double mean = 0, min = 0, max = 0;
};

struct EpochDiagnostics {
  std::vector<ActivityStats> activity;   // per activation layer, first to last
  std::vector<double> weight_grad_norm;  // per linear layer, first to last: mean over the epoch's steps
  std::vector<LearnedStats> learned;     // per learnable activation layer and learned parameter
  // weight_grad_norm.front() / weight_grad_norm.back(): far below 1 means the gradient vanishes
  // on its way back to the first layer.
  std::optional<double> grad_ratio() const;
};

// Accumulates ActivityStats over batches: call add() after each forward in evaluation mode.
class ActivityAccumulator {
 public:
  explicit ActivityAccumulator(const Network& network);
  void add(const Network& network);
  std::vector<ActivityStats> finish() const;

 private:
  struct LayerState {
    std::size_t layer;
    std::optional<double> flat_value;
    std::optional<OutputBounds> bounds;
    std::vector<bool> always_flat;  // per unit: every output so far was the flat value
    Index values = 0;
    Index saturated = 0;
    double sum = 0;
  };
  std::vector<LayerState> layers_;
};

// Learned-value summaries of every learnable activation layer.
std::vector<LearnedStats> learned_stats(const Network& network);

}  // namespace mlp
