// The cost of each activation function on this machine: forward and backward over a large
// batch, in nanoseconds per element (`compare --bench-activations`), so that "ReLU is cheaper
// than tanh" is a measurement rather than a claim.
#pragma once

#include "mlp/activation.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <vector>

namespace mlp {

struct ActivationCost {
  std::string activation;  // description, e.g. "leaky_relu(negative_slope=0.01)", or "copy"
  double forward_ns = 0;   // per element, median of the repeats
  double backward_ns = 0;
  bool passes_input_through = false;  // identity: a network skips the layer, so both are 0
  double total_ns() const { return forward_ns + backward_ns; }
};

// Times each activation on a rows x cols batch of inputs uniform in [-4, 4] (one thread), each
// pass repeated for at least `min_seconds`. The first entry is a plain copy of the batch, the
// floor any elementwise function pays for reading and writing memory.
std::vector<ActivationCost> bench_activations(std::span<const Activation> activations, Index rows = 256,
                                              Index cols = 4096, double min_seconds = 0.1);

// The costs in each format `compare --format` names, one layout each. The fields are activation,
// forward_ns, backward_ns, total_ns and passes_input_through, one entry per cost in order:
// - table: aligned, for people, with each total relative to the copy's and a note on the units;
// - csv: a header row, then one row per cost, numbers to the last digit;
// - json: an array of objects with those keys.
std::string activation_costs_table(std::span<const ActivationCost> costs);
std::string activation_costs_csv(std::span<const ActivationCost> costs);
nlohmann::json activation_costs_json(std::span<const ActivationCost> costs);

}  // namespace mlp
