#include "median.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

namespace mlp::detail {
namespace {

// A float's bits as an unsigned integer that orders as the float does (negatives flipped whole,
// positives above them), so that a value's rank can be found digit by digit.
std::uint32_t ordered_bits(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  return (bits & 0x8000'0000U) ? ~bits : bits | 0x8000'0000U;
}

float float_of_ordered_bits(std::uint32_t ordered) {
  return std::bit_cast<float>((ordered & 0x8000'0000U) ? ordered & 0x7FFF'FFFFU : ~ordered);
}

// The values of ranks `low` and `high` (0-based, ascending; `high` is `low` or `low + 1`) among
// `values`, which are not NaN. A radix select: a 2048-bin histogram of the top 11 bits finds the
// bins holding the ranks; while they share one, only that bin's values are kept, and so on for
// the next 11 and the last 10 bits, after which what is left are copies of one value. Once the
// two ranks fall in different bins, `low` is the largest value of its bin and `high` the
// smallest of the next: one more pass finds both.
std::pair<float, float> values_of_ranks(std::span<const float> values, std::size_t low, std::size_t high) {
  assert(low <= high && high <= low + 1 && high < values.size());
  constexpr std::uint32_t kBins = 2048;
  // The values kept after the first level; later levels close them up in place.
  std::unique_ptr<float[]> kept;
  std::span<const float> candidates = values;
  for (const int shift : {21, 10, 0}) {
    const auto bin_of = [shift](std::uint32_t bits) { return (bits >> shift) & (kBins - 1); };
    // Two histograms, of the even and the odd positions: in a column of mostly one value (zeros,
    // a flag) one counter would take every increment, each waiting for the one before. The same
    // pass sees whether every candidate is one value, which then is the answer.
    std::array<std::array<std::size_t, kBins>, 2> halves{};
    const std::uint32_t first = ordered_bits(candidates.front());
    bool one_value = true;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const std::uint32_t bits = ordered_bits(candidates[i]);
      ++halves[i % 2][bin_of(bits)];
      one_value &= bits == first;
    }
    if (one_value) return {candidates.front(), candidates.front()};
    std::array<std::size_t, kBins>& histogram = halves[0];
    for (std::uint32_t b = 0; b < kBins; ++b) histogram[b] += halves[1][b];
    std::uint32_t bin = 0;
    while (low >= histogram[bin]) low -= histogram[bin], high -= histogram[bin], ++bin;
    if (high >= histogram[bin]) {
      std::uint32_t lowest_above = std::numeric_limits<std::uint32_t>::max();
      std::uint32_t highest_in = 0;
      for (const float v : candidates) {
        const std::uint32_t bits = ordered_bits(v);
        if (bin_of(bits) == bin) highest_in = std::max(highest_in, bits);
        if (bin_of(bits) > bin) lowest_above = std::min(lowest_above, bits);
      }
      return {float_of_ordered_bits(highest_in), float_of_ordered_bits(lowest_above)};
    }
    // The bin's values, closed up without a branch: each value is written, and the write
    // position moves on only for a value of the bin (one slot spare for the last write).
    if (!kept) kept = std::make_unique_for_overwrite<float[]>(histogram[bin] + 1);
    std::size_t count = 0;
    for (const float v : candidates) {
      kept[count] = v;
      count += bin_of(ordered_bits(v)) == bin ? 1 : 0;
    }
    candidates = {kept.get(), count};
  }
  return {candidates[low], candidates[high]};
}

}  // namespace

double median_of(std::span<const float> values) {
  assert(!values.empty());
  const std::size_t mid = values.size() / 2;
  const auto [lower, upper] = values_of_ranks(values, values.size() % 2 ? mid : mid - 1, mid);
  return lower + (static_cast<double>(upper) - lower) / 2;  // no overflow for two huge values
}

}  // namespace mlp::detail
