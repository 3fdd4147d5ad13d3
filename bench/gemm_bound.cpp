// gemm_bound: how many samples per second a training step of an MLP would reach if it were only
// its matrix products, measured on this machine with the build flags of mlptrain, with each of two
// GEMM libraries: Eigen (what mlptrain uses) and OpenBLAS (cblas_sgemm, single-threaded). The
// better of the two is the best-GEMM bound the benchmark suite reports (issue 15).
//
// The products of one step for a dense layer with k inputs, m outputs and a batch of n samples
// (column-major, one sample per column, weights m x k, as mlptrain stores them):
//   forward   Z  = W X        (m x n)   2 m n k FLOPs
//   backward  dW = dZ X^T     (m x k)   2 m n k FLOPs
//   backward  dX = W^T dZ     (k x n)   2 m n k FLOPs, not for the first layer (nothing needs it)
// Biases, activations, the loss and the optimizer are left out: this is an upper bound. Both
// libraries compute the same products on the same buffers, checked against each other first.
//
// Two threads: each product is split in two halves of its result, by columns (by rows when the
// result has too few columns), each half an ordinary single-threaded product, and the second half
// runs on a worker thread that busy-waits for work, so handing it a product costs well under a
// microsecond. Each product is split only if splitting measured faster than not splitting, so the
// bound is the best of both per product, and never below the one-thread bound. Not Eigen's OpenMP
// GEMM nor OpenBLAS's threads: mlptrain is not built with OpenMP, and this is the kind of split
// mlptrain itself can do (lib/src/core/parallel_parts.hpp). The halves are checked against the
// whole product first.
//
// Usage: gemm_bound --layers 784,256,256,10 --batch 256 [--threads 1,2] [--min-time 0.2] [--trials 5]
// Prints one JSON object per thread count, one per line: each library's figures and the best.
#include <cblas.h>

#include <Eigen/Core>
#include "timing_options.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GEMM_BOUND_PAUSE() _mm_pause()
#else
#define GEMM_BOUND_PAUSE() ((void)0)
#endif

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using Index = Eigen::Index;
using Clock = std::chrono::steady_clock;

// Result columns (or rows) of each half are a multiple of this: one AVX-512 register of floats.
constexpr Index kSplitAlign = 16;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// One extra thread that busy-waits for a job, so that dispatch costs a cache-line transfer
// rather than a futex wake-up (a bound should not pay for a slow pool).
class SpinWorker {
 public:
  SpinWorker() : thread_([this] { loop(); }) {}
  ~SpinWorker() {
    stop_.store(true, std::memory_order_release);
    thread_.join();
  }
  SpinWorker(const SpinWorker&) = delete;
  SpinWorker& operator=(const SpinWorker&) = delete;

  // Runs `theirs` on the worker and `mine` on the caller; returns when both are done.
  void run(const std::function<void()>& mine, const std::function<void()>& theirs) {
    job_ = &theirs;
    posted_.fetch_add(1, std::memory_order_release);
    mine();
    while (finished_.load(std::memory_order_acquire) != posted_.load(std::memory_order_relaxed)) GEMM_BOUND_PAUSE();
  }

 private:
  void loop() {
    std::uint64_t seen = 0;
    while (!stop_.load(std::memory_order_acquire)) {
      if (posted_.load(std::memory_order_acquire) == seen) {
        GEMM_BOUND_PAUSE();
        continue;
      }
      ++seen;
      (*job_)();
      finished_.store(seen, std::memory_order_release);
    }
  }

  const std::function<void()>* job_ = nullptr;
  std::atomic<std::uint64_t> posted_{0};
  std::atomic<std::uint64_t> finished_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The two GEMM libraries compared; indexes kLibraries and each product's `split`.
enum Library : int { kEigen = 0, kOpenBlas = 1 };
constexpr const char* kLibraries[] = {"eigen", "openblas"};

// A column-major block of a matrix: its first element, its size and the distance between columns.
struct View {
  float* data;
  Index rows, cols, stride;
  View columns(Index first, Index count) const { return {data + first * stride, rows, count, stride}; }
  View row_range(Index first, Index count) const { return {data + first, count, cols, stride}; }
};

View view(Matrix& m) { return {m.data(), m.rows(), m.cols(), m.rows()}; }

// c = op(a) op(b), op transposing where the flag says so: the one form both libraries share.
struct Gemm {
  View a;
  bool transpose_a;
  View b;
  bool transpose_b;
  View c;

