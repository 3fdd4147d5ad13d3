// gemm_route: Eigen against OpenBLAS on each product of a dense layer (lib/src/core/gemm.hpp), in
// mlptrain's layout and through the very functions training calls, single-threaded: the figures
// behind the routing rule in lib/src/core/gemm.cpp.
//
// For every layer shape (in, out) of a grid of widths and every batch, each of the three products
// (forward Z += W X, dW = G Xᵀ, dX = Wᵀ G) is timed with both backends interleaved (Eigen, OpenBLAS,
// then OpenBLAS, Eigen, ...), each sample long enough to time (>= 1 ms), and the median of the
// samples is kept. One CSV line per product and shape: GFLOP/s of each (2 in out batch FLOPs over
// the median time), their ratio, and the backend the rule picks for that shape.
//
// Usage: gemm_route [--rounds 7] [--widths 8,10,64,256,784,2048] [--batches 16,32,64,128,256,1024]
#include "core/gemm.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace mlp;
using namespace mlp::detail;
using Clock = std::chrono::steady_clock;

std::vector<Index> parse_list(const char* text) {
  std::vector<Index> values;
  for (const char* p = text; *p != '\0';) {
    char* end = nullptr;
    values.push_back(std::strtol(p, &end, 10));
    p = (*end == ',') ? end + 1 : end;
  }
  return values;
}

// The operands of one layer's products, filled with values in [-1, 1].
struct Operands {
  Operands(Index in, Index out, Index batch)
      : w(Matrix::Random(out, in)),
        x(Matrix::Random(in, batch)),
        g(Matrix::Random(out, batch)),
        z(out, batch),
        dw(out, in),
        dx(in, batch) {}
  Matrix w, x, g, z, dw, dx;
};

void run_product(GemmProduct product, GemmBackend backend, Operands& o) {
  switch (product) {
    case GemmProduct::kForward:
      multiply_accumulate(backend, o.w, o.x, o.z);
      break;
    case GemmProduct::kWeightGrad:
      multiply_transposed(backend, o.g, o.x, o.dw);
      break;
    case GemmProduct::kInputGrad:
      transposed_multiply(backend, o.w, o.g, o.dx);
      break;
  }
}

double seconds_of(GemmProduct product, GemmBackend backend, Operands& o, int reps) {
  const auto start = Clock::now();
  for (int r = 0; r < reps; ++r) run_product(product, backend, o);
  return std::chrono::duration<double>(Clock::now() - start).count() / reps;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

const char* name_of(GemmProduct p) {
  return p == GemmProduct::kForward ? "forward" : p == GemmProduct::kWeightGrad ? "weight_grad" : "input_grad";
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7;
  std::vector<Index> widths = {8, 10, 64, 256, 784, 2048};
  std::vector<Index> batches = {16, 32, 64, 128, 256, 1024};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--widths") == 0) widths = parse_list(argv[i + 1]);
    if (std::strcmp(argv[i], "--batches") == 0) batches = parse_list(argv[i + 1]);
  }
  std::printf("product,in,out,batch,eigen_gflops,openblas_gflops,openblas_over_eigen,rule\n");
  for (const Index batch : batches) {
    for (const Index in : widths) {
      for (const Index out : widths) {
        Operands o(in, out, batch);
        const double flops = 2.0 * static_cast<double>(in * out * batch);
        for (const GemmProduct product : {GemmProduct::kForward, GemmProduct::kWeightGrad, GemmProduct::kInputGrad}) {
          // Warm both up, then enough repetitions for a sample of about 1 ms.
          seconds_of(product, GemmBackend::kOpenBlas, o, 1);
          const double once = seconds_of(product, GemmBackend::kEigen, o, 3);
          const int reps = std::max(1, static_cast<int>(1e-3 / once));
          std::vector<double> eigen;
          std::vector<double> blas;
          for (int r = 0; r < rounds; ++r) {
            const bool eigen_first = r % 2 == 0;
            if (eigen_first) eigen.push_back(seconds_of(product, GemmBackend::kEigen, o, reps));
            blas.push_back(seconds_of(product, GemmBackend::kOpenBlas, o, reps));
            if (!eigen_first) eigen.push_back(seconds_of(product, GemmBackend::kEigen, o, reps));
          }
          const double e = flops / median(eigen) * 1e-9;
          const double b = flops / median(blas) * 1e-9;
          const bool rule_blas = gemm_backend(product, in, out, batch) == GemmBackend::kOpenBlas;
          std::printf("%s,%ld,%ld,%ld,%.1f,%.1f,%.3f,%s\n", name_of(product), static_cast<long>(in),
                      static_cast<long>(out), static_cast<long>(batch), e, b, b / e, rule_blas ? "openblas" : "eigen");
          std::fflush(stdout);
        }
      }
    }
  }
  return 0;
}
