// BLIS through its own typed API (bli_sgemm), not its CBLAS layer: both BLIS and OpenBLAS export
// cblas_sgemm, and in one process only one of them can own that symbol.
#include "backend.hpp"

#include <blis.h>

namespace gemm_bench {
namespace {

class BlisKernel final : public Kernel {
 public:
  explicit BlisKernel(const Shape& s) : s_(s) {}
  void run(const float* a, const float* b, const float*, float* c) override {
    float one = 1.0F;
    float beta = s_.accumulate ? 1.0F : 0.0F;
    // Strides are those of A and B as stored (column-major: row stride 1, column stride ld);
    // BLIS applies the transposition itself. It takes non-const pointers but only reads A and B.
    bli_sgemm(s_.trans_a ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, s_.trans_b ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, s_.m,
              s_.n, s_.k, &one, const_cast<float*>(a), 1, s_.lda, const_cast<float*>(b), 1, s_.ldb, &beta, c, 1,
              s_.ldc);
  }

 private:
  Shape s_;
};

class Blis final : public Backend {
 public:
  std::string name() const override { return "blis"; }
  std::string describe() const override {
    return std::string("BLIS ") + bli_info_get_version_str() + ", sub-configuration " +
           bli_arch_string(bli_arch_query_id());
  }
  std::unique_ptr<Kernel> prepare(const Shape& s) override {
    if (s.bias || s.relu) return nullptr;
    return std::make_unique<BlisKernel>(s);
  }
  bool set_threads(int threads) override {
    bli_thread_set_num_threads(threads);
    return true;
  }
};

}  // namespace

std::unique_ptr<Backend> make_blis() { return std::make_unique<Blis>(); }

}  // namespace gemm_bench
