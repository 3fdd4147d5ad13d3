// The determinism check of bench/gemm_backends; see determinism.hpp.
//
// mlptrain computes a product with T threads as parts over its result columns whose boundaries
// are multiples of 64 (lib/src/core/parallel_parts.hpp), each part an ordinary single-threaded
// product. That is bit-identical for any --threads only if the library computes each output
// element the same way whatever the number of columns it is given: same blocking of the inner
// dimension, same kernel, same order of the sums. A BLAS that switches to a "small matrix" kernel
// below some m n k, or blocks k differently by shape, breaks that.
#include "determinism.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace gemm_bench {
namespace {

struct GridLayer {
  Index in, out;
};
// Small products (8x8, 16->64), thin outputs (->10, ->1), inner dimensions above 512 (784, 1024
// and 2048 inputs in the forward pass; batch 1024 in the weight gradient; 1024 and 2048 outputs
// in the input gradient), and a batch that is not a multiple of 64 (200).
constexpr GridLayer kGrid[] = {{8, 8},     {16, 64},   {64, 10},     {64, 64},    {256, 10},  {64, 1},
                               {784, 256}, {256, 256}, {1024, 1024}, {2048, 128}, {128, 2048}};
constexpr Index kGridBatches[] = {64, 200, 1024};
constexpr Index kAlign = 64;  // mlptrain's kColumnAlign

bool same_bits(const Matrix& x, const Matrix& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(float) * x.size()) == 0;
}

// Computes the whole result in `parts` (first, count) ranges; false if a part was not taken.
bool compute(const Method& method, Layer& layer, Product p, const std::vector<std::pair<Index, Index>>& parts) {
  layer.result(p).setConstant(std::numeric_limits<float>::quiet_NaN());  // a part that is skipped shows
  for (const auto& [first, count] : parts) {
    const std::function<void()> run = make_runner(method, layer, p, first, count);
    if (!run) return false;
    run();
  }
  return true;
}

// mlptrain's split of `cols` columns over `threads` parts (for_aligned_parts_indexed).
std::vector<std::pair<Index, Index>> mlptrain_parts(Index cols, Index threads) {
  const Index parts = std::clamp<Index>(cols / kAlign, 1, threads);
  const Index per_part = (cols / parts + kAlign - 1) / kAlign * kAlign;
  std::vector<std::pair<Index, Index>> out;
  for (Index first = 0; first < cols; first += per_part) out.emplace_back(first, std::min(per_part, cols - first));
  return out;
}

std::vector<std::pair<Index, Index>> chunks(Index cols) {
  std::vector<std::pair<Index, Index>> out;
  for (Index first = 0; first < cols; first += kAlign) out.emplace_back(first, std::min(kAlign, cols - first));
  return out;
}

std::string where(const Layer& l, Product p) {
  return std::to_string(l.in) + "→" + std::to_string(l.out) + " batch " + std::to_string(l.batch) + " " +
         product_name(p);
}

double relative_error(const Matrix& x, const Matrix& reference) {
  const double scale = std::max(1e-30, static_cast<double>(reference.cwiseAbs().maxCoeff()));
  return static_cast<double>((x - reference).cwiseAbs().maxCoeff()) / scale;
}

void check_product(const Method& method, const Method& eigen, Layer& layer, Product p, Verdict& v) {
  const Index cols = layer.result(p).cols();
  ++v.products;
  if (!compute(eigen, layer, p, {{0, cols}})) return;
  const Matrix reference = layer.result(p);
  if (!compute(method, layer, p, {{0, cols}})) {
    ++v.unsupported;
    return;
  }
  const Matrix whole = layer.result(p);
  v.max_relative_error = std::max(v.max_relative_error, relative_error(whole, reference));
  if (cols >= 2 * kAlign) {
    ++v.split_checked;
    bool same = true;
    for (const auto& parts : {mlptrain_parts(cols, 2), chunks(cols)}) {
      // A part the backend does not take counts as a difference: mlptrain could not use it.
      same = same && compute(method, layer, p, parts) && same_bits(layer.result(p), whole);
    }
    if (!same && v.split_differs++ < static_cast<int>(kMaxListed)) v.split_differences.push_back(where(layer, p));
  }
  if (method.backend->set_threads(2)) {
    v.threads_differs = std::max(v.threads_differs, 0);
    const bool same = compute(method, layer, p, {{0, cols}}) && same_bits(layer.result(p), whole);
    method.backend->set_threads(1);
    if (!same && v.threads_differs++ < static_cast<int>(kMaxListed)) {
      v.threads_differences.push_back(where(layer, p));
    }
  }
}

}  // namespace

std::vector<Verdict> check_determinism(const std::vector<Method>& methods) {
  std::vector<Verdict> verdicts;
  const Method& eigen = methods.front();
  for (const Method& method : methods) {
    if (method.relu) continue;
    Verdict v;
    v.label = method.label;
    for (const GridLayer& g : kGrid) {
      for (const Index batch : kGridBatches) {
        Layer layer(g.in, g.out, batch);
        for (const Product p : kProducts) check_product(method, eigen, layer, p, v);
      }
    }
    verdicts.push_back(v);
  }
  return verdicts;
}

}  // namespace gemm_bench
