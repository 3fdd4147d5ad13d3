#include "core/gemm.hpp"

#include <Eigen/Core>

#include <string>

#ifdef MLP_WITH_OPENBLAS
#include <cblas.h>
#endif

namespace mlp::detail {

// ---- The rule -------------------------------------------------------------------------------
//
// Measured with bench/gemm_route (both backends interleaved, medians of 7-9 samples, 1 thread) on
// an AMD EPYC Zen 4 (2 cores, AVX-512 on 256-bit pipes), Eigen 3.4.0 built with -march=native
// against Debian's OpenBLAS 0.3.21; the figures are in bench/README.md ("Matrix products").
// OpenBLAS 0.3.21 predates Zen 4 and gives it its AVX2 "Haswell" kernels: Eigen's AVX-512 code is
// faster on most shapes (OpenBLAS at 0.65-0.85 times its speed from 16 result rows up), but its
// kernel works on panels of 16 to 48 rows and wastes most of one on a result of a few rows, where
// OpenBLAS computes the backward products 1.1-3 times faster: dW of a layer with 2-12 outputs and at
// least 16 inputs (1.03-3.0), dX of a layer with 2-12 inputs and at most 32 outputs (1.1-3.4). Its
// forward products of such shapes gain under 15 % or lose, depending on the batch, and a one-row
// result drops to 0.2: Eigen keeps those. (OpenBLAS's AVX-512 "SkylakeX" kernels, which
// OPENBLAS_CORETYPE=SkylakeX selects, win these shapes by 2-10 and most others by 1.3-1.5; those
// others are not routed to it, because its products cannot be split over threads: see split_pool.)
// Every input of the rule is the whole product's shape, so all parts of it go the same way.
#ifdef MLP_WITH_OPENBLAS
namespace {

constexpr Index kNarrowRowsMin = 2;  // results of 2..12 rows
constexpr Index kNarrowRowsMax = 12;
constexpr Index kNarrowWeightGradMinInputs = 16;
constexpr Index kNarrowInputGradMaxOutputs = 32;

}  // namespace
#endif

GemmBackend gemm_backend(GemmProduct product, Index in, Index out, Index batch) {
  (void)batch;  // no boundary of the measured classes depends on the batch
#ifdef MLP_WITH_OPENBLAS
  const Index rows = product == GemmProduct::kInputGrad ? in : out;  // the result's
  const bool narrow = rows >= kNarrowRowsMin && rows <= kNarrowRowsMax;
  const bool openblas = narrow && ((product == GemmProduct::kWeightGrad && in >= kNarrowWeightGradMinInputs) ||
                                   (product == GemmProduct::kInputGrad && out <= kNarrowInputGradMaxOutputs));
  return openblas ? GemmBackend::kOpenBlas : GemmBackend::kEigen;
#else
  (void)product;
  (void)in;
  (void)out;
  return GemmBackend::kEigen;
#endif
}

// ---- OpenBLAS -------------------------------------------------------------------------------

#ifdef MLP_WITH_OPENBLAS
namespace {

// OpenBLAS runs single-threaded inside each part, whatever OPENBLAS_NUM_THREADS says: our own
// pool splits a product into aligned column parts, so OpenBLAS's threads would only compete with
// ours for the same cores (2 x 2 threads on 2 cores), and its own split of a product would change
// with its thread count. Set once, before the first product (a thread-safe static).
void use_one_openblas_thread() {
  static const bool once = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)once;
}

// cblas_sgemm, or cblas_dgemm for the gradient-check build (it runs in double); column-major.
// Each build uses the one of its Scalar.
[[maybe_unused]] void cblas_gemm(CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, blasint m, blasint n, blasint k,
                                 const float* a, blasint lda, const float* b, blasint ldb, float beta, float* c,
                                 blasint ldc) {
  cblas_sgemm(CblasColMajor, trans_a, trans_b, m, n, k, 1.0F, a, lda, b, ldb, beta, c, ldc);
}
[[maybe_unused]] void cblas_gemm(CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, blasint m, blasint n, blasint k,
                                 const double* a, blasint lda, const double* b, blasint ldb, double beta, double* c,
                                 blasint ldc) {
  cblas_dgemm(CblasColMajor, trans_a, trans_b, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
}

// c = op(a) op(b) + beta c, with c of m x n and a sum over k.
void blas_gemm(CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, Index m, Index n, Index k, Scalar beta,
               const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef& c) {
  use_one_openblas_thread();
  const auto i = [](Index v) { return static_cast<blasint>(v); };
  cblas_gemm(trans_a, trans_b, i(m), i(n), i(k), a.data(), i(a.outerStride()), b.data(), i(b.outerStride()), beta,
             c.data(), i(c.outerStride()));
}

// Whether OpenBLAS can take a product with these operands: no empty dimension (BLAS rejects a
// leading dimension of 0, and there is nothing to compute).
bool blas_can_take(const ConstMatrixRef& a, const ConstMatrixRef& b, const MatrixRef& c) {
  return a.size() > 0 && b.size() > 0 && c.size() > 0;
}

}  // namespace
#endif

// ---- The products ---------------------------------------------------------------------------

void multiply_accumulate(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
#ifdef MLP_WITH_OPENBLAS
  if (backend == GemmBackend::kOpenBlas && blas_can_take(a, b, c)) {
    blas_gemm(CblasNoTrans, CblasNoTrans, c.rows(), c.cols(), a.cols(), Scalar(1), a, b, c);
    return;
  }
#endif
  (void)backend;
  c.noalias() += a * b;
}

void multiply_transposed(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
#ifdef MLP_WITH_OPENBLAS
  if (backend == GemmBackend::kOpenBlas && blas_can_take(a, b, c)) {
    blas_gemm(CblasNoTrans, CblasTrans, c.rows(), c.cols(), a.cols(), Scalar(0), a, b, c);
    return;
  }
#endif
  (void)backend;
  c.noalias() = a * b.transpose();
}

void transposed_multiply(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
#ifdef MLP_WITH_OPENBLAS
  if (backend == GemmBackend::kOpenBlas && blas_can_take(a, b, c)) {
    blas_gemm(CblasTrans, CblasNoTrans, c.rows(), c.cols(), a.rows(), Scalar(0), a, b, c);
    return;
  }
#endif
  (void)backend;
  c.noalias() = a.transpose() * b;
}

}  // namespace mlp::detail

namespace mlp {

std::string gemm_backend_text() {
  const std::string eigen = "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) +
                            "." + std::to_string(EIGEN_MINOR_VERSION);
#ifdef MLP_WITH_OPENBLAS
  // openblas_get_config() starts "OpenBLAS 0.3.21 ...": its name and version.
  std::string openblas = openblas_get_config();
  openblas = openblas.substr(0, openblas.find(' ', openblas.find(' ') + 1));
  return openblas + " (" + openblas_get_corename() + " kernels, single-threaded) for narrow results, " + eigen +
         " elsewhere";
#else
  return eigen;
#endif
}

}  // namespace mlp