  Index inner() const { return transpose_a ? a.rows : a.cols; }
  // Result columns [first, first + count): op(b)'s columns, i.e. b's rows when b is transposed.
  Gemm columns(Index first, Index count) const {
    return {a, transpose_a, transpose_b ? b.row_range(first, count) : b.columns(first, count), transpose_b,
            c.columns(first, count)};
  }
  // Result rows [first, first + count): op(a)'s rows, i.e. a's columns when a is transposed.
  Gemm row_range(Index first, Index count) const {
    return {transpose_a ? a.columns(first, count) : a.row_range(first, count), transpose_a, b, transpose_b,
            c.row_range(first, count)};
  }
};

using Map = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
Map map(const View& v) { return Map(v.data, v.rows, v.cols, Eigen::OuterStride<>(v.stride)); }

void eigen_gemm(const Gemm& g) {
  const Map a = map(g.a), b = map(g.b);
  Map c = map(g.c);
  if (g.transpose_a && g.transpose_b) {
    c.noalias() = a.transpose() * b.transpose();
  } else if (g.transpose_a) {
    c.noalias() = a.transpose() * b;
  } else if (g.transpose_b) {
    c.noalias() = a * b.transpose();
  } else {
    c.noalias() = a * b;
  }
}

void openblas_gemm(const Gemm& g) {
  const auto op = [](bool transpose) { return transpose ? CblasTrans : CblasNoTrans; };
  const auto blas_int = [](Index i) { return static_cast<blasint>(i); };
  cblas_sgemm(CblasColMajor, op(g.transpose_a), op(g.transpose_b), blas_int(g.c.rows), blas_int(g.c.cols),
              blas_int(g.inner()), 1.0f, g.a.data, blas_int(g.a.stride), g.b.data, blas_int(g.b.stride), 0.0f, g.c.data,
              blas_int(g.c.stride));
}

void gemm(Library library, const Gemm& g) { library == kEigen ? eigen_gemm(g) : openblas_gemm(g); }

// One product of the step, run whole or in two halves of its result on two threads.
struct Product {
  Gemm whole;
  Matrix* result;
  bool split[2] = {false, false};  // per library: run in two halves on two threads

  double flops() const { return 2.0 * static_cast<double>(whole.c.rows * whole.c.cols * whole.inner()); }

  // Runs the product with `library`, in two halves on the caller and `worker` when `halves`.
  void run(Library library, bool halves, SpinWorker* worker) const {
    if (!halves || worker == nullptr) {
      gemm(library, whole);
      return;
    }
    const bool by_columns = whole.c.cols >= 2 * kSplitAlign;
    const Index extent = by_columns ? whole.c.cols : whole.c.rows;
    const Index half = (extent / 2 + kSplitAlign - 1) / kSplitAlign * kSplitAlign;
    const Index cut = std::clamp<Index>(half, std::min(kSplitAlign, extent), extent);
    const auto part = [&](Index first, Index count) {
      gemm(library, by_columns ? whole.columns(first, count) : whole.row_range(first, count));
    };
    worker->run([&] { part(0, cut); }, [&] { part(cut, extent - cut); });
  }
};

// The buffers of one dense layer, filled with values in [-1, 1].
struct Layer {
  Matrix weight, weight_grad, input, output, grad_output, grad_input;
  Layer(Index in, Index out, Index batch)
      : weight(Matrix::Random(out, in)),
        weight_grad(out, in),
        input(Matrix::Random(in, batch)),
        output(out, batch),
        grad_output(Matrix::Random(out, batch)),
        grad_input(in, batch) {}
};

// The step's products in the order a training step runs them: forward layer by layer (Z = W X),
// then backward from the last layer (dW = dZ X^T, dX = W^T dZ).
std::vector<Product> step_products(std::vector<Layer>& layers) {
  std::vector<Product> products;
  for (Layer& l : layers) {
    products.push_back({{view(l.weight), false, view(l.input), false, view(l.output)}, &l.output});
  }
  for (std::size_t i = layers.size(); i-- > 0;) {
    Layer& l = layers[i];
    products.push_back({{view(l.grad_output), false, view(l.input), true, view(l.weight_grad)}, &l.weight_grad});
    if (i == 0) continue;
    products.push_back({{view(l.weight), true, view(l.grad_output), false, view(l.grad_input)}, &l.grad_input});
  }
  return products;
}

// Medians over `trials` of the seconds per call of each of `bodies`, the bodies timed in turn
// within each trial (interleaved, so that a slow moment of the machine hits them alike), each
// repeated for at least `min_time` seconds after one warm-up call.
std::vector<double> time_per_call(const std::vector<std::function<void()>>& bodies, double min_time, int trials) {
  for (const auto& body : bodies) body();
  std::vector<std::vector<double>> per_call(bodies.size());
  for (int t = 0; t < trials; ++t) {
    for (std::size_t b = 0; b < bodies.size(); ++b) {
      long calls = 0;
      const auto start = Clock::now();
      double elapsed = 0;
      do {
        bodies[b]();
        ++calls;
        elapsed = seconds_since(start);
      } while (elapsed < min_time);
      per_call[b].push_back(elapsed / static_cast<double>(calls));
    }
  }
  std::vector<double> medians;
  for (auto& values : per_call) medians.push_back(bench::median(std::move(values)));
  return medians;
}

struct Options {
  std::vector<Index> layers;
  Index batch = 0;
  bench::TimingOptions timing;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--layers") {
      for (long v : bench::parse_list(value)) options.layers.push_back(v);
    } else if (key == "--batch") {
      options.batch = std::stol(value);
    } else if (!options.timing.parse(key, value)) {
      throw std::invalid_argument("unknown option " + key);
    }
  }
  if (argc % 2 == 0 || options.layers.size() < 2 || options.batch < 1 || !options.timing.valid()) {
    throw std::invalid_argument(
        "usage: gemm_bound --layers IN,H1,...,OUT --batch N [--threads 1,2] "
        "[--min-time S] [--trials N]");
  }
  return options;
}

