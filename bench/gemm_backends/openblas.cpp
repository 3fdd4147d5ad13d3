// OpenBLAS's cblas_sgemm: exactly the call Eigen makes when built with EIGEN_USE_BLAS (Eigen then
// forwards every float GEMM to ?gemm with the same operands), so timing it here stands for
// "Eigen over OpenBLAS" without building Eigen twice.
#include "backend.hpp"

#include <cblas.h>
#include <dlfcn.h>

namespace gemm_bench {
namespace {

class OpenBlasKernel final : public Kernel {
 public:
  explicit OpenBlasKernel(const Shape& s) : s_(s) {}
  void run(const float* a, const float* b, const float*, float* c) override {
    cblas_sgemm(CblasColMajor, s_.trans_a ? CblasTrans : CblasNoTrans, s_.trans_b ? CblasTrans : CblasNoTrans,
                static_cast<blasint>(s_.m), static_cast<blasint>(s_.n), static_cast<blasint>(s_.k), 1.0F, a,
                static_cast<blasint>(s_.lda), b, static_cast<blasint>(s_.ldb), s_.accumulate ? 1.0F : 0.0F, c,
                static_cast<blasint>(s_.ldc));
  }

 private:
  Shape s_;
};

class OpenBlas final : public Backend {
 public:
  std::string name() const override { return "openblas"; }
  std::string describe() const override {
    // Which library the dynamic linker bound cblas_sgemm to: BLIS exports one too.
    Dl_info info{};
    const bool found = dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info) != 0 && info.dli_fname != nullptr;
    return std::string("OpenBLAS, core ") + openblas_get_corename() + ", config: " + openblas_get_config() +
           ", cblas_sgemm from " + (found ? info.dli_fname : "?");
  }
  std::unique_ptr<Kernel> prepare(const Shape& s) override {
    if (s.bias || s.relu) return nullptr;
    return std::make_unique<OpenBlasKernel>(s);
  }
  bool set_threads(int threads) override {
    openblas_set_num_threads(threads);
    return true;
  }
};

}  // namespace

std::unique_ptr<Backend> make_openblas() { return std::make_unique<OpenBlas>(); }

}  // namespace gemm_bench
