// Datasets: CSV files read into feature and target matrices, the train/validation split, and
// standardisation. Everything here is what "data" means after validation: plain values.
#pragma once

#include "mlp/rng.hpp"
#include "mlp/tensor.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlp {

enum class Task { kClassification, kRegression };
const char* task_name(Task task);  // "classification", "regression"

enum class MissingPolicy {
  kImpute,  // an empty feature value is filled in (FeatureColumn); a row without a target is skipped
  kError,   // an empty or missing feature value is an error naming its line and column
  kDrop,    // rows with an empty feature or target value are skipped (and counted)
};

// How to read a CSV file.
struct CsvOptions {
  char delimiter = ',';
  MissingPolicy missing = MissingPolicy::kImpute;
};

// What a feature column holds: numbers, or categories (any text, one input per level).
enum class ColumnType { kNumeric, kCategorical };
const char* column_type_name(ColumnType type);  // "numeric", "categorical"

// The value a numeric column's empty cells get, fitted on the training split.
enum class ImputeStrategy { kMedian, kMean, kConstant };

// One feature column of the data file and the network inputs it becomes, as fitted on the
// training split (fit_feature_columns) and stored in the model, so that predict and evaluate turn
// a raw CSV into the same inputs:
// - numeric: one input, the value or `fill` for an empty cell; then, when the training split had
//   empty cells, a 0/1 input that is 1 where the cell was empty (fastai's FillMissing);
// - categorical: one 0/1 input per level (one-hot), levels in byte order; then one for an empty
//   cell when the training split had some; then one "other" input for the levels rarer than
//   data.min_frequency in training, when there were such. A level never seen in training (and an
//   empty cell, when training had none) goes to "other" when there is one, else to no input at
//   all (every input of the column 0), as scikit-learn's OneHotEncoder(handle_unknown="ignore").
struct FeatureColumn {
  std::string name = {};
  ColumnType type = ColumnType::kNumeric;
  double fill = 0;                       // numeric
  bool indicator = false;                // numeric: a missing-indicator input follows
  std::vector<std::string> levels = {};  // categorical, sorted
  bool missing_level = false;            // categorical: an input for an empty cell
  bool other_level = false;              // categorical: an input for rare (and unseen) levels
  // Network inputs this column becomes.
  Index width() const;
  // The inputs' names: "age", "age (missing)"; "sex=female", "sex (missing)", "sex (other)".
  std::vector<std::string> input_names() const;
  bool operator==(const FeatureColumn&) const = default;
};

// Feature standardisation, fitted on the training split only: x' = (x - mean) / scale, where
// scale is the population standard deviation, or 1 for a constant column (so nothing divides
// by zero), as sklearn's StandardScaler does. Identity when disabled (mean 0, scale 1).
struct Standardizer {
  Vector mean;
  Vector scale;

  static Standardizer fit(ConstMatrixView features);  // features: d x n, n >= 1
  static Standardizer identity(Index features);
  void apply(MatrixView features) const;
  // The inverse, x = x' * scale + mean: a prediction of standardised targets in the data's units.
  // An empty standardizer (none recorded) leaves the values as they are.
  void undo(MatrixView values) const;
};

// What a model knows about its data: the columns it reads, the task, the classes in order, and
// the standardisation. Stored in the model file; predict and evaluate read CSVs through it.
struct DataSchema {
  Task task = Task::kClassification;
  std::vector<std::string> feature_names;  // the file's feature columns read, in input order
  // How each of them becomes network inputs (one FeatureColumn per feature name). A model of
  // format version 1 or 2 has plain numeric columns: one input each, no fill.
  std::vector<FeatureColumn> columns;
  std::vector<std::string> target_names;  // one for classification; one or more for regression
  std::vector<std::string> classes;       // classification: labels in index order (sorted)
  // The texts training read as missing values (CsvOptions::na_values): predict and evaluate read
  // a CSV with the same ones. Empty for a model of format 1 or 2.
  std::vector<std::string> na_values;
  Standardizer standardizer;
  // Regression: what the network's outputs are, (y - mean) / scale per target, so that a
  // prediction in the data's units is output * scale + mean. Identity (mean 0, scale 1) unless
  // data.standardize_target (on by default); empty for classification (and, for regression, read as identity).
  Standardizer target_scaling;
  // Network inputs: the sum of the columns' widths (the standardizer has one entry per input).
  Index input_width() const;
  // Their names, in order (FeatureColumn::input_names; the feature names without columns).
  std::vector<std::string> input_names() const;
};

// Samples as columns: features d x n (standardised once the schema's standardizer is applied);
// targets 1 x n class indices (classification) or t x n values (regression).
struct Dataset {
  Matrix features;
  Matrix targets;
  std::vector<std::int64_t> lines;  // the CSV line each sample came from (for messages)
  Index size() const { return features.cols(); }

  // The samples at `indices`, in that order.
  Dataset subset(const std::vector<Index>& indices) const;
};

