// The report of bench/gemm_backends; see report.hpp.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace gemm_bench {
namespace {

// Shape classes of one product, by its size m n k and its smallest dimension.
constexpr double kSmallMnk = 64.0 * 64 * 64;     // below: "small"
constexpr double kLargeMnk = 256.0 * 256 * 256;  // from: "large"
constexpr Index kThinDim = 16;                   // a dimension this small makes a product "thin"
constexpr const char* kClasses[] = {"small", "thin", "medium", "large"};
constexpr const char* kClassRules[] = {"m·n·k < 64³", "m·n·k ≥ 64³ and min(m, n, k) ≤ 16",
                                       "64³ ≤ m·n·k < 256³, min(m, n, k) > 16", "m·n·k ≥ 256³, min(m, n, k) > 16"};

double mnk(const Shape& s) { return static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k); }

int shape_class(const Shape& s) {
  if (mnk(s) < kSmallMnk) return 0;
  if (std::min({s.m, s.n, s.k}) <= kThinDim) return 1;
  return mnk(s) < kLargeMnk ? 2 : 3;
}

double gflops(const Shape& s, double seconds) { return seconds > 0 ? 2.0 * mnk(s) / seconds / 1e9 : 0.0; }

// "model name" alone says "AMD EPYC" in a VM; family and model tell the generation
// (family 25 = Zen 3/4, 26 = Zen 5).
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string name = "unknown CPU", family = "?", model = "?";
  for (std::string line; std::getline(cpuinfo, line) && line != "";) {
    const std::size_t colon = line.find(':');
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (line.rfind("model name", 0) == 0) name = value;
    if (line.rfind("cpu family", 0) == 0) family = value;
    if (line.rfind("model\t", 0) == 0) model = value;
  }
  return name + " (cpu family " + family + ", model " + model + ")";
}

// Geometric mean of t(reference) / t(method) over the rows where both ran; count of such rows.
struct Speedup {
  double geomean = 0;
  int count = 0;
};
template <class Keep>
Speedup speedup(const std::vector<Row>& rows, std::size_t method, std::size_t reference, Keep keep) {
  double sum = 0;
  Speedup s;
  for (const Row& r : rows) {
    if (!keep(r) || r.seconds[method] <= 0 || r.seconds[reference] <= 0) continue;
    sum += std::log(r.seconds[reference] / r.seconds[method]);
    ++s.count;
  }
  s.geomean = s.count ? std::exp(sum / s.count) : 0;
  return s;
}

// Winner per class (and per class and product): the method with the best geometric-mean
// speed-up over Eigen among those that took every product of the class.
void print_class_table(const Report& r, const std::vector<Method>& methods, std::FILE* out, bool per_product) {
  std::fprintf(out, "| class |%s products | Eigen GFLOP/s (geomean) |", per_product ? " product |" : "");
  for (const Method& m : methods) {
    if (!m.relu && m.label != "eigen") std::fprintf(out, " %s |", m.label.c_str());
  }
  std::fprintf(out, " winner |\n|---|%s---|---|", per_product ? "---|" : "");
  for (const Method& m : methods) {
    if (!m.relu && m.label != "eigen") std::fprintf(out, "---|");
  }
  std::fprintf(out, "---|\n");
  for (int c = 0; c < 4; ++c) {
    for (std::size_t p = 0; p < (per_product ? kProductCount : 1); ++p) {
      const auto keep = [&](const Row& row) {
        return shape_class(row.shape) == c && (!per_product || row.product == kProducts[p]);
      };
      const int total = static_cast<int>(std::count_if(r.rows.begin(), r.rows.end(), keep));
      if (total == 0) continue;
      double log_sum = 0;
      for (const Row& row : r.rows) {
        if (keep(row)) log_sum += std::log(gflops(row.shape, row.seconds[0]));
      }
      std::fprintf(out, "| %s |", kClasses[c]);
      if (per_product) std::fprintf(out, " %s |", product_name(kProducts[p]));
      std::fprintf(out, " %d | %.1f |", total, std::exp(log_sum / total));
      std::string winner = "eigen";
      double best = 1.0;
      for (std::size_t m = 1; m < methods.size(); ++m) {
        if (methods[m].relu) continue;
        const Speedup s = speedup(r.rows, m, 0, keep);
        if (s.count == total) {
          std::fprintf(out, " %.2fx |", s.geomean);
        } else {
          std::fprintf(out, " %.2fx (%d of %d) |", s.geomean, s.count, total);
        }
        if (s.count == total && s.geomean > best) best = s.geomean, winner = methods[m].label;
      }
      std::fprintf(out, " %s %.2fx |\n", winner.c_str(), best);
    }
  }
}

