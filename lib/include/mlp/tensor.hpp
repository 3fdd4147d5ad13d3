// Numeric types shared by the whole library: the scalar, batch matrices and views over them.
//
// Layout, chosen once: column-major matrices with one sample per column. A batch of n samples
// with d features is a d x n matrix, so each sample is contiguous and the first n columns of a
// buffer sized for a larger batch are again a contiguous d x n matrix (see `columns`). Weights
// are stored out x in, like torch.nn.Linear.weight, and a dense layer computes Z = W X + b.
#pragma once

// g++ 12 with AVX-512 reports "used uninitialized" inside its own intrinsics headers when
// Eigen's vectorised log/exp are inlined (the intrinsics start from _mm512_undefined_ps on
// purpose). Silenced for the headers only, not for this project's code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#else
#include <Eigen/Core>
#endif

#include <cstddef>

namespace mlp {

// float32 for training; the gradient-check build defines MLP_DOUBLE to run the same code in
// double, where finite differences are accurate enough to check against.
#ifdef MLP_DOUBLE
using Scalar = double;
#else
using Scalar = float;
#endif

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

// Views over contiguous column-major storage. Layers take and return these so that a batch
// smaller than the buffer it lives in costs no copy and no allocation.
using MatrixView = Eigen::Map<Matrix>;
using ConstMatrixView = Eigen::Map<const Matrix>;
using VectorView = Eigen::Map<Vector>;
using ConstVectorView = Eigen::Map<const Vector>;

// The first `n` columns of `buffer`, as a view (valid while `buffer` is neither resized nor freed).
inline MatrixView columns(Matrix& buffer, Index n) { return MatrixView(buffer.data(), buffer.rows(), n); }
inline ConstMatrixView columns(const Matrix& buffer, Index n) {
  return ConstMatrixView(buffer.data(), buffer.rows(), n);
}
// Columns [first, first + count) of a view, as a view (the parts a batch is split into).
inline MatrixView columns(MatrixView m, Index first, Index count) {
  return MatrixView(m.data() + first * m.rows(), m.rows(), count);
}
inline ConstMatrixView columns(ConstMatrixView m, Index first, Index count) {
  return ConstMatrixView(m.data() + first * m.rows(), m.rows(), count);
}
// A whole matrix as a view: `view` to write through, `cview` to read.
inline MatrixView view(Matrix& m) { return MatrixView(m.data(), m.rows(), m.cols()); }
inline ConstMatrixView cview(const Matrix& m) { return ConstMatrixView(m.data(), m.rows(), m.cols()); }

}  // namespace mlp
