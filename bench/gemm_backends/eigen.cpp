// Eigen's own GEMM, called as lib/src/nn/layers.cpp calls it: noalias products of column-major
// blocks (here maps with an outer stride, which take the same general_matrix_matrix_product
// path as mlptrain's middleCols/middleRows blocks).
#include "backend.hpp"

#include <Eigen/Core>

namespace gemm_bench {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using ConstMap = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;
using Map = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;

template <bool kTransA, bool kTransB>
class EigenKernel final : public Kernel {
 public:
  explicit EigenKernel(const Shape& s) : s_(s) {}
  void run(const float* a, const float* b, const float*, float* c) override {
    const ConstMap ma(a, kTransA ? s_.k : s_.m, kTransA ? s_.m : s_.k, Eigen::OuterStride<>(s_.lda));
    const ConstMap mb(b, kTransB ? s_.n : s_.k, kTransB ? s_.k : s_.n, Eigen::OuterStride<>(s_.ldb));
    Map mc(c, s_.m, s_.n, Eigen::OuterStride<>(s_.ldc));
    const auto product = [&]() {
      if constexpr (kTransA && kTransB)
        return ma.transpose() * mb.transpose();
      else if constexpr (kTransA)
        return ma.transpose() * mb;
      else if constexpr (kTransB)
        return ma * mb.transpose();
      else
        return ma * mb;
    };
    if (s_.accumulate) {
      mc.noalias() += product();
    } else {
      mc.noalias() = product();
    }
  }

 private:
  Shape s_;
};

class Eigen final : public Backend {
 public:
  std::string name() const override { return "eigen"; }
  std::string describe() const override {
    return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION) + ", " + ::Eigen::SimdInstructionSetsInUse();
  }
  std::unique_ptr<Kernel> prepare(const Shape& s) override {
    if (s.bias || s.relu) return nullptr;  // mlptrain writes the bias first and accumulates
    if (s.trans_a && s.trans_b) return std::make_unique<EigenKernel<true, true>>(s);
    if (s.trans_a) return std::make_unique<EigenKernel<true, false>>(s);
    if (s.trans_b) return std::make_unique<EigenKernel<false, true>>(s);
    return std::make_unique<EigenKernel<false, false>>(s);
  }
  // mlptrain is built without OpenMP, so Eigen's GEMM always runs on the calling thread.
  bool set_threads(int) override { return false; }
};

}  // namespace

std::unique_ptr<Backend> make_eigen() { return std::make_unique<Eigen>(); }

}  // namespace gemm_bench
