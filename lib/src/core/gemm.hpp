// The three matrix products of a dense layer behind one interface, with two backends: Eigen (always
// built; the portable reference) and OpenBLAS's cblas_?gemm (when the build found it: MLP_GEMM in
// CMakeLists.txt). Eigen stays the container: every operand is an Eigen view over column-major
// storage, and only the product itself is handed to the backend.
//
// Bit-identical results for any --threads: the backend is chosen by gemm_backend() from the shape
// of the *whole* product, once, before any split, and for_product_parts() splits it into aligned
// column parts either where every part computes each of its values exactly as the whole product
// does (Eigen's matrix-matrix products: the split may follow the pool's size), or by the product's
// shape alone (OpenBLAS: every part is the same call whatever the pool's size).
// tests/unit/core/test_gemm.cpp checks all three.
#pragma once

#include "mlp/gemm.hpp"
#include "mlp/tensor.hpp"
#include "mlp/thread_pool.hpp"

#include "core/parallel_parts.hpp"

#include <algorithm>

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

// OpenBLAS's parts: at least this many columns each (a multiple of kColumnAlign), and at most
// kBlasMaxParts of them (the last the widest), whatever the pool's size. OpenBLAS 0.3.21 does not compute an aligned
// column part of a product bit for bit as the whole: its sums for parts of 64, 128 or 320 columns
// of a 200- or 530-column product differ in the last bits from the whole's, for every product and
// with both its AVX2 and AVX-512 kernels (its small-matrix kernels and its blocking depend on the
// number of columns; tests/unit/core/test_gemm.cpp found it). So its parts are fixed by the shape
// alone, and run on the pool as it is (in order on one thread): each is the same OpenBLAS call for
// any --threads. Four parts of 128 columns and more keep 2-4 threads busy and each call large.
constexpr Index kBlasPartMinCols = 2 * kColumnAlign;
constexpr Index kBlasMaxParts = 4;

// How many parts an OpenBLAS product with `cols` result columns and `work` multiply-adds is split
// into: a function of its shape only, never of the pool.
inline Index blas_parts(Index cols, double work) {
  if (work < kMinParallelWork) return 1;
  return std::clamp<Index>(cols / kBlasPartMinCols, 1, kBlasMaxParts);
}

// Calls part(first, count) for aligned column parts covering [0, cols) of a product with
// `result_rows` rows and `work` multiply-adds, computed by `backend`, spread over `pool` (nullptr:
// one thread). Eigen's matrix-matrix products are split by the pool's size (for_aligned_parts):
// each part computes its values exactly as the whole does. Eigen's one-row results do not (it
// computes them as a matrix-vector product, whose sums depend on the columns it is given), so they
// run whole. OpenBLAS's products are split by shape alone (blas_parts).
template <class Part>
void for_product_parts(ThreadPool* pool, GemmBackend backend, Index result_rows, Index cols, double work,
                       Part&& part) {
  if (backend == GemmBackend::kOpenBlas) {
    // Aligned columns per part rounded down, so that every part, the last the widest, has at least
    // kBlasPartMinCols.
    const Index parts = blas_parts(cols, work);
    const Index per_part = cols / parts / kColumnAlign * kColumnAlign;
    for_aligned_ranges(pool, cols, parts, per_part, [&](int, Index first, Index count) { part(first, count); });
  } else {
    for_aligned_parts(result_rows > 1 ? pool : nullptr, cols, work, std::forward<Part>(part));
  }
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
