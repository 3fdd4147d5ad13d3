// gemm_backends: which matrix-product library should compute mlptrain's dense layers (issue 15).
//
// Times, single-threaded, the three products of a dense layer in mlptrain's layout (forward
// Z = W X + b, weight gradient dW = G X^T, input gradient dX = W^T G; column-major, one sample
// per column) with Eigen as mlptrain calls it and with each other library CMake found: OpenBLAS
// (cblas_sgemm, what EIGEN_USE_BLAS would call), BLIS (bli_sgemm), oneDNN's matmul (bias fused;
// and bias + ReLU fused, against Eigen plus a ReLU pass) and libxsmm's JIT kernels. Then checks
// which of them give bit-identical results under mlptrain's 64-aligned column split and for any
// library thread count (gemm_backends/determinism.cpp).
//
// Measurements are interleaved: for each shape, every method on every product, repeated --reps
// times; the figure is the median. Prints a Markdown report (see bench/README.md).
//
// Times are the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time: see time_call.
//
// Usage: gemm_backends [--reps 5] [--min-time 0.01] [--quick] [--no-timing] [--no-check]
//                      [--backends eigen,openblas,blis,libxsmm,onednn]   (Eigen, the reference, always runs)
#include "gemm_backends/determinism.hpp"
#include "gemm_backends/products.hpp"
#include "gemm_backends/report.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace gemm_bench {
namespace {

struct Options {
  int reps = 5;
  double min_time = 0.01;  // thread CPU seconds per measurement (whole calls, at least one)
  bool quick = false;
  bool timing = true;
  bool check = true;
  std::string backends;  // comma-separated names to run besides Eigen; empty: all built
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--reps") {
      o.reps = std::stoi(value());
    } else if (arg == "--min-time") {
      o.min_time = std::stod(value());
    } else if (arg == "--quick") {
      o.quick = true;
    } else if (arg == "--no-timing") {
      o.timing = false;
    } else if (arg == "--no-check") {
      o.check = false;
    } else if (arg == "--backends") {
      o.backends = "," + value() + ",";
    } else {
      throw std::invalid_argument("unknown option " + arg +
                                  " (usage: gemm_backends [--reps N] [--min-time S] [--quick] [--no-timing] "
                                  "[--no-check] [--backends LIST])");
    }
  }
  if (o.reps < 1 || o.min_time <= 0) throw std::invalid_argument("--reps and --min-time must be positive");
  if (o.quick) o.reps = 1, o.min_time = 0.002;
  return o;
}

// Square layers 8..2048 and the layers of the bench workloads (bench/configs), batches 16..1024.
std::vector<LayerShape> layer_shapes(bool quick) {
  std::vector<LayerShape> layers;
  const std::vector<Index> batches =
      quick ? std::vector<Index>{16, 256} : std::vector<Index>{16, 32, 64, 128, 256, 512, 1024};
  const std::vector<std::pair<Index, Index>> widths =
      quick ? std::vector<std::pair<Index, Index>>{{8, 8}, {256, 10}, {256, 256}}
            : std::vector<std::pair<Index, Index>>{{8, 8},     {16, 16},   {32, 32},     {64, 64},     {128, 128},
                                                   {256, 256}, {512, 512}, {1024, 1024}, {2048, 2048}, {784, 256},
                                                   {256, 10},  {64, 10},   {16, 64},     {64, 1}};
  for (const Index batch : batches) {
    for (const auto& [in, out] : widths) layers.push_back({in, out, batch});
  }
  return layers;
}

// CPU seconds of the calling thread: every method runs single-threaded on this thread, and on a
// shared machine (2 cores, load often above 5) wall time mostly measures the other processes.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Thread CPU seconds per call: enough whole calls to fill min_time, after one warm-up call.
double time_call(const std::function<void()>& run, double min_time) {
  double start = thread_seconds();
  run();
  const double first = thread_seconds() - start;
  const long calls = std::max(1L, static_cast<long>(min_time / std::max(first, 1e-9)));
  start = thread_seconds();
  for (long i = 0; i < calls; ++i) run();
  return (thread_seconds() - start) / static_cast<double>(calls);
}

