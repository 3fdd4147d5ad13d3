// Whether a backend's products are bit-identical however mlptrain splits them over threads.
#pragma once

#include "products.hpp"

#include <string>
#include <vector>

namespace gemm_bench {

inline constexpr std::size_t kMaxListed = 8;

struct Verdict {
  std::string label;
  int products = 0;                            // products checked (each product of each layer of the grid)
  int split_checked = 0;                       // of which had at least two 64-aligned column parts
  int split_differs = 0;                       // whole != concatenation of its parts (2-way or 64-column chunks)
  std::vector<std::string> split_differences;  // where (the first kMaxListed)
  int threads_differs = -1;                    // whole with 1 vs 2 library threads; -1: the library has no threads
  std::vector<std::string> threads_differences;
  int unsupported = 0;            // products the backend did not take
  double max_relative_error = 0;  // against Eigen, max |x - y| / max |y| per product
};

// Checks every method (each non-ReLU backend) on a fixed grid of layers and batches that includes
// inner dimensions above 512 and products below 64^3 (see the .cpp for the grid).
std::vector<Verdict> check_determinism(const std::vector<Method>& methods);

}  // namespace gemm_bench
