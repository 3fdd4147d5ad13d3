#include "mlp/network.hpp"

#include "mlp/error.hpp"
#include "mlp/layers.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace mlp {

Network::Network(std::vector<std::unique_ptr<Layer>> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw InputError("a network needs at least one layer");
  for (std::size_t i = 1; i < layers_.size(); ++i) {
    if (layers_[i]->input_size() != layers_[i - 1]->output_size()) {
      throw InputError("layer " + std::to_string(i) + " (" + std::string(layers_[i]->type()) + ") takes " +
                       std::to_string(layers_[i]->input_size()) + " inputs but layer " + std::to_string(i - 1) +
                       " gives " + std::to_string(layers_[i - 1]->output_size()));
    }
  }
  for (auto& layer : layers_) {
    for (ParamBlock& block : layer->parameters()) parameters_.push_back(std::move(block));
  }
}

namespace {

// The embedding of the network's inputs, its matrices drawn from N(0, 1) as torch.nn.Embedding
// initialises them, from a generator of their own (the linear layers' weights stay those of the
// same shapes without embeddings).
std::unique_ptr<Layer> embedding_layer(const std::vector<EmbeddingPart>& parts, Index width, std::uint64_t seed) {
  auto layer = std::make_unique<EmbeddingLayer>(parts);
  if (layer->input_size() != width) {
    throw InputError("the embedding's parts cover " + std::to_string(layer->input_size()) + " inputs, not the " +
                     std::to_string(width) + " the network has");
  }
  Rng rng(seed, "embedding");
  for (std::size_t k = 0; k < layer->embedded_count(); ++k) {
    for (Scalar& w : layer->weight(k).reshaped()) w = static_cast<Scalar>(rng.normal());
  }
  return layer;
}

}  // namespace

Network Network::build(Index inputs, std::span<const LayerSpec> specs, Index outputs, const Initializer& init,
                       std::uint64_t seed) {
  // One generator for every weight, drawn layer by layer, so the initial weights depend only on
  // the linear layers' shapes, the scheme and the seed: two activations compared with the same
  // seed start from the same weights.
  Rng init_rng(seed, "init");
  std::vector<std::unique_ptr<Layer>> layers;
  Index width = inputs;
  int dropout_index = 0;
  auto add_linear = [&](Index units) {
    auto dense = std::make_unique<DenseLayer>(width, units);
    init.apply(view(dense->weight()), VectorView(dense->bias().data(), units), init_rng);
    layers.push_back(std::move(dense));
    width = units;
  };
  for (const LayerSpec& spec : specs) {
    switch (spec.type) {
      case LayerSpec::Type::kLinear:
        add_linear(spec.units);
        break;
      case LayerSpec::Type::kActivation:
        layers.push_back(std::make_unique<ActivationLayer>(spec.activation, width));
        break;
      case LayerSpec::Type::kDropout:
        layers.push_back(
            std::make_unique<DropoutLayer>(width, spec.p, Rng(seed, "dropout" + std::to_string(dropout_index++))));
        break;
      case LayerSpec::Type::kEmbedding:
        layers.push_back(embedding_layer(spec.parts, width, seed));
        width = layers.back()->output_size();
        break;
    }
  }
  add_linear(outputs);
  return Network(std::move(layers));
}

void Network::reserve(Index max_batch) {
  if (max_batch <= reserved_batch_) return;
  outputs_.resize(layers_.size());
  Index widest = input_size();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->reserve(max_batch);
    outputs_[i].resize(layers_[i]->output_size(), max_batch);
    widest = std::max(widest, layers_[i]->output_size());
  }
  grad_a_.resize(widest, max_batch);
  grad_b_.resize(widest, max_batch);
  output_data_.assign(layers_.size(), nullptr);
  passed_through_.assign(layers_.size(), 0);
  reserved_batch_ = max_batch;
}

ConstMatrixView Network::forward(ConstMatrixView input, Mode mode) {
  const Index n = input.cols();
  if (n > reserved_batch_) reserve(n);
  const Scalar* data = input.data();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    Layer& layer = *layers_[i];
    passed_through_[i] = layer.passes_input_through(mode);
    if (!passed_through_[i]) {
      const MatrixView output = columns(outputs_[i], n);
      layer.forward(ConstMatrixView(data, layer.input_size(), n), output, mode);
      data = output.data();
    }
    output_data_[i] = data;
  }
  batch_ = n;
  last_input_ = input.data();
  return ConstMatrixView(data, output_size(), n);
}

void Network::backward(ConstMatrixView grad_output) {
  const Index n = batch_;
  // dL/d(output of layer i) lives in grad_output for the last layer, then alternates between
  // the two buffers so that a layer never reads and writes the same memory. A layer that passed
  // its input through hands the gradient on where it is.
  const Scalar* grad = grad_output.data();
  Matrix* next = &grad_a_;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    if (passed_through_[i]) continue;
    Layer& layer = *layers_[i];
    const ConstMatrixView layer_input(i == 0 ? last_input_ : output_data_[i - 1], layer.input_size(), n);
    const ConstMatrixView layer_output(output_data_[i], layer.output_size(), n);
    const ConstMatrixView grad_layer_output(grad, layer.output_size(), n);
    MatrixView grad_input(next->data(), i == 0 ? 0 : layer.input_size(), n);
    layer.backward(layer_input, layer_output, grad_layer_output, grad_input);
    grad = next->data();
    next = next == &grad_a_ ? &grad_b_ : &grad_a_;
  }
}

ConstMatrixView Network::output_of(std::size_t i) const {
  return ConstMatrixView(output_data_[i], layers_[i]->output_size(), batch_);
}

void Network::predict(ConstMatrixView input, MatrixView output) {
  if (reserved_batch_ == 0) reserve(std::min<Index>(std::max<Index>(input.cols(), 1), 1024));
  for (Index first = 0; first < input.cols(); first += reserved_batch_) {
    const Index count = std::min(reserved_batch_, input.cols() - first);
    const ConstMatrixView chunk(input.data() + first * input.rows(), input.rows(), count);
    output.middleCols(first, count) = forward(chunk, Mode::kEval);
  }
}

Index Network::parameter_count() const {
  Index count = 0;
  for (const ParamBlock& block : parameters_) count += block.value.size();
  return count;
}

std::string Network::describe() const {
  std::string text = std::to_string(input_size());
  for (const auto& layer : layers_) {
    text += " → ";
    if (const auto* activation = dynamic_cast<const ActivationLayer*>(layer.get())) {
      text += activation->activation().describe();
    } else if (const auto* dropout = dynamic_cast<const DropoutLayer*>(layer.get())) {
      text += "dropout(" + format_number(dropout->p()) + ")";
    } else {
      text += std::string(layer->type()) + "(" + std::to_string(layer->output_size()) + ")";
    }
  }
  return text;
}

void Network::set_thread_pool(ThreadPool* pool) {
  pool_ = pool;
  for (auto& layer : layers_) layer->set_thread_pool(pool);
}

}  // namespace mlp
