// A network: a sequence of layers, exactly like torch.nn.Sequential, with the buffers that let a
// training step run without allocating.
#pragma once

#include "mlp/activation.hpp"
#include "mlp/init.hpp"
#include "mlp/layer.hpp"
#include "mlp/layers.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mlp {

// One layer of an architecture, before it has weights.
struct LayerSpec {
  enum class Type { kLinear, kActivation, kDropout, kEmbedding };
  Type type = Type::kLinear;
  Index units = 0;        // kLinear: output features
  Activation activation;  // kActivation
  double p = 0;           // kDropout: probability of zeroing a value
  // kActivation: the activation is model.activation (not a per-layer override), so `compare`
  // replaces it with each activation it compares.
  bool follows_model_activation = false;
  std::vector<EmbeddingPart> parts;  // kEmbedding (the first layer only)

  static LayerSpec linear(Index units) { return {Type::kLinear, units, {}, 0, false, {}}; }
  static LayerSpec activation_of(Activation a, bool follows_model = false) {
    return {Type::kActivation, 0, std::move(a), 0, follows_model, {}};
  }
  static LayerSpec dropout(double p) { return {Type::kDropout, 0, {}, p, false, {}}; }
  static LayerSpec embedding(std::vector<EmbeddingPart> parts) {
    return {Type::kEmbedding, 0, {}, 0, false, std::move(parts)};
  }
};

class Network {
 public:
  // Throws InputError when consecutive layer sizes do not match or there are no layers.
  explicit Network(std::vector<std::unique_ptr<Layer>> layers);

  // Builds `layers`, then a final linear layer to `outputs` units, initialised from `seed` (the
  // same architecture, init and seed give the same weights, whatever the activations are).
  // The network's output is the last linear layer's: logits for classification.
  static Network build(Index inputs, std::span<const LayerSpec> layers, Index outputs, const Initializer& init,
                       std::uint64_t seed);

  Index input_size() const { return layers_.front()->input_size(); }
  Index output_size() const { return layers_.back()->output_size(); }
  std::size_t layer_count() const { return layers_.size(); }
  Layer& layer(std::size_t i) { return *layers_[i]; }
  const Layer& layer(std::size_t i) const { return *layers_[i]; }

  // Sizes every buffer for batches of up to `max_batch` samples. forward and backward on such
  // batches allocate nothing afterwards.
  void reserve(Index max_batch);
  Index reserved_batch() const { return reserved_batch_; }

  // Output (output_size x n) for an input batch (input_size x n, n <= reserved_batch()). The
  // returned view and every layer's output stay valid until the next forward. The caller keeps
  // `input` alive and unchanged until backward.
  ConstMatrixView forward(ConstMatrixView input, Mode mode);

  // Back-propagates dL/d(output) of the last forward, setting every parameter's gradient.
  void backward(ConstMatrixView grad_output);

  // Output of layer i in the last forward (what the diagnostics look at).
  ConstMatrixView output_of(std::size_t i) const;

  // Outputs for any number of samples, computed in evaluation mode in chunks of the reserved
  // batch size. `output` is output_size x input.cols().
  void predict(ConstMatrixView input, MatrixView output);

  // The architecture in one line: "4 → linear(16) → relu → dropout(0.5) → linear(3)".
  std::string describe() const;

  // Every learnable parameter, layer by layer; the views stay valid while the network lives.
  std::span<const ParamBlock> parameters() const { return parameters_; }
  Index parameter_count() const;

  // Splits large matrix products over `pool` (nullptr: run on the calling thread); the trainer
  // uses the same pool for the optimizer step.
  void set_thread_pool(ThreadPool* pool);
  ThreadPool* thread_pool() const { return pool_; }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<ParamBlock> parameters_;
  std::vector<Matrix> outputs_;  // outputs_[i]: output of layer i, output_size x reserved batch
  Matrix grad_a_;                // two ping-pong buffers for dL/d(layer output),
  Matrix grad_b_;                // each max layer size x reserved batch
  Index reserved_batch_ = 0;
  Index batch_ = 0;                     // samples in the last forward
  const Scalar* last_input_ = nullptr;  // the last forward's input
  // Per layer, for the last forward: where its output is (outputs_[i], or its input's memory
  // when it passed the input through) and whether it passed it through.
  std::vector<const Scalar*> output_data_;
  std::vector<char> passed_through_;
  ThreadPool* pool_ = nullptr;
};

}  // namespace mlp
