#include "core/gemm.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>

#ifdef MLP_WITH_OPENBLAS
#include <cblas.h>
#endif

namespace mlp::detail {

// ---- The rule -------------------------------------------------------------------------------
//
// Measured with bench/gemm_route (both backends interleaved, medians of 7-9 samples, 1 thread) on
// an AMD EPYC Zen 5 (family 26 model 2; 2 cores), Eigen 3.4.0 built with -march=native against
// Debian's OpenBLAS 0.3.21; the figures are in bench/README.md ("Matrix products"). OpenBLAS picks
// its kernels at run time: on this CPU its AVX-512 "Cooperlake" kernels, unless the environment
// variable OPENBLAS_CORETYPE names others (these machines set OPENBLAS_CORETYPE=Haswell, its AVX2
// kernels). That is the user's setting and is respected; the rule follows the kernels loaded.
//
// AVX-512 kernels (SkylakeX, Cooperlake, SapphireRapids): OpenBLAS is faster than Eigen on nearly
// every product (1.3-1.5 times on the workloads' products). Over a grid of widths 1-256 and
// batches 4-256 (Cooperlake, geometric means of OpenBLAS over Eigen): results of 4 rows or more
// with sums of 8 terms or more 1.5-2.1; results of 2 or 3 rows 1.3-3.4 with such sums (so they
// go to OpenBLAS too); but one-row results 0.45-0.72 (1.28 only when both other sides are 8 or
// more) and sums of fewer than 8 terms 0.45-1.25 with single shapes down to 0.06: Eigen keeps
// those two.
//
// Other kernels (Haswell, AVX2): Eigen's AVX-512 code is faster on most shapes (OpenBLAS at
// 0.65-0.85 times its speed from 16 result rows up), but its kernel works on panels of 16 to 48
// rows and wastes most of one on a result of a few rows, where OpenBLAS computes the backward
// products 1.1-3 times faster: dW of a layer with 2-12 outputs and at least 16 inputs (1.03-3.0),
// dX of a layer with 2-12 inputs and at most 32 outputs (1.1-3.4). Its forward products of such
// shapes gain under 15 % or lose, depending on the batch, and a one-row result drops to 0.2: Eigen
// keeps those.
//
// Every input of the rule is the whole product's shape, so all parts of it go the same way.
#ifdef MLP_WITH_OPENBLAS
namespace {

constexpr Index kNarrowRowsMin = 2;  // results of 2..12 rows
constexpr Index kNarrowRowsMax = 12;
constexpr Index kNarrowWeightGradMinInputs = 16;
constexpr Index kNarrowInputGradMaxOutputs = 32;
constexpr Index kAvx512MinRows = 2;   // one-row results stay with Eigen
constexpr Index kAvx512MinTerms = 8;  // so do sums of fewer than 8 terms

// Whether OpenBLAS loaded AVX-512 kernels (asked once: it picks them when the library loads).
bool openblas_avx512() {
  static const bool avx512 = [] {
    std::string core = openblas_get_corename();
    std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return std::tolower(c); });
    return core == "skylakex" || core == "cooperlake" || core == "sapphirerapids";
  }();
  return avx512;
}

}  // namespace
#endif

GemmBackend gemm_backend(GemmProduct product, Index in, Index out, Index batch) {
#ifdef MLP_WITH_OPENBLAS
  const Index rows = product == GemmProduct::kInputGrad ? in : out;  // the result's
  if (openblas_avx512()) {
    const Index terms = product == GemmProduct::kForward ? in : product == GemmProduct::kWeightGrad ? batch : out;
    return rows >= kAvx512MinRows && terms >= kAvx512MinTerms ? GemmBackend::kOpenBlas : GemmBackend::kEigen;
  }
  const bool narrow = rows >= kNarrowRowsMin && rows <= kNarrowRowsMax;
  const bool openblas = narrow && ((product == GemmProduct::kWeightGrad && in >= kNarrowWeightGradMinInputs) ||
                                   (product == GemmProduct::kInputGrad && out <= kNarrowInputGradMaxOutputs));
  return openblas ? GemmBackend::kOpenBlas : GemmBackend::kEigen;
#else
  (void)product;
  (void)in;
  (void)out;
  (void)batch;
  return GemmBackend::kEigen;
#endif
}