void print_relu(const Report& r, const std::vector<Method>& methods, std::FILE* out) {
  std::size_t eigen_relu = 0, onednn_relu = 0;
  for (std::size_t m = 0; m < methods.size(); ++m) {
    if (methods[m].label == "eigen+relu") eigen_relu = m;
    if (methods[m].label == "onednn+relu") onednn_relu = m;
  }
  if (eigen_relu == 0 || onednn_relu == 0) return;
  std::fprintf(out,
               "\nForward pass with ReLU: oneDNN's fused bias + ReLU post-op against Eigen's product and a "
               "separate ReLU pass (geometric-mean speed-up):\n\n| class | products | speed-up |\n|---|---|---|\n");
  for (int c = 0; c < 4; ++c) {
    const Speedup s = speedup(r.rows, onednn_relu, eigen_relu, [&](const Row& row) {
      return shape_class(row.shape) == c && row.product == Product::kForward;
    });
    if (s.count) std::fprintf(out, "| %s | %d | %.2fx |\n", kClasses[c], s.count, s.geomean);
  }
}

void print_rows(const Report& r, const std::vector<Method>& methods, std::FILE* out) {
  std::fprintf(out,
               "\n## All products (GFLOP/s, median; — = not taken)\n\n| batch | layer | product | m×n×k | class |");
  for (const Method& m : methods) std::fprintf(out, " %s |", m.label.c_str());
  std::fprintf(out, " fastest |\n|---|---|---|---|---|");
  for (std::size_t m = 0; m < methods.size(); ++m) std::fprintf(out, "---:|");
  std::fprintf(out, "---|\n");
  for (const Row& row : r.rows) {
    const Shape& s = row.shape;
    std::fprintf(out, "| %ld | %ld→%ld | %s | %ld×%ld×%ld | %s |", static_cast<long>(row.layer.batch),
                 static_cast<long>(row.layer.in), static_cast<long>(row.layer.out), product_name(row.product),
                 static_cast<long>(s.m), static_cast<long>(s.n), static_cast<long>(s.k), kClasses[shape_class(s)]);
    std::size_t fastest = 0;
    for (std::size_t m = 0; m < methods.size(); ++m) {
      if (row.seconds[m] > 0) {
        std::fprintf(out, " %.1f |", gflops(s, row.seconds[m]));
      } else {
        std::fprintf(out, " — |");
      }
      if (!methods[m].relu && row.seconds[m] > 0 && row.seconds[m] < row.seconds[fastest]) fastest = m;
    }
    std::fprintf(out, " %s |\n", methods[fastest].label.c_str());
  }
}

std::string listed(const std::vector<std::string>& places, int total) {
  std::string text;
  for (const std::string& place : places) text += (text.empty() ? "" : "; ") + place;
  return total > static_cast<int>(places.size()) ? text + "; …" : text;
}

