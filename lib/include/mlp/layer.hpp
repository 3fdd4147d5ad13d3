// The layer interface: one step of a network that maps one-to-one onto a torch.nn module
// (Linear, an activation module, Dropout), with its forward and backward pass over a batch.
#pragma once

#include "mlp/tensor.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mlp {

class ThreadPool;

enum class Mode { kTrain, kEval };

// A learnable parameter of a layer, flattened: its values and the gradient of the loss with
// respect to them (set by the last backward pass). Optimizers update `value` from `grad`.
// The views are handles, like pointers: a const ParamBlock still writes through them (hence
// `mutable`), so that spans of const blocks can be handed to optimizers.
struct ParamBlock {
  std::string name;  // "weight", "bias", or the learnable activation parameter's name
  mutable VectorView value;
  mutable VectorView grad;
};

class Layer {
 public:
  virtual ~Layer() = default;

  // The layer type as the model file names it: "linear", "activation", "dropout".
  virtual std::string_view type() const = 0;
  virtual Index input_size() const = 0;
  virtual Index output_size() const = 0;

  // Allocates what the layer needs for batches of up to `max_batch` samples, so that forward
  // and backward allocate nothing.
  virtual void reserve(Index max_batch) { (void)max_batch; }

  // output = layer(input) for a batch (input_size x n -> output_size x n). The caller keeps
  // input and output alive and unchanged until backward.
  virtual void forward(ConstMatrixView input, MatrixView output, Mode mode) = 0;

  // True when, in `mode`, the output is the input unchanged (an identity activation; dropout
  // outside training). The network then skips forward and backward for the layer: its output is
  // its input's memory and its input gradient is its output gradient, with no copy.
  virtual bool passes_input_through(Mode mode) const {
    (void)mode;
    return false;
  }

  // Given dL/d(output) for the batch of the last forward, writes dL/d(input) into grad_input
  // (skipped when grad_input has no rows: the first layer needs none) and overwrites the
  // gradients of this layer's parameters.
  virtual void backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                        MatrixView grad_input) = 0;

  // Views of the learnable parameters and their gradients; valid while the layer lives.
  virtual std::vector<ParamBlock> parameters() { return {}; }

  // The pool that large matrix products may be split over (nullptr: run on the calling thread).
  // A layer that keeps per-thread scratch sizes it here, so that its passes allocate nothing.
  virtual void set_thread_pool(ThreadPool* pool) { pool_ = pool; }

 protected:
  ThreadPool* pool_ = nullptr;
};

}  // namespace mlp
