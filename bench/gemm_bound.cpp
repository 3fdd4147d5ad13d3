// gemm_bound: how many samples per second a training step of an MLP would reach if it were only
// its matrix products, measured with Eigen on this machine, with the build flags of mlptrain.
//
// The products of one step for a dense layer with k inputs, m outputs and a batch of n samples
// (column-major, one sample per column, weights m x k, as mlptrain stores them):
//   forward   Z  = W X        (m x n)   2 m n k FLOPs
//   backward  dW = dZ X^T     (m x k)   2 m n k FLOPs
//   backward  dX = W^T dZ     (k x n)   2 m n k FLOPs, not for the first layer (nothing needs it)
// Biases, activations, the loss and the optimizer are left out: this is an upper bound.
//
// Two threads: each product is split in two halves of its result, by columns (by rows when the
// result has too few columns), each half an ordinary single-threaded Eigen product, and the second
// half runs on a worker thread that busy-waits for work, so handing it a product costs well under a
// microsecond. Each product is split only if splitting measured faster than not splitting, so the
// bound is the best of both per product, and never below the one-thread bound. Not Eigen's OpenMP
// GEMM: mlptrain is not built with OpenMP, and this is the kind of split mlptrain itself can do
// (lib/src/core/parallel_parts.hpp). The split halves are checked against the whole product first.
//
// Usage: gemm_bound --layers 784,256,256,10 --batch 256 [--threads 1,2] [--min-time 0.2] [--trials 5]
// Prints one JSON object per thread count, one per line.
#include <Eigen/Core>

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

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

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

// One product of the step: computes rows [r0, r0 + r) or columns [c0, c0 + c) of its result.
struct Product {
  Matrix* result;
  double flops;
  std::function<void(Index first, Index count, bool by_columns)> part;
  bool split = false;  // run in two halves on two threads

  void run(SpinWorker* worker) const {
    if (!split || worker == nullptr) {
      part(0, result->cols(), true);
      return;
    }
    const bool by_columns = result->cols() >= 2 * kSplitAlign;
    const Index extent = by_columns ? result->cols() : result->rows();
    const Index half = (extent / 2 + kSplitAlign - 1) / kSplitAlign * kSplitAlign;
    const Index cut = std::clamp<Index>(half, std::min(kSplitAlign, extent), extent);
    worker->run([&] { part(0, cut, by_columns); }, [&] { part(cut, extent - cut, by_columns); });
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

// The step's products in the order a training step runs them: forward layer by layer, then
// backward from the last layer.
std::vector<Product> step_products(std::vector<Layer>& layers) {
  std::vector<Product> products;
  for (Layer& l : layers) {
    const Index m = l.weight.rows(), k = l.weight.cols(), n = l.input.cols();
    products.push_back({&l.output, 2.0 * m * n * k, [&l](Index first, Index count, bool by_columns) {
                          if (by_columns) {
                            l.output.middleCols(first, count).noalias() = l.weight * l.input.middleCols(first, count);
                          } else {
                            l.output.middleRows(first, count).noalias() = l.weight.middleRows(first, count) * l.input;
                          }
                        }});
  }
  for (std::size_t i = layers.size(); i-- > 0;) {
    Layer& l = layers[i];
    const Index m = l.weight.rows(), k = l.weight.cols(), n = l.input.cols();
    products.push_back({&l.weight_grad, 2.0 * m * n * k, [&l](Index first, Index count, bool by_columns) {
                          if (by_columns) {
                            l.weight_grad.middleCols(first, count).noalias() =
                                l.grad_output * l.input.middleRows(first, count).transpose();
                          } else {
                            l.weight_grad.middleRows(first, count).noalias() =
                                l.grad_output.middleRows(first, count) * l.input.transpose();
                          }
                        }});
    if (i == 0) continue;
    products.push_back({&l.grad_input, 2.0 * m * n * k, [&l](Index first, Index count, bool by_columns) {
                          if (by_columns) {
                            l.grad_input.middleCols(first, count).noalias() =
                                l.weight.transpose() * l.grad_output.middleCols(first, count);
                          } else {
                            l.grad_input.middleRows(first, count).noalias() =
                                l.weight.middleCols(first, count).transpose() * l.grad_output;
                          }
                        }});
  }
  return products;
}

// Median over `trials` of the seconds per call of `body`, each trial repeating it for at least
// `min_time` seconds (after one warm-up call).
template <class Body>
double time_per_call(Body&& body, double min_time, int trials) {
  body();
  std::vector<double> per_call;
  for (int t = 0; t < trials; ++t) {
    long calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      body();
      ++calls;
      elapsed = seconds_since(start);
    } while (elapsed < min_time);
    per_call.push_back(elapsed / static_cast<double>(calls));
  }
  return median(per_call);
}

struct Options {
  std::vector<Index> layers;
  Index batch = 0;
  std::vector<int> threads{1, 2};
  double min_time = 0.2;
  int trials = 5;
};

std::vector<long> parse_list(const std::string& text) {
  std::vector<long> values;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    values.push_back(std::stol(text.substr(start, comma - start)));
    start = comma + 1;
  }
  return values;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--layers") {
      for (long v : parse_list(value)) options.layers.push_back(v);
    } else if (key == "--batch") {
      options.batch = std::stol(value);
    } else if (key == "--threads") {
      options.threads.clear();
      for (long v : parse_list(value)) options.threads.push_back(static_cast<int>(v));
    } else if (key == "--min-time") {
      options.min_time = std::stod(value);
    } else if (key == "--trials") {
      options.trials = std::stoi(value);
    } else {
      throw std::invalid_argument("unknown option " + key);
    }
  }
  if (argc % 2 == 0 || options.layers.size() < 2 || options.batch < 1) {
    throw std::invalid_argument(
        "usage: gemm_bound --layers IN,H1,...,OUT --batch N [--threads 1,2] "
        "[--min-time S] [--trials N]");
  }
  return options;
}