void print_verdicts(const Report& r, std::FILE* out) {
  std::fprintf(out,
               "\n## Determinism under mlptrain's column split\n\n"
               "Each product of layers 8→8, 16→64, 64→10, 64→64, 256→10, 64→1, 784→256, 256→256, 1024→1024, "
               "2048→128 and 128→2048 at batches 64, 200 and 1024, computed whole and as the concatenation of its "
               "parts (mlptrain's 2-thread split, and 64-column chunks; products with fewer than 128 result columns "
               "have no split); then whole with the library's own thread count 1 and 2.\n\n"
               "| backend | products | bit-identical when split | same for 1 and 2 library threads | not taken | "
               "max rel. difference to Eigen |\n|---|---|---|---|---|---|\n");
  for (const Verdict& v : r.verdicts) {
    const std::string split = v.split_differs == 0 ? "yes (" + std::to_string(v.split_checked) + " split)"
                                                   : "**no**: " + std::to_string(v.split_differs) + " of " +
                                                         std::to_string(v.split_checked) + " differ";
    const std::string threads = v.threads_differs < 0    ? "n/a (no threads of its own)"
                                : v.threads_differs == 0 ? "yes"
                                                         : "**no**: " + std::to_string(v.threads_differs) + " differ";
    std::fprintf(out, "| %s | %d | %s | %s | %d | %.1e |\n", v.label.c_str(), v.products, split.c_str(),
                 threads.c_str(), v.unsupported, v.max_relative_error);
  }
  for (const Verdict& v : r.verdicts) {
    if (v.split_differs > 0) {
      std::fprintf(out, "\n%s differs when split: %s.\n", v.label.c_str(),
                   listed(v.split_differences, v.split_differs).c_str());
    }
    if (v.threads_differs > 0) {
      std::fprintf(out, "\n%s differs with 2 threads: %s.\n", v.label.c_str(),
                   listed(v.threads_differences, v.threads_differs).c_str());
    }
  }
}

}  // namespace

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::array<double, 3> load_average() {
  std::array<double, 3> load{};
  std::ifstream("/proc/loadavg") >> load[0] >> load[1] >> load[2];
  return load;
}

void print_report(const Report& r, const std::vector<Method>& methods, int reps, double min_time, std::FILE* out) {
  std::fprintf(out,
               "# Matrix-product backends (bench/gemm_backends)\n\nCPU: %s, single thread. Load average "
               "(1/5/15 min) before %.2f %.2f %.2f, after %.2f %.2f %.2f.\n",
               cpu_model().c_str(), r.load_before[0], r.load_before[1], r.load_before[2], r.load_after[0],
               r.load_after[1], r.load_after[2]);
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  const char* blis_arch = std::getenv("BLIS_ARCH_TYPE");
  std::fprintf(out,
               "OPENBLAS_CORETYPE=%s, BLIS_ARCH_TYPE=%s. Medians of %d interleaved repetitions, each at least %.3f s "
               "of the thread's CPU "
               "time in calls (thread CPU time, not wall time: the machine is shared).\n\n",
               coretype ? coretype : "(unset)", blis_arch ? blis_arch : "(unset)", reps, min_time);
  for (const std::string& lib : r.libraries) std::fprintf(out, "- %s\n", lib.c_str());
  for (const std::string& lib : r.missing) std::fprintf(out, "- %s: not found by CMake, skipped\n", lib.c_str());
  if (!r.rows.empty()) {
    std::fprintf(out, "\nShape classes (per product, m×n×k of its result m×n and inner dimension k):");
    for (int c = 0; c < 4; ++c) std::fprintf(out, " %s: %s%s", kClasses[c], kClassRules[c], c < 3 ? ";" : ".\n");
    std::fprintf(out, "\n## Speed-up over Eigen per shape class (geometric mean of time ratios)\n\n");
    print_class_table(r, methods, out, false);
    std::fprintf(out, "\nPer class and product:\n\n");
    print_class_table(r, methods, out, true);
    print_relu(r, methods, out);
  }
  if (!r.verdicts.empty()) print_verdicts(r, out);
  if (!r.rows.empty()) print_rows(r, methods, out);
}

}  // namespace gemm_bench
