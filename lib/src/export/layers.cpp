// The network's layers as ONNX operators (samples are rows in ONNX, as in torch).
#include "export/nodes.hpp"

#include "mlp/error.hpp"
#include "mlp/layers.hpp"

namespace mlp::onnx_export {
namespace {

std::vector<float> row_major(const Matrix& m) {
  std::vector<float> values;
  values.reserve(static_cast<std::size_t>(m.size()));
  for (Index r = 0; r < m.rows(); ++r) {
    for (Index c = 0; c < m.cols(); ++c) values.push_back(m(r, c));
  }
  return values;
}

// y = x W^T + b: Gemm with W as stored (out x in, torch.nn.Linear's layout) and transB.
std::string dense(Graph& g, const DenseLayer& layer, const std::string& prefix, const std::string& x) {
  const std::string weight =
      g.floats(prefix + "weight", {layer.weight().rows(), layer.weight().cols()}, row_major(layer.weight()));
  const std::vector<float> bias(layer.bias().begin(), layer.bias().end());
  const std::string b = g.floats(prefix + "bias", {layer.bias().size()}, bias);
  return g.node("Gemm", {x, weight, b}, {{"transB", std::int64_t{1}}}, prefix + "linear");
}

// Each part copied through or embedded, as one matrix M (inputs x outputs): x M. An identity
// block for a copied part, E^T for an embedded one (its dim x inputs matrix E, transposed).
std::string embedding(Graph& g, const EmbeddingLayer& layer, const std::string& prefix, const std::string& x) {
  Matrix m = Matrix::Zero(layer.input_size(), layer.output_size());
  Index in = 0, out = 0;
  std::size_t k = 0;
  for (const EmbeddingPart& part : layer.parts()) {
    if (part.dim == 0) {
      m.block(in, out, part.inputs, part.inputs).setIdentity();
      out += part.inputs;
    } else {
      m.block(in, out, part.inputs, part.dim) = layer.weight(k++).transpose();
      out += part.dim;
    }
    in += part.inputs;
  }
  const std::string weight = g.floats(prefix + "weight", {m.rows(), m.cols()}, row_major(m));
  return g.node("MatMul", {x, weight}, {}, prefix + "embedding");
}

}  // namespace

std::string add_layers(Graph& g, const Network& network, const std::string& x) {
  std::string h = x;
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const Layer& layer = network.layer(i);
    const std::string prefix = "layers." + std::to_string(i) + ".";
    if (const auto* linear = dynamic_cast<const DenseLayer*>(&layer)) {
      h = dense(g, *linear, prefix, h);
    } else if (const auto* activation = dynamic_cast<const ActivationLayer*>(&layer)) {
      const Vector& learned = activation->learned();
      h = add_activation(g, activation->activation(), std::span<const float>(learned.data(), learned.size()), h);
    } else if (const auto* embedded = dynamic_cast<const EmbeddingLayer*>(&layer)) {
      h = embedding(g, *embedded, prefix, h);
    } else if (dynamic_cast<const DropoutLayer*>(&layer) == nullptr) {
      throw InputError("layers[" + std::to_string(i) + "]: layer type \"" + std::string(layer.type()) +
                       "\" has no ONNX mapping");
    }
  }
  return h;
}

}  // namespace mlp::onnx_export
