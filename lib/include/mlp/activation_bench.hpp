// The cost of each activation function on this machine: forward and backward over a large
// batch, in nanoseconds per element (`compare --bench-activations`), so that "ReLU is cheaper
// than tanh" is a measurement rather than a claim.
#pragma once

#include "mlp/activation.hpp"

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

}  // namespace mlp
