// The matrix-product backends (core/gemm.hpp): each computes the right product; each product split
// by for_product_parts is bit-identical for pools of 1, 2 and 3 threads (Eigen because each aligned
// column part computes its values exactly as the whole, OpenBLAS because its parts depend on the
// shape only); and a dense layer routes a product by its whole shape, so its results are
// bit-identical for any --threads.
#include "core/gemm.hpp"
#include "core/parallel_parts.hpp"
#include "mlp/layers.hpp"
#include "mlp/rng.hpp"
#include "mlp/thread_pool.hpp"

#include "same_bits.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace mlp;
using namespace mlp::detail;
using mlp::test::same_bits;

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

  // The result of `product`, split by for_product_parts over `pool` exactly as DenseLayer splits it
  // (the same work estimate: in x out x batch multiply-adds).
  Matrix product_through_parts(GemmProduct product, GemmBackend backend, ThreadPool* pool) const {
    const Index cols = product == GemmProduct::kWeightGrad ? w.cols() : x.cols();
    const Index rows = product == GemmProduct::kInputGrad ? w.cols() : w.rows();
    const double work = static_cast<double>(w.size()) * static_cast<double>(x.cols());
    std::vector<Index> firsts;
    std::mutex mutex;
    for_product_parts(pool, backend, rows, cols, work, [&](Index first, Index) {
      const std::lock_guard lock(mutex);
      firsts.push_back(first);
    });
    std::sort(firsts.begin(), firsts.end());
    return product_in_parts(product, backend, firsts);
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

// The grid of for_product_parts' checks: small products (8 inputs, 1 output), sums over more than
// 512 terms for each product (the inputs for the forward, the batch for dW, the outputs for dX), and
// results wide and large enough for several parts of either backend.
constexpr Index kGridIn[] = {8, 130, 700};
constexpr Index kGridOut[] = {1, 10, 520};
constexpr Index kGridBatch[] = {64, 200, 530};

// What for_product_parts relies on for Eigen, whose split follows the pool's size: an aligned column
// part of a matrix-matrix product (two result rows or more) is bit for bit the whole's. Run over
// OpenBLAS 0.3.21 this fails (parts of 64, 128 and 320 columns of 200 and 530; every product, both
// kernel sets) and over Eigen's one-row results (a matrix-vector product); for_product_parts splits
// those by shape only, or not at all.
TEST_CASE("Eigen computes an aligned column part of a product of two rows or more bit for bit as the whole") {
  for (const Index in : kGridIn) {
    for (const Index out : kGridOut) {
      for (const Index batch : kGridBatch) {
        const Operands layer(in, out, batch);
        for (const GemmProduct product : kProducts) {
          if ((product == GemmProduct::kInputGrad ? in : out) < 2) continue;
          const Matrix whole = layer.product_in_parts(product, GemmBackend::kEigen, {0});
          const Index cols = product == GemmProduct::kWeightGrad ? in : batch;
          for (const std::vector<Index>& firsts : aligned_splits(cols)) {
            INFO(name_of(product), " in ", in, " out ", out, " batch ", batch, ", ", firsts.size(),
                 " parts, the second from column ", firsts[1]);
            CHECK(same_bits(layer.product_in_parts(product, GemmBackend::kEigen, firsts), whole));
          }
        }
      }
    }
  }
}

// The property itself, through the very partition DenseLayer uses, for both backends (and, in the
// ctest run with OPENBLAS_CORETYPE=SkylakeX, OpenBLAS's other kernel set).
TEST_CASE("for_product_parts gives bit-identical products on pools of 1, 2 and 3 threads, for each backend") {
  ThreadPool one(1), two(2), three(3);
  int split = 0;  // products that 2 or 3 threads actually split, so the check is not vacuous
  for (const Index in : kGridIn) {
    for (const Index out : kGridOut) {
      for (const Index batch : kGridBatch) {
        const Operands layer(in, out, batch);
        for (const GemmBackend backend : kBackends) {
          for (const GemmProduct product : kProducts) {
            INFO(name_of(backend), " ", name_of(product), " in ", in, " out ", out, " batch ", batch);
            const Matrix on_one = layer.product_through_parts(product, backend, &one);
            CHECK(same_bits(layer.product_through_parts(product, backend, &two), on_one));
            CHECK(same_bits(layer.product_through_parts(product, backend, &three), on_one));
            const Index rows = product == GemmProduct::kInputGrad ? in : out;
            const Index cols = product == GemmProduct::kWeightGrad ? in : batch;
            const double work = static_cast<double>(in * out * batch);
            int parts = 0;
            for_product_parts(&three, backend, rows, cols, work, [&](Index, Index) { ++parts; });
            if (parts > 1) ++split;
          }
        }
      }
    }
  }
  CHECK(split > 10);
}

TEST_CASE("for_product_parts splits OpenBLAS's products by shape only, and Eigen's by the pool") {
  ThreadPool one(1), two(2), three(3);
  // The parts' (first, count), sorted: what each pool makes of a product of 600 columns.
  const auto parts_of = [](ThreadPool* pool, GemmBackend backend, Index rows) {
    std::vector<std::pair<Index, Index>> parts;
    std::mutex mutex;
    for_product_parts(pool, backend, rows, 600, 1e8, [&](Index first, Index count) {
      const std::lock_guard lock(mutex);
      parts.emplace_back(first, count);
    });
    std::sort(parts.begin(), parts.end());
    return parts;
  };
  const std::vector<std::pair<Index, Index>> blas = {{0, 128}, {128, 128}, {256, 128}, {384, 216}};
  CHECK(parts_of(&one, GemmBackend::kOpenBlas, 10) == blas);
  CHECK(parts_of(&two, GemmBackend::kOpenBlas, 10) == blas);
  CHECK(parts_of(&three, GemmBackend::kOpenBlas, 10) == blas);
  CHECK(parts_of(nullptr, GemmBackend::kOpenBlas, 10) == blas);
  CHECK(parts_of(&one, GemmBackend::kEigen, 10).size() == 1);
  CHECK(parts_of(&two, GemmBackend::kEigen, 10).size() == 2);
  CHECK(parts_of(&three, GemmBackend::kEigen, 10).size() == 3);
  CHECK(parts_of(&three, GemmBackend::kEigen, 1).size() == 1);  // a one-row result runs whole
  CHECK(blas_parts(600, kMinParallelWork / 2) == 1);            // too small to split
  CHECK(blas_parts(255, 1e8) == 1);                             // parts of at least 128 columns
  CHECK(blas_parts(4096, 1e8) == kBlasMaxParts);
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

// Which rule applies follows the kernels OpenBLAS loaded (OPENBLAS_CORETYPE, or its own choice).
TEST_CASE("the rule follows OpenBLAS's kernels: AVX-512 takes nearly all, others a narrow dW and dX") {
  const std::string text = gemm_backend_text();
  const bool blas = text.find("OpenBLAS") != std::string::npos;
  const bool avx512 = blas && text.find("sums of 8 terms") != std::string::npos;
  const GemmBackend narrow = blas ? GemmBackend::kOpenBlas : GemmBackend::kEigen;
  const GemmBackend wide = avx512 ? GemmBackend::kOpenBlas : GemmBackend::kEigen;
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 300, 10, 256) == narrow);
  CHECK(gemm_backend(GemmProduct::kInputGrad, 10, 32, 256) == narrow);
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 300, 13, 256) == wide);
  CHECK(gemm_backend(GemmProduct::kInputGrad, 10, 33, 256) == wide);
  CHECK(gemm_backend(GemmProduct::kForward, 300, 10, 256) == wide);
  CHECK(gemm_backend(GemmProduct::kForward, 784, 256, 256) == wide);
  CHECK(gemm_backend(GemmProduct::kInputGrad, 2, 64, 32) == wide);                    // two result rows
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 300, 1, 256) == GemmBackend::kEigen);  // one row
  CHECK(gemm_backend(GemmProduct::kForward, 300, 1, 256) == GemmBackend::kEigen);
  CHECK(gemm_backend(GemmProduct::kForward, 4, 64, 256) == GemmBackend::kEigen);    // a sum of 4 terms
  CHECK(gemm_backend(GemmProduct::kWeightGrad, 64, 64, 7) == GemmBackend::kEigen);  // a batch of 7
}

