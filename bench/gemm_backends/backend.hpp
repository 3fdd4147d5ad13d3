// The one small interface behind which bench/gemm_backends times each matrix-product library.
//
// A product is C = op(A) op(B) (+ C, or + a bias broadcast over C's columns, then optionally
// ReLU), every matrix column-major with a leading dimension, as mlptrain stores them (one sample
// per column). A backend first prepares a kernel for one shape (a oneDNN primitive, a libxsmm JIT
// kernel; nothing for a BLAS), outside any timed loop, and then runs it on pointers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace gemm_bench {

using Index = std::int64_t;

// The shape and epilogue of one product: C (m x n, ldc) = op(A) (m x k) * op(B) (k x n), where
// op(A) = A (lda >= m) or A^T (A is k x m, lda >= k), likewise for B.
struct Shape {
  bool trans_a = false;
  bool trans_b = false;
  Index m = 0, n = 0, k = 0;
  Index lda = 0, ldb = 0, ldc = 0;
  bool accumulate = false;  // C += op(A) op(B) (beta = 1) instead of C = op(A) op(B)
  bool bias = false;        // C = op(A) op(B) + bias (m values, one per row), fused in the product
  bool relu = false;        // then C = max(C, 0), fused (only with bias)
};

// A product prepared for one shape: run() does no set-up and no allocation.
class Kernel {
 public:
  virtual ~Kernel() = default;
  // bias: m values when the shape has one, else ignored.
  virtual void run(const float* a, const float* b, const float* bias, float* c) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Version and the kernels chosen at run time (for the report).
  virtual std::string describe() const = 0;
  // nullptr when this backend does not take the shape (a libxsmm transpose it cannot JIT, a
  // fused epilogue a BLAS does not have).
  virtual std::unique_ptr<Kernel> prepare(const Shape& shape) = 0;
  // Sets the library's own thread count; false when it has none (it then always runs on the
  // calling thread alone). Kernels prepared afterwards use it.
  virtual bool set_threads(int threads) = 0;
};

// Each factory is defined only when CMake found its library (see bench/CMakeLists.txt).
std::unique_ptr<Backend> make_eigen();
std::unique_ptr<Backend> make_openblas();
std::unique_ptr<Backend> make_blis();
std::unique_ptr<Backend> make_onednn();
std::unique_ptr<Backend> make_libxsmm();

}  // namespace gemm_bench