// What to load for training, as the validated config says (paths already resolved).
struct DataSettings {
  std::filesystem::path train;
  std::vector<std::string> targets;   // empty: the last column
  std::optional<Task> task;           // nothing: detect from the target column
  std::vector<std::string> features;  // empty: every column that is not a target or excluded
  std::vector<std::string> exclude;
  double val_fraction = 0.2;  // 0: no validation split
  std::optional<std::filesystem::path> val;
  std::optional<std::filesystem::path> test;
  bool standardize = true;
  // Regression: targets standardised like the features; nothing: true for regression.
  std::optional<bool> standardize_target;
  bool stratify = true;  // classification splits keep each class's share
  CsvOptions csv;
  // Texts that mean "no value" as an empty cell does ("NA", "?", ...), compared with a field's
  // text without its surrounding blanks. In a numeric column they are missing values, not text
  // that makes the column categorical; the model keeps them (DataSchema::na_values).
  std::vector<std::string> na_values;
  // Column types: a column named here has that type; any other is numeric when its first
  // non-empty value is a number, else categorical (see read_training_files).
  std::vector<std::string> categorical, numeric;
  int min_frequency = 1;  // a level seen fewer times in the training split goes to "other"
  ImputeStrategy impute = ImputeStrategy::kMedian;
  double impute_value = 0;  // ImputeStrategy::kConstant
};

struct TrainingData {
  DataSchema schema;
  Dataset train;
  std::optional<Dataset> val;
  std::optional<Dataset> test;
  // What was decided without being asked ("task: classification (detected: 3 distinct string
  // labels)", "dropped 4 rows with missing values"): the CLI shows these and the summary keeps them.
  std::vector<std::string> notes;
  // What the user should not miss (a feature column the validation or test file lacks; values
  // with no level of their own): the CLI shows these as warnings, --quiet or not.
  std::vector<std::string> warnings;
  int train_parts = 1;  // parts data.train was read in at once (see read_training_files; 1: one pass)
};

// The files of a training run as read, before the validation split and the standardisation,
// which depend on the seed: `compare` reads them once and prepares them for each of its seeds.
// A file's features as read, before the columns are fitted ("raw"): per feature row, a numeric
// column's value, or a categorical column's index into the distinct texts that column has in
// that file (ColumnTexts, in order of first appearance; empty for a numeric column); NaN for an
// empty cell (MissingPolicy::kImpute).
using ColumnTexts = std::vector<std::vector<std::string>>;

struct TrainingFiles {
  DataSchema schema;            // names, types (columns without fitted values), task and classes
  Dataset train;                // every row of data.train, its features raw (ColumnTexts)
  std::optional<Dataset> val;   // data.val, when given
  std::optional<Dataset> test;  // data.test, when given
  ColumnTexts train_texts, val_texts, test_texts;
  // What reading each file decided without being asked (see TrainingData::notes), and what
  // reading the validation and test files found that the user should not miss (warnings).
  std::vector<std::string> train_notes, val_notes, test_notes, warnings;
  int train_parts = 1;  // parts data.train was read in at once (1: one pass)
};

// Reads the training file (and the validation and test files when given) and decides the task,
// the classes and each feature column's type: the one data.categorical or data.numeric gives it,
// else numeric when its first non-empty value is a number, categorical when it is not (a later
// value that is not a number is then an error naming its cell). Throws InputError naming the file
// and line:column for anything wrong in the data. A large file is read in parts on up to
// `threads` threads; what is read does not depend on how many.
TrainingFiles read_training_files(const DataSettings& settings, int threads = 1);

// The standardisations a run takes as they are instead of fitting them: a warm start keeps the
// ones its weights were trained with.
struct KeptScaling {
  const Standardizer* features = nullptr;
  const Standardizer* targets = nullptr;
  const std::vector<FeatureColumn>* columns = nullptr;  // the fitted columns (with `features`)
};

// Splits off the validation set (seeded by `seed`, stratified for classification) unless a
// validation file was read, fits the standardisation of the features (and, for regression with
// settings.standardize_target, of the targets) on the training split, unless `kept` gives them,
// and applies it to every split's features and to the training split's targets (the validation
// and test targets stay in the data's units, see Experiment::target_units). Throws InputError when there are too few
// rows to split, a value standardises beyond float32, or the network inputs the fitted columns make of every split
// would need more than `memory_limit` bytes (a categorical column of a million levels), before
// they are allocated.
TrainingData prepare_training_data(TrainingFiles files, const DataSettings& settings, std::uint64_t seed,
                                   const KeptScaling& kept = {}, std::uint64_t memory_limit = UINT64_MAX);

// read_training_files, then prepare_training_data.
TrainingData load_training_data(const DataSettings& settings, std::uint64_t seed);

// Reads a CSV for a trained model: the schema's feature columns by name (extra columns are
// ignored; a missing one is an error, or under MissingPolicy::kImpute with a model that has fill
// values, a column of empty cells), and the target columns too when `with_targets` (a class label
// the model never saw is an error naming it, line and column). Encodes the features through the
// model's columns and standardises them. `id_column`, when given, is read as text into `ids`.
// With `threads` > 1 a large file is read in parts at once (as read_training_files does; the same
// result as one pass).
struct ModelInput {
  Dataset data;
  std::vector<std::string> ids;
  int parts = 1;  // parts the file was read in at once (1: one pass)
  // What the caller should tell the user: what reading decided (rows skipped, empty cells
  // filled in), and as warnings, values of a categorical column that are none of its levels.
  std::vector<std::string> notes, warnings;
};
ModelInput load_model_input(const std::filesystem::path& path, const DataSchema& schema, bool with_targets,
                            const CsvOptions& csv, const std::optional<std::string>& id_column = std::nullopt,
                            int threads = 1);

}  // namespace mlp
