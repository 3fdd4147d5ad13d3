// Internal to the dataset module: choosing the columns of a training file, and deciding the task
// and the classes from the target column.
#pragma once

#include "table.hpp"

#include "mlp/dataset.hpp"

#include <string>
#include <vector>

namespace mlp::detail {

// The file columns of the targets and features, as the settings name them (targets: the last
// column by default; features: the `features` list in its order, else every other column that
// is not excluded). Throws InputError for an unknown or repeated name, listing the columns.
struct ColumnChoice {
  std::vector<int> targets;
  std::vector<int> features;
};
ColumnChoice choose_columns(const CsvReader& reader, const DataSettings& settings);

// How to read the targets of a training file: numbers for regression, labels for
// classification, and kDetect when the task is to be detected (one target column).
TargetMode training_target_mode(const DataSettings& settings, const ColumnChoice& columns);

// Decides the task (when detecting) and the classes from what `read_table` read, fills
// schema.task and schema.classes, and returns the targets: class indices or values.
// Adds a note on what was detected and why. Throws InputError for a single class.
Matrix resolve_targets(Table& table, TargetMode mode, const CsvReader& reader, int target_column, DataSchema& schema,
                       std::vector<std::string>& notes);

// The file columns of `names`, by name; `role` says what they are for in the message when one
// is missing ("feature", "target", "id").
std::vector<int> find_columns(const CsvReader& reader, const std::vector<std::string>& names, const char* role);

}  // namespace mlp::detail
