// The three matrix products of a dense layer behind one interface, with two backends: Eigen (always
// built; the portable reference) and OpenBLAS's cblas_?gemm (when the build found it: MLP_GEMM in
// CMakeLists.txt). Eigen stays the container: every operand is an Eigen view over column-major
// storage, and only the product itself is handed to the backend.
//
// Bit-identical results for any --threads: the backend is chosen by gemm_backend() from the shape
// of the *whole* product, once, before any split, and a product is split into aligned column parts
// (parallel_parts.hpp) only where every part computes each of its values exactly as the whole
// product does (split_pool; tests/unit/core/test_gemm.cpp checks both).
#pragma once

#include "mlp/gemm.hpp"
#include "mlp/tensor.hpp"
#include "mlp/thread_pool.hpp"

namespace mlp::detail {

enum class GemmBackend { kEigen, kOpenBlas };

// The products of a dense layer with k inputs, m outputs and a batch of n samples:
//   kForward      Z += W X     (m x n, sum over k)   the bias written into Z first
//   kWeightGrad   dW = G Xᵀ    (m x k, sum over n)
//   kInputGrad    dX = Wᵀ G    (k x n, sum over m)
enum class GemmProduct { kForward, kWeightGrad, kInputGrad };

// The backend for `product` of a layer with `in` inputs, `out` outputs and a batch of `batch`:
// the faster one for that shape class on the machine measured (the rule and its figures are in
// gemm.cpp); always kEigen in a build without OpenBLAS. Call it with the whole product's shape.
GemmBackend gemm_backend(GemmProduct product, Index in, Index out, Index batch);

// The pool a product may be split over, or nullptr when it must run whole on the calling thread.
// Only Eigen's matrix-matrix kernel computes an aligned column part bit for bit as the whole.
// OpenBLAS 0.3.21 does not: its sums for parts of 64, 128 or 320 columns of a 200- or 530-column
// product differ in the last bits from the whole's, for every product and with both its AVX2 and
// AVX-512 kernels (found by tests/unit/core/test_gemm.cpp's grid when it split them); nor does
// Eigen for a one-row result, which it computes as a matrix-vector product. The products routed to
// OpenBLAS are small (see gemm.cpp), so running them whole costs little.
inline ThreadPool* split_pool(ThreadPool* pool, GemmBackend backend, Index result_rows) {
  return backend == GemmBackend::kEigen && result_rows > 1 ? pool : nullptr;
}

// Operands: any column-major view whose columns are contiguous (a Map, its middleCols or
// middleRows); such views bind to these references without a copy.
using ConstMatrixRef = Eigen::Ref<const Matrix>;
using MatrixRef = Eigen::Ref<Matrix>;

// c += a b, with c of a.rows() x b.cols() and a.cols() == b.rows().
void multiply_accumulate(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c);
// c = a bᵀ, with c of a.rows() x b.rows() and a.cols() == b.cols().
void multiply_transposed(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c);
// c = aᵀ b, with c of a.cols() x b.cols() and a.rows() == b.rows().
void transposed_multiply(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c);

}  // namespace mlp::detail