// Checks that the two halves of each product compute what the whole product does (to rounding:
// Eigen may block a narrower product differently), so that the bound times the right arithmetic.
void check_split(std::vector<Product>& products, SpinWorker& worker) {
  for (Product& p : products) {
    p.split = false;
    p.run(&worker);
    const Matrix whole = *p.result;
    p.result->setZero();
    p.split = true;
    p.run(&worker);
    const float error = (whole - *p.result).cwiseAbs().maxCoeff();
    if (!(error <= 1e-3f * std::max(1.0f, whole.cwiseAbs().maxCoeff()))) {
      throw std::logic_error("a split product differs from the whole product by " + std::to_string(error));
    }
  }
}

// Seconds per step on `threads` threads (1 or 2), deciding for each product whether to split it.
double step_seconds(std::vector<Product>& products, int threads, const Options& options) {
  std::unique_ptr<SpinWorker> worker;
  if (threads > 1) {
    worker = std::make_unique<SpinWorker>();
    check_split(products, *worker);
    for (Product& p : products) {
      p.split = false;
      const double whole = time_per_call([&] { p.run(worker.get()); }, options.min_time / 4, 3);
      p.split = true;
      const double halves = time_per_call([&] { p.run(worker.get()); }, options.min_time / 4, 3);
      p.split = halves < whole;
    }
    // With nothing to hand over, a spinning worker would only take CPU time from the caller.
    if (std::none_of(products.begin(), products.end(), [](const Product& p) { return p.split; })) worker.reset();
  }
  return time_per_call(
      [&] {
        for (const Product& p : products) p.run(worker.get());
      },
      options.min_time, options.trials);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_options(argc, argv);
    std::vector<Layer> layers;
    for (std::size_t i = 0; i + 1 < options.layers.size(); ++i) {
      layers.emplace_back(options.layers[i], options.layers[i + 1], options.batch);
    }
    std::vector<Product> products = step_products(layers);
    double flops = 0;
    for (const Product& p : products) flops += p.flops;
    std::string shape;
    for (Index size : options.layers) shape += (shape.empty() ? "" : "-") + std::to_string(size);
    double one_thread = 0;
    for (int threads : options.threads) {
      if (threads < 1 || threads > 2) throw std::invalid_argument("--threads: 1 or 2");
      double seconds = step_seconds(products, threads, options);
      int split = 0;
      for (const Product& p : products) split += threads > 1 && p.split;
      if (threads == 1) one_thread = seconds;
      // Two threads can always leave the second one idle: the bound is never below one thread's.
      if (threads == 2 && one_thread > 0 && one_thread < seconds) {
        seconds = one_thread;
        split = 0;
      }
      std::printf(
          "{\"layers\": \"%s\", \"batch\": %ld, \"threads\": %d, \"products\": %zu, \"split_products\": %d, "
          "\"flops_per_sample\": %.0f, \"step_seconds\": %.9g, \"samples_per_second\": %.6g, \"gflops\": %.6g}\n",
          shape.c_str(), static_cast<long>(options.batch), threads, products.size(), split,
          flops / static_cast<double>(options.batch), seconds, static_cast<double>(options.batch) / seconds,
          flops / seconds * 1e-9);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemm_bound: %s\n", e.what());
    return 2;
  }
  return 0;
}
