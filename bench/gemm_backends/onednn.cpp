// oneDNN's matmul primitive, the engine behind PyTorch's own CPU fast path for Linear layers.
//
// oneDNN's matmul is row-major at heart (dst = src x weights, a sample per row), so the
// column-major product C = op(A) op(B) is given to it transposed: C^T (n x m) = op(B)^T op(A)^T,
// each operand described by its strides in place (nothing is copied). For a dense layer's forward
// pass that is exactly PyTorch's Linear: dst = X^T W^T + bias, with bias and ReLU fused as
// post-ops. The primitive is created in prepare(), outside any timed loop, and run() executes it
// through the C API with a fixed argument array (the C++ execute() builds a std::unordered_map
// per call).
#include "backend.hpp"

#include <omp.h>
#include <dnnl.hpp>

#include <array>
#include <cstdio>
#include <set>

namespace gemm_bench {
namespace {

using dnnl::memory;
using Dims = memory::dims;

// Strides of op(X)^T (rows x cols) for X column-major with leading dimension ld.
Dims transposed_strides(bool trans, Index ld) { return trans ? Dims{1, ld} : Dims{ld, 1}; }

class OnednnKernel final : public Kernel {
 public:
  OnednnKernel(const Shape& s, const dnnl::engine& engine, const dnnl::stream& stream, std::set<std::string>& impls)
      : stream_(stream) {
    const memory::desc src({s.n, s.k}, memory::data_type::f32, transposed_strides(s.trans_b, s.ldb));
    const memory::desc weights({s.k, s.m}, memory::data_type::f32, transposed_strides(s.trans_a, s.lda));
    const memory::desc dst({s.n, s.m}, memory::data_type::f32, Dims{s.ldc, 1});
    const memory::desc bias = s.bias ? memory::desc({1, s.m}, memory::data_type::f32, Dims{s.m, 1}) : memory::desc();
    dnnl::post_ops ops;
    if (s.accumulate) ops.append_sum(1.0F);
    if (s.relu) ops.append_eltwise(1.0F, dnnl::algorithm::eltwise_relu, 0.0F, 0.0F);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights, bias, dst), attr, engine);
    impls.insert(pd.impl_info_str());
    primitive_ = dnnl::matmul(pd);
    src_ = memory(src, engine, DNNL_MEMORY_NONE);
    weights_ = memory(weights, engine, DNNL_MEMORY_NONE);
    dst_ = memory(dst, engine, DNNL_MEMORY_NONE);
    args_[0] = {DNNL_ARG_SRC, src_.get()};
    args_[1] = {DNNL_ARG_WEIGHTS, weights_.get()};
    args_[2] = {DNNL_ARG_DST, dst_.get()};
    if (s.bias) {
      bias_ = memory(bias, engine, DNNL_MEMORY_NONE);
      args_[3] = {DNNL_ARG_BIAS, bias_.get()};
      nargs_ = 4;
    }
  }

  void run(const float* a, const float* b, const float* bias, float* c) override {
    src_.set_data_handle(const_cast<float*>(b));
    weights_.set_data_handle(const_cast<float*>(a));
    dst_.set_data_handle(c);
    if (nargs_ == 4) bias_.set_data_handle(const_cast<float*>(bias));
    dnnl::error::wrap_c_api(dnnl_primitive_execute(primitive_.get(), stream_.get(), nargs_, args_.data()),
                            "dnnl_primitive_execute");
    stream_.wait();
  }

 private:
  dnnl::stream stream_;
  dnnl::matmul primitive_;
  memory src_, weights_, dst_, bias_;
  std::array<dnnl_exec_arg_t, 4> args_{};
  int nargs_ = 3;
};

class Onednn final : public Backend {
 public:
  Onednn() : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {}
  std::string name() const override { return "onednn"; }
  std::string describe() const override {
    const dnnl_version_t* v = dnnl::version();
    std::string text = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                       std::to_string(v->patch) + " (OpenMP runtime), ISA 0x";
    char isa[16];
    std::snprintf(isa, sizeof isa, "%x", static_cast<unsigned>(dnnl::get_effective_cpu_isa()));
    text += isa;
    text += " (0x27 = avx512_core, 0xe7 = avx512_core_bf16), implementations used:";
    for (const std::string& impl : impls_) text += " " + impl;
    return text;
  }
  std::unique_ptr<Kernel> prepare(const Shape& s) override {
    if (s.relu && !s.bias) return nullptr;
    return std::make_unique<OnednnKernel>(s, engine_, stream_, impls_);
  }
  // The OpenMP runtime's thread count (libdnnl is built on OpenMP in Debian).
  bool set_threads(int threads) override {
    omp_set_num_threads(threads);
    return true;
  }

 private:
  dnnl::engine engine_;
  dnnl::stream stream_;
  std::set<std::string> impls_;
};

}  // namespace

std::unique_ptr<Backend> make_onednn() { return std::make_unique<Onednn>(); }

}  // namespace gemm_bench
