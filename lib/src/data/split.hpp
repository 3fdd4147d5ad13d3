// Internal to the dataset module: the seeded train/validation split.
#pragma once

#include "mlp/dataset.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlp::detail {

struct SplitIndices {
  std::vector<Index> train;  // ascending
  std::vector<Index> val;    // ascending
};

// Holds out round(fraction * n) samples (at least 1) for validation, drawn with
// Rng(seed, "split"). Classification keeps at least one training sample of every class; with
// `stratify`, each class gives its share of the validation set (largest remainders round the
// shares to whole samples). The same data, fraction and seed give the same split.
// Throws InputError (naming `source`) when there are too few samples to split.
SplitIndices split_indices(const Dataset& data, const DataSchema& schema, double fraction, bool stratify,
                           std::uint64_t seed, const std::string& source);

// Keeps only the samples at `ascending` indices, in place (no second copy of the features).
void keep_samples(Dataset& data, const std::vector<Index>& ascending);

}  // namespace mlp::detail
