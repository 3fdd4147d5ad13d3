// libxsmm 1.17's JIT kernels for small products (libxsmm_smmdispatch): one kernel generated per
// shape, at prepare time. The kernels are single-threaded; libxsmm's threaded GEMMs (libxsmmext,
// OpenMP) are not used.
#include "backend.hpp"

#include <libxsmm.h>

namespace gemm_bench {
namespace {

class XsmmKernel final : public Kernel {
 public:
  explicit XsmmKernel(libxsmm_smmfunction kernel) : kernel_(kernel) {}
  void run(const float* a, const float* b, const float*, float* c) override { kernel_(a, b, c); }

 private:
  libxsmm_smmfunction kernel_;
};

class Xsmm final : public Backend {
 public:
  Xsmm() { libxsmm_init(); }
  ~Xsmm() override { libxsmm_finalize(); }
  Xsmm(const Xsmm&) = delete;
  Xsmm& operator=(const Xsmm&) = delete;

  std::string name() const override { return "libxsmm"; }
  std::string describe() const override {
    return "libxsmm " + std::to_string(LIBXSMM_VERSION_MAJOR) + "." + std::to_string(LIBXSMM_VERSION_MINOR) +
           ", JIT target " + libxsmm_get_target_arch();
  }
  std::unique_ptr<Kernel> prepare(const Shape& s) override {
    if (s.bias || s.relu) return nullptr;
    const libxsmm_blasint lda = s.lda, ldb = s.ldb, ldc = s.ldc;
    const float alpha = 1.0F, beta = s.accumulate ? 1.0F : 0.0F;
    const int flags = (s.trans_a ? LIBXSMM_GEMM_FLAG_TRANS_A : 0) | (s.trans_b ? LIBXSMM_GEMM_FLAG_TRANS_B : 0) |
                      (s.accumulate ? 0 : LIBXSMM_GEMM_FLAG_BETA_0);
    const int prefetch = LIBXSMM_PREFETCH_NONE;
    const libxsmm_smmfunction kernel =
        libxsmm_smmdispatch(static_cast<libxsmm_blasint>(s.m), static_cast<libxsmm_blasint>(s.n),
                            static_cast<libxsmm_blasint>(s.k), &lda, &ldb, &ldc, &alpha, &beta, &flags, &prefetch);
    if (kernel == nullptr) return nullptr;
    return std::make_unique<XsmmKernel>(kernel);
  }
  bool set_threads(int) override { return false; }
};

}  // namespace

std::unique_ptr<Backend> make_libxsmm() { return std::make_unique<Xsmm>(); }

}  // namespace gemm_bench
