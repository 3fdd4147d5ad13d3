#include "split.hpp"

#include "mlp/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlp::detail {
namespace {

Index class_of(const Dataset& data, Index sample) { return static_cast<Index>(data.targets(0, sample)); }

// How many validation samples each class gives: its share n_c * n_val / n rounded down, then
// the samples still missing go to the largest remainders (ties to the lower class index), never
// taking a class's last sample. Possible because n_val <= n - classes.
std::vector<Index> stratified_counts(const std::vector<std::vector<Index>>& members, Index n, Index n_val) {
  const std::size_t k = members.size();
  std::vector<Index> take(k);
  std::vector<double> remainder(k);
  Index left = n_val;
  for (std::size_t c = 0; c < k; ++c) {
    const auto size = static_cast<Index>(members[c].size());
    const double share = static_cast<double>(size) * static_cast<double>(n_val) / static_cast<double>(n);
    take[c] = std::min(static_cast<Index>(std::floor(share)), std::max<Index>(size - 1, 0));
    remainder[c] = share - std::floor(share);
    left -= take[c];
  }
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  while (left > 0) {
    for (const std::size_t c : order) {
      if (left == 0) break;
      if (take[c] + 1 < static_cast<Index>(members[c].size())) ++take[c], --left;
    }
  }
  return take;
}

SplitIndices stratified_split(const Dataset& data, Index classes, Index n_val, Rng& rng) {
  std::vector<std::vector<Index>> members(static_cast<std::size_t>(classes));
  for (Index i = 0; i < data.size(); ++i) members[static_cast<std::size_t>(class_of(data, i))].push_back(i);
  const std::vector<Index> take = stratified_counts(members, data.size(), n_val);
  SplitIndices split;
  for (std::size_t c = 0; c < members.size(); ++c) {
    shuffle(members[c].begin(), members[c].end(), rng);
    const auto cut = members[c].begin() + take[c];
    split.val.insert(split.val.end(), members[c].begin(), cut);
    split.train.insert(split.train.end(), cut, members[c].end());
  }
  return split;
}

// A plain random split; for classification, a class left without training samples gets its
// first validation sample back.
SplitIndices random_split(const Dataset& data, Index classes, Index n_val, Rng& rng) {
  std::vector<Index> order(static_cast<std::size_t>(data.size()));
  std::iota(order.begin(), order.end(), Index{0});
  shuffle(order.begin(), order.end(), rng);
  SplitIndices split;
  split.val.assign(order.begin(), order.begin() + n_val);
  split.train.assign(order.begin() + n_val, order.end());
  if (classes == 0) return split;
  std::vector<bool> in_train(static_cast<std::size_t>(classes), false);
  for (const Index i : split.train) in_train[static_cast<std::size_t>(class_of(data, i))] = true;
  for (Index c = 0; c < classes; ++c) {
    if (in_train[static_cast<std::size_t>(c)]) continue;
    const auto it = std::find_if(split.val.begin(), split.val.end(), [&](Index i) { return class_of(data, i) == c; });
    split.train.push_back(*it);
    split.val.erase(it);
  }
  return split;
}

}  // namespace

SplitIndices split_indices(const Dataset& data, const DataSchema& schema, double fraction, bool stratify,
                           std::uint64_t seed, const std::string& source) {
  const Index n = data.size();
  const bool classification = schema.task == Task::kClassification;
  const auto classes = classification ? static_cast<Index>(schema.classes.size()) : Index{0};
  // Every class keeps a training sample (and regression keeps one sample at least).
  const Index max_val = n - std::max<Index>(classes, 1);
  if (max_val < 1) {
    throw InputError(source + ": " + std::to_string(n) + " rows are too few for a validation split" +
                     (classification ? " that leaves every class a training row" : ""));
  }
  const Index n_val = std::clamp<Index>(std::llround(fraction * static_cast<double>(n)), 1, max_val);
  Rng rng(seed, "split");
  SplitIndices split = classification && stratify ? stratified_split(data, classes, n_val, rng)
                                                  : random_split(data, classes, n_val, rng);
  if (split.val.empty()) {
    throw InputError(source + ": " + std::to_string(n) +
                     " rows are too few for a validation split that leaves every class a training row");
  }
  // Both in ascending order: the samples marked, then listed in order (two sorts took longer).
  std::vector<char> held_out(static_cast<std::size_t>(n), 0);
  for (const Index i : split.val) held_out[static_cast<std::size_t>(i)] = 1;
  split.train.clear();
  split.val.clear();
  for (Index i = 0; i < n; ++i) (held_out[static_cast<std::size_t>(i)] ? split.val : split.train).push_back(i);
  return split;
}

void keep_samples(Dataset& data, const std::vector<Index>& ascending) {
  // ascending[k] >= k, so each copy reads a column that has not been overwritten yet.
  const auto m = static_cast<Index>(ascending.size());
  for (Index k = 0; k < m; ++k) {
    const Index from = ascending[static_cast<std::size_t>(k)];
    if (from == k) continue;
    data.features.col(k) = data.features.col(from);
    data.targets.col(k) = data.targets.col(from);
    data.lines[static_cast<std::size_t>(k)] = data.lines[static_cast<std::size_t>(from)];
  }
  data.features.conservativeResize(data.features.rows(), m);
  data.targets.conservativeResize(data.targets.rows(), m);
  data.lines.resize(static_cast<std::size_t>(m));
}

}  // namespace mlp::detail
