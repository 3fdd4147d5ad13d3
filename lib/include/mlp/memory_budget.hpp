// How much memory a network will take, estimated from its shape before anything is allocated, and
// the limit it is checked against (--memory-limit). A config or model file that asks for more
// than the machine can give fails at once, with the figures, instead of being killed by the
// kernel part way through a run.
#pragma once

#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/resources.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {

// The default limit: half of the memory this process may use (usable_memory: physical memory, or
// its cgroup's limit when lower), with where it came from ("half of physical memory"); no limit
// (UINT64_MAX) when neither is known.
MemorySize default_memory_limit();

// A limit as --memory-limit takes it: bytes with an optional suffix K, M, G or T (powers of 1024,
// "GiB" and "GB" read the same), e.g. "512M", "1.5G", "1073741824", or a share of the memory this
// process may use (usable_memory), "75%". Throws InputError saying what is accepted; zero is not a
// limit.
std::uint64_t parse_memory_limit(std::string_view text);

// The --memory-limit text resolved: parse_memory_limit, or default_memory_limit's bytes when empty.
std::uint64_t memory_limit_or_default(std::string_view text);

// A network's shape before it is built: the input width, the output width of every layer in
// order, and its learnable values (weights, biases and learned activation values).
struct NetworkShape {
  Index inputs = 0;
  std::vector<Index> widths;
  double parameters = 0;  // a double: a hostile shape must not overflow the count
};

// The shape Network::build gives `hidden` between `inputs` and a final linear layer to `outputs`.
NetworkShape network_shape(Index inputs, std::span<const LayerSpec> hidden, Index outputs);

// What a network will hold, in bytes (float32 values: 4 bytes each). Figures are doubles so that
// absurd shapes (a 2^20 x 2^20 layer) give absurd numbers rather than wrapping around.
struct MemoryNeed {
  double parameters = 0;        // learnable values
  double parameter_bytes = 0;   // the parameters and every copy of them that is kept
  std::string copies;           // what they are: "weights, gradients, 2 optimizer state vectors, ..."
  double activation_bytes = 0;  // layer outputs and the gradients flowing back through them
  Index batch = 0;              // the batch the activation buffers are sized for
  double data_bytes = 0;        // the loaded data (features, targets, line numbers)
  int networks = 1;             // networks in memory at once (compare runs in parallel)

  double total() const { return networks * (parameter_bytes + activation_bytes) + data_bytes; }
};

// Training: weights, gradients, `optimizer_slots` state vectors and the fallback (best or last
// good) weights, 4 bytes per parameter each; activation buffers of (inputs + sum of widths) x
// max(batch_size, 256) values, twice (the outputs of the forward pass, and as much again for the
// gradients of the backward pass and the trainer's batch copies). The network reserves at least
// 256 columns, because evaluation runs in chunks of that size.
MemoryNeed training_memory(const NetworkShape& shape, int optimizer_slots, Index batch_size);

// Prediction with a loaded network: weights and their gradient storage (a loaded network keeps
// both), and activation buffers as above for chunks of up to 1024 samples (Network::predict).
MemoryNeed prediction_memory(const NetworkShape& shape);

// State vectors the optimizer keeps per parameter (Adam 2, AMSGrad 3, SGD with momentum 1,
// plain SGD 0, ...), found by creating it over a one-value parameter. Throws what the
// optimizer's constructor throws for inconsistent parameters.
int optimizer_state_slots(const OptimizerConfig& optimizer);

// Throws InputError when `need` exceeds `limit`:
//   "<source>: the run needs 20.0 TiB (20.0 TiB for 1.1e+12 parameters as weights, gradients,
//    2 optimizer state vectors, and a kept copy of the weights; 8.0 GiB for activations at batch
//    256; 120 B for the data) but the memory limit is 11.7 GiB; see --memory-limit"
// (the default limit is followed by its source: "11.7 GiB (half of physical memory)").
// ("the network needs" when neither data nor several networks are counted.)
void check_memory(const MemoryNeed& need, std::uint64_t limit, const std::string& source);

}  // namespace mlp
