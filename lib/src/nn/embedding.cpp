#include "mlp/error.hpp"
#include "mlp/layers.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace mlp {

Index embedding_dim(Index inputs) {
  return std::min<Index>(600, static_cast<Index>(std::lround(1.6 * std::pow(static_cast<double>(inputs), 0.56))));
}

EmbeddingLayer::EmbeddingLayer(std::vector<EmbeddingPart> parts) : parts_(std::move(parts)) {
  for (const EmbeddingPart& part : parts_) {
    if (part.inputs < 1 || part.dim < 0) {
      throw InputError("an embedding part needs at least one input and a dim >= 0, got " + std::to_string(part.inputs) +
                       " inputs, dim " + std::to_string(part.dim));
    }
    inputs_ += part.inputs;
    outputs_ += part.dim == 0 ? part.inputs : part.dim;
    if (part.dim > 0) {
      weights_.push_back(Matrix::Zero(part.dim, part.inputs));
      weight_grads_.push_back(Matrix::Zero(part.dim, part.inputs));
    }
  }
}

// Per part: Y_p = X_p (copied), or Y_p = E_p X_p. A whole-batch product per embedded column,
// on the calling thread: the parts are small beside the dense layers that follow.
void EmbeddingLayer::forward(ConstMatrixView input, MatrixView output, Mode) {
  Index in = 0, out = 0;
  std::size_t k = 0;
  for (const EmbeddingPart& part : parts_) {
    if (part.dim == 0) {
      output.middleRows(out, part.inputs) = input.middleRows(in, part.inputs);
      out += part.inputs;
    } else {
      output.middleRows(out, part.dim).noalias() = weights_[k++] * input.middleRows(in, part.inputs);
      out += part.dim;
    }
    in += part.inputs;
  }
}

// With G_p = dL/dY_p:  dL/dE_p = G_p X_p^T  and  dL/dX_p = E_p^T G_p (G_p for a copied part).
void EmbeddingLayer::backward(ConstMatrixView input, ConstMatrixView, ConstMatrixView grad_output,
                              MatrixView grad_input) {
  Index in = 0, out = 0;
  std::size_t k = 0;
  for (const EmbeddingPart& part : parts_) {
    if (part.dim == 0) {
      if (grad_input.rows() > 0) grad_input.middleRows(in, part.inputs) = grad_output.middleRows(out, part.inputs);
      out += part.inputs;
    } else {
      const auto g = grad_output.middleRows(out, part.dim);
      weight_grads_[k].noalias() = g * input.middleRows(in, part.inputs).transpose();
      if (grad_input.rows() > 0) grad_input.middleRows(in, part.inputs).noalias() = weights_[k].transpose() * g;
      ++k;
      out += part.dim;
    }
    in += part.inputs;
  }
}

std::vector<ParamBlock> EmbeddingLayer::parameters() {
  std::vector<ParamBlock> blocks;
  for (std::size_t k = 0; k < weights_.size(); ++k) {
    blocks.push_back({"weight", VectorView(weights_[k].data(), weights_[k].size()),
                      VectorView(weight_grads_[k].data(), weight_grads_[k].size())});
  }
  return blocks;
}

}  // namespace mlp