// Checks that every way of computing each product (either library, whole or in halves) gives what
// Eigen's whole product does, to rounding (a library or a narrower product may block the sums
// differently), so that the bound times the right arithmetic in both libraries.
void check_products(std::vector<Product>& products, SpinWorker& worker) {
  for (Product& p : products) {
    p.run(kEigen, false, &worker);
    const Matrix expected = *p.result;
    for (Library library : {kEigen, kOpenBlas}) {
      for (bool split : {false, true}) {
        p.result->setZero();
        p.run(library, split, &worker);
        const float error = (expected - *p.result).cwiseAbs().maxCoeff();
        if (!(error <= 1e-3f * std::max(1.0f, expected.cwiseAbs().maxCoeff()))) {
          throw std::logic_error(std::string(kLibraries[library]) + (split ? ", split," : "") +
                                 " differs from Eigen's whole product by " + std::to_string(error));
        }
      }
    }
  }
}

// Seconds per step of each library on `threads` threads (1 or 2), interleaved; with 2, deciding for
// each product and library whether to split it (interleaved too).
std::vector<double> step_seconds(std::vector<Product>& products, int threads, const Options& options) {
  std::unique_ptr<SpinWorker> worker;
  for (Product& p : products) p.split[kEigen] = p.split[kOpenBlas] = false;
  if (threads > 1) {
    worker = std::make_unique<SpinWorker>();
    for (Product& p : products) {
      std::vector<std::function<void()>> ways;
      for (Library library : {kEigen, kOpenBlas}) {
        ways.push_back([&p, &worker, library] { p.run(library, false, worker.get()); });
        ways.push_back([&p, &worker, library] { p.run(library, true, worker.get()); });
      }
      const std::vector<double> seconds = time_per_call(ways, options.timing.min_time / 8, 3);
      p.split[kEigen] = seconds[1] < seconds[0];
      p.split[kOpenBlas] = seconds[3] < seconds[2];
    }
  }
  std::vector<std::function<void()>> steps;
  for (Library library : {kEigen, kOpenBlas}) {
    steps.push_back([&products, &worker, library] {
      for (const Product& p : products) p.run(library, p.split[library], worker.get());
    });
  }
  return time_per_call(steps, options.timing.min_time, options.timing.trials);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_options(argc, argv);
    // One thread per product: the two-thread bound splits products itself, as mlptrain would.
    openblas_set_num_threads(1);
    std::vector<Layer> layers;
    for (std::size_t i = 0; i + 1 < options.layers.size(); ++i) {
      layers.emplace_back(options.layers[i], options.layers[i + 1], options.batch);
    }
    std::vector<Product> products = step_products(layers);
    {
      SpinWorker worker;
      check_products(products, worker);
    }
    double flops = 0;
    for (const Product& p : products) flops += p.flops();
    std::string shape;
    for (Index size : options.layers) shape += (shape.empty() ? "" : "-") + std::to_string(size);
    const double batch = static_cast<double>(options.batch);
    std::vector<double> one_thread;
    for (int threads : options.timing.threads) {
      if (threads < 1 || threads > 2) throw std::invalid_argument("--threads: 1 or 2");
      std::vector<double> seconds = step_seconds(products, threads, options);
      if (threads == 1) one_thread = seconds;
      std::string figures;
      int best = kEigen;
      for (int library : {kEigen, kOpenBlas}) {
        int split = 0;
        for (const Product& p : products) split += threads > 1 && p.split[library];
        // Two threads can always leave the second one idle: the bound is never below one thread's.
        if (threads == 2 && !one_thread.empty() && (split == 0 || one_thread[library] < seconds[library])) {
          seconds[library] = one_thread[library];
          split = 0;
        }
        if (seconds[library] < seconds[best]) best = library;
        char text[256];
        std::snprintf(text, sizeof text,
                      "\"%s\": {\"split_products\": %d, \"step_seconds\": %.9g, \"samples_per_second\": %.6g, "
                      "\"gflops\": %.6g}, ",
                      kLibraries[library], split, seconds[library], batch / seconds[library],
                      flops / seconds[library] * 1e-9);
        figures += text;
      }
      std::printf(
          "{\"layers\": \"%s\", \"batch\": %ld, \"threads\": %d, \"products\": %zu, \"flops_per_sample\": %.0f, "
          "%s\"best\": \"%s\", \"samples_per_second\": %.6g, \"gflops\": %.6g}\n",
          shape.c_str(), static_cast<long>(options.batch), threads, products.size(), flops / batch, figures.c_str(),
          kLibraries[best], batch / seconds[best], flops / seconds[best] * 1e-9);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemm_bound: %s\n", e.what());
    return 2;
  }
  return 0;
}
