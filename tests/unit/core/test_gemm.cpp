// The matrix-product backends (core/gemm.hpp): each computes the right product; each computes every
// value of an aligned column part exactly as in the whole product (the split of parallel_parts.hpp);
// and a dense layer routes a product by its whole shape, so its results are bit-identical for any
// --threads.
#include "core/gemm.hpp"
#include "core/parallel_parts.hpp"
#include "mlp/layers.hpp"
#include "mlp/rng.hpp"
#include "mlp/thread_pool.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace mlp;
using namespace mlp::detail;

namespace {

constexpr GemmBackend kBackends[] = {GemmBackend::kEigen, GemmBackend::kOpenBlas};
constexpr GemmProduct kProducts[] = {GemmProduct::kForward, GemmProduct::kWeightGrad, GemmProduct::kInputGrad};

std::string name_of(GemmBackend backend) { return backend == GemmBackend::kEigen ? "eigen" : "openblas"; }
std::string name_of(GemmProduct product) {
  return product == GemmProduct::kForward ? "forward" : product == GemmProduct::kWeightGrad ? "dW" : "dX";
}

Matrix random_matrix(Index rows, Index cols, std::string_view stream) {
  Rng rng(11, stream);
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<Scalar>(rng.uniform(-1, 1));
  return m;
}

// Equal bit for bit (memcmp: -0 differs from +0, and a NaN equals itself).
bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(Scalar) * static_cast<std::size_t>(a.size())) == 0;
}

// The operands of a layer with `in` inputs, `out` outputs and a batch of `batch`.
struct Operands {
  Operands(Index in, Index out, Index batch)
      : w(random_matrix(out, in, "w")),
        x(random_matrix(in, batch, "x")),
        g(random_matrix(out, batch, "g")),
        bias(random_matrix(out, batch, "bias")) {}
  Matrix w, x, g, bias;

  // The result of `product`, computed in parts of the result's columns starting at `firsts`
  // (each part up to the next first, the last to the end), as DenseLayer's parts compute it.
  Matrix product_in_parts(GemmProduct product, GemmBackend backend, const std::vector<Index>& firsts) const {
    const Index cols = product == GemmProduct::kWeightGrad ? w.cols() : x.cols();
    Matrix result = product == GemmProduct::kForward
                        ? bias
                        : Matrix::Constant(product == GemmProduct::kWeightGrad ? w.rows() : w.cols(), cols, Scalar(7));
    for (std::size_t i = 0; i < firsts.size(); ++i) {
      const Index first = firsts[i];
      const Index count = (i + 1 < firsts.size() ? firsts[i + 1] : cols) - first;
      auto part = result.middleCols(first, count);
      switch (product) {
        case GemmProduct::kForward:
          multiply_accumulate(backend, w, x.middleCols(first, count), part);
          break;
        case GemmProduct::kWeightGrad:
          multiply_transposed(backend, g, x.middleRows(first, count), part);
          break;
        case GemmProduct::kInputGrad:
          transposed_multiply(backend, w, g.middleCols(first, count), part);
          break;
      }
    }
    return result;
  }

  // The same product in double, the plain way: the reference both backends are checked against.
  Eigen::MatrixXd reference(GemmProduct product) const {
    const Eigen::MatrixXd wd = w.cast<double>(), xd = x.cast<double>(), gd = g.cast<double>();
    switch (product) {
      case GemmProduct::kForward:
        return bias.cast<double>() + wd * xd;
      case GemmProduct::kWeightGrad:
        return gd * xd.transpose();
      case GemmProduct::kInputGrad:
        break;
    }
    return wd.transpose() * gd;
  }
};

// Splits of `cols` result columns into aligned parts: every part kColumnAlign * step columns wide
// (the last takes what is left) for steps 1, 2 and 3, and the split for_aligned_parts makes for 2
// threads. Each split is the first column of each of its parts.
std::vector<std::vector<Index>> aligned_splits(Index cols) {
  std::vector<std::vector<Index>> splits;
  for (Index step = 1; step <= 3; ++step) {
    std::vector<Index> firsts;
    for (Index first = 0; first < cols; first += kColumnAlign * step) firsts.push_back(first);
    if (firsts.size() > 1) splits.push_back(firsts);
  }
  ThreadPool pool(2);
  std::vector<Index> firsts(2, cols);
  for_aligned_parts_indexed(&pool, cols, kMinParallelWork,
                            [&](int part, Index first, Index) { firsts[static_cast<std::size_t>(part)] = first; });
  if (firsts[1] < cols) splits.push_back(firsts);
  return splits;
}

}  // namespace

TEST_CASE("each GEMM backend computes each product of a dense layer") {
  for (const GemmBackend backend : kBackends) {
    for (const GemmProduct product : kProducts) {
      const Operands layer(37, 29, 70);
      const Eigen::MatrixXd expected = layer.reference(product);
      const Eigen::MatrixXd got = layer.product_in_parts(product, backend, {0}).cast<double>();
      INFO(name_of(backend), " ", name_of(product));
      // float32 sums of at most 70 terms of size <= 1: far inside 1e-4.
      CHECK((got - expected).cwiseAbs().maxCoeff() < 1e-4);
    }
  }
}

