// Work split over a thread pool in aligned ranges: matrix products by columns of the result (the
// dense layer), element-wise passes by columns (activations, the batch gather) or by ranges of
// elements (the optimizers).
//
// Why by hand and not with Eigen's OpenMP: Eigen picks its blocking along the inner dimension
// from the thread count, which changes the order of the sums and so the last bits of the
// result. Here every part is an ordinary single-threaded Eigen product over whole columns whose
// boundaries fall on multiples of kColumnAlign, so each output value is computed by exactly
// the same instructions whatever the thread count: results are bit-identical for any --threads.
#pragma once

#include "mlp/tensor.hpp"
#include "mlp/thread_pool.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace mlp::detail {

// Column boundaries are multiples of this, so no part sees a different column remainder (and so
// a different kernel) than the whole product would, and none is small enough for Eigen's
// coefficient-wise product path.
constexpr Index kColumnAlign = 64;
// Below this many multiply-adds a product is not worth waking another thread for.
constexpr double kMinParallelWork = 1 << 20;
// One value of an element-wise pass (an optimizer update, an activation, a copy), counted as
// this many multiply-adds of a matrix product: passes over about 64k values and more are split.
constexpr double kElementWork = 16;

// How many parts a product with `cols` result columns and `work` multiply-adds is split into.
inline Index product_parts(const ThreadPool* pool, Index cols, double work) {
  if (pool == nullptr || pool->size() == 1 || work < kMinParallelWork) return 1;
  return std::clamp<Index>(cols / kColumnAlign, 1, pool->size());
}

// Calls part(index, first, count) for `parts` ranges covering [0, cols), each `per_part` columns
// (a multiple of kColumnAlign) but the last, which takes what is left, spread over `pool` (in order
// on the calling thread when it is nullptr or has one thread); index < parts tells the parts apart.
// A range that would start past the end is skipped.
template <class Part>
void for_aligned_ranges(ThreadPool* pool, Index cols, Index parts, Index per_part, Part&& part) {
  if (parts <= 1) {
    part(0, Index{0}, cols);
    return;
  }
  auto run_part = [&](std::int64_t i) {
    const Index first = static_cast<Index>(i) * per_part;
    if (first >= cols) return;
    const Index count = (i == parts - 1) ? cols - first : std::min(per_part, cols - first);
    part(static_cast<int>(i), first, count);
  };
  if (pool == nullptr || pool->size() == 1) {
    for (Index i = 0; i < parts; ++i) run_part(i);
  } else {
    pool->run(parts, run_part);
  }
}

// Calls part(index, first, count) for ranges covering [0, cols) whose boundaries are multiples
// of kColumnAlign, in parallel when `work` (multiply-adds, or their equivalent) pays for it;
// index < pool->size() tells the parts apart (per-thread scratch). For element-wise work,
// aligned boundaries also keep each element in the same SIMD lane position, so every element
// sees the same instructions as in one whole pass.
template <class Part>
void for_aligned_parts_indexed(ThreadPool* pool, Index cols, double work, Part&& part) {
  const Index parts = product_parts(pool, cols, work);
  // Aligned columns per part, rounded up (the last part may be the narrowest, or empty).
  const Index per_part = (cols / parts + kColumnAlign - 1) / kColumnAlign * kColumnAlign;
  for_aligned_ranges(pool, cols, parts, per_part, std::forward<Part>(part));
}

// for_aligned_parts_indexed for a part that needs no index: part(first, count).
template <class Part>
void for_aligned_parts(ThreadPool* pool, Index cols, double work, Part&& part) {
  for_aligned_parts_indexed(pool, cols, work, [&](int, Index first, Index count) { part(first, count); });
}

// for_aligned_parts for an element-wise pass over `values` values laid out in `cols` columns
// (or `cols` single elements): its work counted at kElementWork per value.
template <class Part>
void for_elementwise_parts(ThreadPool* pool, Index cols, double values, Part&& part) {
  for_aligned_parts(pool, cols, values * kElementWork, std::forward<Part>(part));
}

// for_aligned_parts_indexed for an element-wise pass (see for_elementwise_parts).
template <class Part>
void for_elementwise_parts_indexed(ThreadPool* pool, Index cols, double values, Part&& part) {
  for_aligned_parts_indexed(pool, cols, values * kElementWork, std::forward<Part>(part));
}

}  // namespace mlp::detail
