// The three products of a dense layer in mlptrain's layout (lib/src/nn/layers.cpp), as runnable
// closures over any backend, for the whole product or for a range of its result columns (the
// parts mlptrain's thread pool computes, lib/src/core/parallel_parts.hpp).
#pragma once

#include "backend.hpp"

#include <Eigen/Core>

#include <functional>
#include <string>
#include <vector>

namespace gemm_bench {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;

// forward:      Z  = W X + b   (out x n; the bias is written first, then W X accumulated)
// weight_grad:  dW = G X^T     (out x in; split by columns = by inputs)
// input_grad:   dX = W^T G     (in x n)
enum class Product { kForward, kWeightGrad, kInputGrad };
inline constexpr Product kProducts[] = {Product::kForward, Product::kWeightGrad, Product::kInputGrad};
const char* product_name(Product p);

// The buffers of one dense layer, inputs filled with values in [-1, 1] from a fixed seed.
struct Layer {
  Index in, out, batch;
  Matrix weight, input, grad_output, output, weight_grad, grad_input;
  Vector bias;
  Layer(Index in_, Index out_, Index batch_);
  Matrix& result(Product p);
};

// The product's shape (accumulate set for the forward pass, whose bias is written first).
Shape product_shape(const Layer& layer, Product p);

// A way to compute the products with one backend: `relu` adds a ReLU after the forward pass
// (fused when the backend can, else a separate pass as mlptrain's activation layer does).
struct Method {
  std::string label;
  Backend* backend;
  bool relu = false;
};

// Computes columns [first, first + count) of product p's result with `method`; an empty function
// when the backend does not take the shape (or a ReLU method for a backward product). The
// backend's kernel is prepared here, not when the closure runs.
std::function<void()> make_runner(const Method& method, Layer& layer, Product p, Index first, Index count);

}  // namespace gemm_bench