// Which products may be split over threads (split_pool): the split must not change a bit. The grid
// has small products (8 inputs, 1 output), sums over more than 512 terms for each product (the
// inputs for the forward, the batch for dW, the outputs for dX), and results wide enough for several
// parts. Run over OpenBLAS 0.3.21 too, this fails for parts of 64, 128 and 320 columns of 200 and
// 530 (every product, AVX2 and AVX-512 kernels: its small-matrix kernels and its blocking depend on
// the number of columns), and for Eigen's one-row results (a matrix-vector product): split_pool
// runs those whole, and this checks that it splits nothing else.
TEST_CASE("a product that split_pool lets split computes its aligned column parts bit for bit as the whole") {
  ThreadPool pool(2);
  for (const Index in : {8, 130, 700}) {
    for (const Index out : {1, 10, 520}) {
      for (const Index batch : {64, 200, 530}) {
        const Operands layer(in, out, batch);
        for (const GemmBackend backend : kBackends) {
          for (const GemmProduct product : kProducts) {
            const Index rows = product == GemmProduct::kInputGrad ? in : out;
            if (split_pool(&pool, backend, rows) == nullptr) continue;
            const Matrix whole = layer.product_in_parts(product, backend, {0});
            const Index cols = product == GemmProduct::kWeightGrad ? in : batch;
            for (const std::vector<Index>& firsts : aligned_splits(cols)) {
              INFO(name_of(backend), " ", name_of(product), " in ", in, " out ", out, " batch ", batch, ", ",
                   firsts.size(), " parts, the second from column ", firsts[1]);
              CHECK(same_bits(layer.product_in_parts(product, backend, firsts), whole));
            }
          }
        }
      }
    }
  }
}

TEST_CASE("split_pool splits Eigen's products of two rows or more, and neither OpenBLAS's nor one-row results") {
  ThreadPool pool(2);
  CHECK(split_pool(&pool, GemmBackend::kEigen, 2) == &pool);
  CHECK(split_pool(&pool, GemmBackend::kEigen, 1) == nullptr);
  CHECK(split_pool(&pool, GemmBackend::kOpenBlas, 256) == nullptr);
}

// The rule routes by the whole product's shape (DenseLayer asks before splitting), so a part never
// takes another backend than the whole would. Shapes on both sides of the rule's boundaries, each
// product large enough to be split over 2 threads.
TEST_CASE("a dense layer's products are bit-identical on 1 and 2 threads on both sides of the routing rule") {
  struct Shape {
    Index in, out, batch;
  };
  for (const Shape s : {Shape{300, 10, 512}, Shape{300, 12, 512}, Shape{300, 13, 512}, Shape{300, 3, 2048},
                        Shape{10, 32, 4096}, Shape{12, 33, 4096}, Shape{300, 257, 200}, Shape{2000, 1, 640}}) {
    CAPTURE(s.in);
    CAPTURE(s.out);
    CAPTURE(s.batch);
    DenseLayer one(s.in, s.out);
    one.weight() = random_matrix(s.out, s.in, "weight");
    one.bias() = random_matrix(s.out, 1, "bias");
    DenseLayer two = one;
    ThreadPool pool(2);
    two.set_thread_pool(&pool);
    const Matrix x = random_matrix(s.in, s.batch, "x");
    const Matrix g = random_matrix(s.out, s.batch, "g");
    Matrix z1(s.out, s.batch), z2(s.out, s.batch), dx1(s.in, s.batch), dx2(s.in, s.batch);
    one.forward(cview(x), view(z1), Mode::kTrain);
    two.forward(cview(x), view(z2), Mode::kTrain);
    CHECK(same_bits(z1, z2));
    one.backward(cview(x), cview(z1), cview(g), view(dx1));
    two.backward(cview(x), cview(z2), cview(g), view(dx2));
    CHECK(same_bits(one.weight_grad(), two.weight_grad()));
    CHECK(same_bits(dx1, dx2));
  }
}

TEST_CASE("the rule gives OpenBLAS, when built, a narrow dW and dX, and Eigen the rest") {
  const GemmBackend narrow =
      gemm_backend_text().find("OpenBLAS") != std::string::npos ? GemmBackend::kOpenBlas : GemmBackend::kEigen;
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 300, 10, 256) == narrow);
  CHECK(gemm_backend(GemmProduct::kInputGrad, 10, 32, 256) == narrow);
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 300, 13, 256) == GemmBackend::kEigen);
  CHECK(gemm_backend(GemmProduct::kInputGrad, 10, 33, 256) == GemmBackend::kEigen);
  CHECK(gemm_backend(GemmProduct::kForward, 300, 10, 256) == GemmBackend::kEigen);
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 300, 1, 256) == GemmBackend::kEigen);
  CHECK(gemm_backend(GemmProduct::kForward, 300, 1, 256) == GemmBackend::kEigen);
}
