// Bit-for-bit equality of float values, for the tests that results do not depend on threads,
// parts or backends: -0 differs from +0, and a NaN (an empty cell) equals itself.
#pragma once

#include "mlp/tensor.hpp"

#include <cstddef>
#include <cstring>

namespace mlp::test {

inline bool same_bits(const Scalar* a, const Scalar* b, Index n) {
  return n == 0 || std::memcmp(a, b, static_cast<std::size_t>(n) * sizeof(Scalar)) == 0;
}

// The same shape and the same bits (an empty matrix has no data to compare).
inline bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && same_bits(a.data(), b.data(), a.size());
}

}  // namespace mlp::test