std::vector<Row> measure(const std::vector<Method>& methods, const Options& o) {
  std::vector<Row> rows;
  const std::vector<LayerShape> layers = layer_shapes(o.quick);
  for (std::size_t li = 0; li < layers.size(); ++li) {
    const LayerShape& ls = layers[li];
    std::fprintf(stderr, "\r[%zu/%zu] %ld->%ld batch %ld      ", li + 1, layers.size(), static_cast<long>(ls.in),
                 static_cast<long>(ls.out), static_cast<long>(ls.batch));
    Layer layer(ls.in, ls.out, ls.batch);
    std::vector<Row> shape_rows;
    std::vector<std::vector<std::function<void()>>> runners;
    for (const Product p : kProducts) {
      shape_rows.push_back(Row{ls, p, product_shape(layer, p), {}});
      runners.emplace_back();
      for (const Method& m : methods) {
        runners.back().push_back(make_runner(m, layer, p, 0, layer.result(p).cols()));
      }
    }
    std::vector<std::vector<std::vector<double>>> times(kProductCount,
                                                        std::vector<std::vector<double>>(methods.size()));
    for (int rep = 0; rep < o.reps; ++rep) {
      for (std::size_t pi = 0; pi < kProductCount; ++pi) {
        for (std::size_t mi = 0; mi < methods.size(); ++mi) {
          if (runners[pi][mi]) times[pi][mi].push_back(time_call(runners[pi][mi], o.min_time));
        }
      }
    }
    for (std::size_t pi = 0; pi < kProductCount; ++pi) {
      for (std::size_t mi = 0; mi < methods.size(); ++mi) {
        shape_rows[pi].seconds.push_back(times[pi][mi].empty() ? 0.0 : median(times[pi][mi]));
      }
      rows.push_back(shape_rows[pi]);
    }
  }
  std::fprintf(stderr, "\n");
  return rows;
}

int run(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<std::unique_ptr<Backend>> backends;
  std::vector<std::string> missing;
  backends.push_back(make_eigen());
#ifdef GEMM_BENCH_OPENBLAS
  backends.push_back(make_openblas());
#else
  missing.push_back("OpenBLAS");
#endif
#ifdef GEMM_BENCH_BLIS
  backends.push_back(make_blis());
#else
  missing.push_back("BLIS");
#endif
#ifdef GEMM_BENCH_LIBXSMM
  backends.push_back(make_libxsmm());
#else
  missing.push_back("libxsmm");
#endif
#ifdef GEMM_BENCH_ONEDNN
  backends.push_back(make_onednn());
#else
  missing.push_back("oneDNN");
#endif
  if (!o.backends.empty()) {
    std::erase_if(backends, [&](const std::unique_ptr<Backend>& b) {
      return b->name() != "eigen" && o.backends.find("," + b->name() + ",") == std::string::npos;
    });
  }
  std::vector<Method> methods;
  for (const auto& b : backends) {
    b->set_threads(1);
    methods.push_back({b->name(), b.get(), false});
  }
  // The fused ReLU against mlptrain's separate pass (forward only).
  methods.push_back({"eigen+relu", backends.front().get(), true});
  if (backends.back()->name() == "onednn") methods.push_back({"onednn+relu", backends.back().get(), true});

  Report report;
  report.load_before = load_average();
  if (o.timing) report.rows = measure(methods, o);
  if (o.check) report.verdicts = check_determinism(methods);
  report.load_after = load_average();
  for (const auto& b : backends) report.libraries.push_back(b->describe());
  report.missing = missing;
  print_report(report, methods, o.reps, o.min_time, stdout);
  return 0;
}

}  // namespace
}  // namespace gemm_bench

int main(int argc, char** argv) {
  try {
    return gemm_bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemm_backends: %s\n", e.what());
    return 1;
  }
}
