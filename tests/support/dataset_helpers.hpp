// Shared helpers of the dataset tests: settings for a file, matrix rows as vectors, notes.
#pragma once

#include "mlp/dataset.hpp"

#include "temp_dir.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace mlp::test {

// The whole file as training data, the values as read: no split, no standardisation of features
// or (regression) targets.
inline DataSettings settings_for(const std::filesystem::path& train) {
  DataSettings s;
  s.train = train;
  s.val_fraction = 0;
  s.standardize = false;
  s.standardize_target = false;
  return s;
}

inline std::vector<Scalar> row_of(const Matrix& m, Index row) {
  std::vector<Scalar> out;
  for (Index j = 0; j < m.cols(); ++j) out.push_back(m(row, j));
  return out;
}

inline bool has_note(const TrainingData& data, std::string_view part) {
  return std::any_of(data.notes.begin(), data.notes.end(), [&](const std::string& n) { return contains(n, part); });
}

// A classification file with `counts[c]` rows of class "c<c>"; feature x is the row's line.
inline std::string class_file(const std::vector<int>& counts) {
  std::string text = "x,label\n";
  int line = 2;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    for (int i = 0; i < counts[c]; ++i) text += std::to_string(line++) + ",c" + std::to_string(c) + "\n";
  }
  return text;
}

inline std::vector<int> class_counts(const Dataset& data, std::size_t classes) {
  std::vector<int> counts(classes, 0);
  for (Index j = 0; j < data.size(); ++j) ++counts[static_cast<std::size_t>(data.targets(0, j))];
  return counts;
}

}  // namespace mlp::test
