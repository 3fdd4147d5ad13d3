// The Markdown report of bench/gemm_backends: shape classes, winners, the full table, the
// determinism verdicts.
#pragma once

#include "determinism.hpp"
#include "products.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace gemm_bench {

inline constexpr std::size_t kProductCount = 3;

struct LayerShape {
  Index in, out, batch;
};

// One product of one layer: median seconds per call for each method (0: not taken).
struct Row {
  LayerShape layer;
  Product product;
  Shape shape;
  std::vector<double> seconds;
};

struct Report {
  std::array<double, 3> load_before{}, load_after{};
  std::vector<std::string> libraries, missing;
  std::vector<Row> rows;
  std::vector<Verdict> verdicts;
};

double median(std::vector<double> values);
std::array<double, 3> load_average();
void print_report(const Report& report, const std::vector<Method>& methods, int reps, double min_time, std::FILE* out);

}  // namespace gemm_bench
