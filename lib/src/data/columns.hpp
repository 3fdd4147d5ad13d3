// Internal to the dataset module: feature columns fitted on the training split (FeatureColumn)
// and the network inputs they make of raw values (see ColumnTexts): scikit-learn's
// ColumnTransformer(SimpleImputer + indicator, OneHotEncoder) in one place, so that training,
// evaluation and prediction encode alike.
#pragma once

#include "mlp/dataset.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlp::detail {

// Fits one FeatureColumn per feature row of `raw` (the training split, as read from `source`
// with `texts`): a numeric column's fill value (settings.impute) and whether it needs a missing
// indicator; a categorical column's levels (those seen at least settings.min_frequency times) and
// its missing and other inputs. A numeric column with no value in the split is an error.
struct FittedColumns {
  std::vector<FeatureColumn> columns;
  std::vector<std::int64_t> empty_cells;  // per column, in the training split
};
FittedColumns fit_feature_columns(const std::vector<std::string>& names, const std::vector<ColumnType>& types,
                                  ConstMatrixView raw, const ColumnTexts& texts, const DataSettings& settings,
                                  const std::string& source);

struct EncodedFeatures {
  Matrix inputs;  // input_width x n
  // Per column: empty cells filled in, and categorical values that are none of the column's
  // levels (rare in training, or never seen there) or empty cells without a missing input.
  std::vector<std::int64_t> filled, unmatched;
};

// The network inputs of `raw` (read with `texts`) through `columns`, before standardisation.
// `raw` is consumed: when every column is one numeric input, it becomes the inputs.
EncodedFeatures encode_features(const std::vector<FeatureColumn>& columns, Matrix&& raw, const ColumnTexts& texts);

// Per input: whether standardisation applies (a numeric value; not a 0/1 indicator or one-hot input).
std::vector<bool> standardized_inputs(const std::vector<FeatureColumn>& columns);

// The plan of the columns for people: "columns: 2 numeric (age: 177 empty, filled with 28;
// fare), 2 categorical (sex: 2 levels; embarked: 3 levels + other, 2 empty)", from the columns
// and their empty cells in the training split, as fit_feature_columns found them.
std::string describe_columns(const FittedColumns& fitted);

}  // namespace mlp::detail