// Two threads' products at the same time, as compare's jobs and a pool's parts run them, give the
// bits each gives alone. Debian's single-threaded OpenBLAS shares its work buffers between callers
// (one in five of such products came out wrong): the ctest run that loads it checks that its
// products take turns. The shape is one OpenBLAS takes with either kernel set (a narrow dW).
TEST_CASE("products run by two threads at once are bit-identical to the same products run alone") {
  if (const char* build = std::getenv("MLP_TEST_OPENBLAS_BUILD")) {
    REQUIRE(gemm_backend_text().find(build) != std::string::npos);  // the build the ctest run loads
  }
  for (const GemmBackend backend : kBackends) {
    CAPTURE(name_of(backend));
    // Two shapes (two sizes of work buffer), each product's bits taken alone first.
    const Operands layers[] = {Operands(64, 10, 32), Operands(80, 10, 32)};
    Matrix alone[2];
    for (int t = 0; t < 2; ++t) {
      alone[t].resize(10, layers[t].x.rows());
      multiply_transposed(backend, layers[t].g, layers[t].x, alone[t]);
    }
    std::atomic<int> differing = 0;
    const auto run = [&](int t) {
      Matrix dw(alone[t].rows(), alone[t].cols());
      for (int i = 0; i < 20000; ++i) {
        multiply_transposed(backend, layers[t].g, layers[t].x, dw);
        if (!same_bits(dw, alone[t])) ++differing;
      }
    };
    std::thread other(run, 1);
    run(0);
    other.join();
    CHECK(differing == 0);
  }
}

// Debian's default OpenBLAS, the threaded build, starts a thread per further CPU as it loads;
// they spin for ~0.1 s of CPU time in every process unless stopped. ctest runs each test case in a
// process of its own, so no pool of ours is alive here.
TEST_CASE("no thread of OpenBLAS's own is left running once the program has started") {
  const auto threads =
      std::distance(std::filesystem::directory_iterator("/proc/self/task"), std::filesystem::directory_iterator());
  CHECK(threads == 1);
}