// ---- OpenBLAS -------------------------------------------------------------------------------

#ifdef MLP_WITH_OPENBLAS
namespace {

// OpenBLAS runs single-threaded inside each part, whatever OPENBLAS_NUM_THREADS says: our own
// pool runs a product's parts (for_product_parts in gemm.hpp), so OpenBLAS's threads would only
// compete with ours for the same cores (2 x 2 threads on 2 cores), and its own split of a product
// would change with its thread count.
//
// Debian's default libopenblas.so.0 is the threaded build. As it loads, before main, it starts a
// thread per further CPU, which spins for ~0.1 s of CPU time waiting for work that never comes.
// blas_thread_shutdown_ (what OpenBLAS itself calls before a fork) stops those threads; it is
// declared weak because builds without threads need not define it. The thread count is set first:
// openblas_set_num_threads would start the threads again. A thread-safe static, before the first
// product, and in a static constructor too, so that the threads stop as the program starts.
extern "C" int blas_thread_shutdown_() __attribute__((weak));

void use_one_openblas_thread() {
  static const bool once = [] {
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
    return true;
  }();
  (void)once;
}
[[maybe_unused]] const bool openblas_threads_stopped_at_start = (use_one_openblas_thread(), true);

// The single-threaded build (Debian's libopenblas0-serial, when a user makes it libopenblas.so.0)
// is not safe for concurrent calls: two threads' sgemm calls share its work buffers (0.3.21: of
// 400,000 narrow products, 200,000 from each of two threads, 80,726 came out wrong). Its products
// take turns.
std::mutex& single_threaded_build_turn() {
  static std::mutex turn;
  return turn;
}
bool single_threaded_build() {
  static const bool single = openblas_get_parallel() == 0;  // 1: threads, 2: OpenMP
  return single;
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
  std::unique_lock<std::mutex> turn;
  if (single_threaded_build()) turn = std::unique_lock(single_threaded_build_turn());
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

namespace {

// c = op(a) op(b) + beta c by OpenBLAS, when `backend` is it and it can take the operands; false
// (nothing done) otherwise, and always in a build without OpenBLAS: then the caller's Eigen
// expression computes it. `k` is the length of the sums.
bool blas_took(GemmBackend backend, bool transpose_a, bool transpose_b, Index k, Scalar beta, const ConstMatrixRef& a,
               const ConstMatrixRef& b, MatrixRef& c) {
#ifdef MLP_WITH_OPENBLAS
  if (backend != GemmBackend::kOpenBlas || !blas_can_take(a, b, c)) return false;
  blas_gemm(transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, c.rows(), c.cols(), k,
            beta, a, b, c);
  return true;
#else
  (void)backend, (void)transpose_a, (void)transpose_b, (void)k, (void)beta, (void)a, (void)b, (void)c;
  return false;
#endif
}

}  // namespace

// ---- The products ---------------------------------------------------------------------------

void multiply_accumulate(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
  if (!blas_took(backend, false, false, a.cols(), Scalar(1), a, b, c)) c.noalias() += a * b;
}

void multiply_transposed(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
  if (!blas_took(backend, false, true, a.cols(), Scalar(0), a, b, c)) c.noalias() = a * b.transpose();
}

void transposed_multiply(GemmBackend backend, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
  if (!blas_took(backend, true, false, a.rows(), Scalar(0), a, b, c)) c.noalias() = a.transpose() * b;
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
  const std::string takes = detail::openblas_avx512() ? " for results of 2 rows or more and sums of 8 terms or more, "
                                                      : " for narrow results, ";
  const char* build = detail::single_threaded_build() ? "single-threaded build, one product at a time"
                                                      : "threaded build, run single-threaded";
  return openblas + " (" + openblas_get_corename() + " kernels, " + build + ")" + takes + eigen + " elsewhere";
#else
  return eigen;
#endif
}

}  // namespace mlp
