#include "median.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

namespace mlp::detail {
namespace {

// A float's bits as an unsigned integer that orders as the float does (negatives flipped whole,
// positives above them), so that a value's rank can be found digit by digit.
std::uint32_t ordered_bits(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  return (bits & 0x8000'0000U) ? ~bits : bits | 0x8000'0000U;
}

// The value of rank `rank` (0-based, ascending) among `values`, which are not NaN. A radix select:
// a 2048-bin histogram of the top 11 bits finds the bin holding the rank, only that bin's values
// are kept, and so on for the next 11 and the last 10 bits; what is left are copies of one value.
float value_of_rank(std::span<const float> values, std::size_t rank) {
  assert(rank < values.size());
  constexpr std::uint32_t kBins = 2048;
  std::vector<float> kept;
  std::span<const float> candidates = values;
  for (const int shift : {21, 10, 0}) {
    std::array<std::size_t, kBins> histogram{};
    for (const float v : candidates) ++histogram[(ordered_bits(v) >> shift) & (kBins - 1)];
    std::uint32_t bin = 0;
    while (rank >= histogram[bin]) rank -= histogram[bin++];
    std::vector<float> next;
    next.reserve(histogram[bin]);
    for (const float v : candidates) {
      if (((ordered_bits(v) >> shift) & (kBins - 1)) == bin) next.push_back(v);
    }
    kept = std::move(next);
    candidates = kept;
  }
  return kept[rank];
}

}  // namespace

double median_of(std::span<const float> values) {
  assert(!values.empty());
  const std::size_t mid = values.size() / 2;
  const double upper = value_of_rank(values, mid);
  if (values.size() % 2) return upper;
  const double lower = value_of_rank(values, mid - 1);
  return lower + (upper - lower) / 2;  // no overflow for two huge values
}

}  // namespace mlp::detail
