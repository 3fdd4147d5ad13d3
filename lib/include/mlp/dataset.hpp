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
  kError,  // an empty or missing feature value is an error naming its line and column
  kDrop,   // rows with an empty feature or target value are skipped (and counted)
};

// How to read a CSV file.
struct CsvOptions {
  char delimiter = ',';
  MissingPolicy missing = MissingPolicy::kError;
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
  std::vector<std::string> feature_names;
  std::vector<std::string> target_names;  // one for classification; one or more for regression
  std::vector<std::string> classes;       // classification: labels in index order (sorted)
  Standardizer standardizer;
  // Regression: what the network's outputs are, (y - mean) / scale per target, so that a
  // prediction in the data's units is output * scale + mean. Identity (mean 0, scale 1) unless
  // data.standardize_target; empty for classification (and, for regression, read as identity).
  Standardizer target_scaling;
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
  bool standardize_target = false;  // regression: targets standardised like the features
  bool stratify = true;             // classification splits keep each class's share
  CsvOptions csv;
};

struct TrainingData {
  DataSchema schema;
  Dataset train;
  std::optional<Dataset> val;
  std::optional<Dataset> test;
  // What was decided without being asked ("task: classification (detected: 3 distinct string
  // labels)", "dropped 4 rows with missing values"): the CLI shows these and the summary keeps them.
  std::vector<std::string> notes;
};

// The files of a training run as read, before the validation split and the standardisation,
// which depend on the seed: `compare` reads them once and prepares them for each of its seeds.
struct TrainingFiles {
  DataSchema schema;            // columns, task and classes (no standardisation yet)
  Dataset train;                // every row of data.train
  std::optional<Dataset> val;   // data.val, when given
  std::optional<Dataset> test;  // data.test, when given
  // What reading each file decided without being asked (see TrainingData::notes).
  std::vector<std::string> train_notes, val_notes, test_notes;
};

// Reads the training file (and the validation and test files when given) and decides the task
// and classes. Throws InputError naming the file and line:column for anything wrong in the data.
TrainingFiles read_training_files(const DataSettings& settings);

// The standardisations a run takes as they are instead of fitting them: a warm start keeps the
// ones its weights were trained with.
struct KeptScaling {
  const Standardizer* features = nullptr;
  const Standardizer* targets = nullptr;
};

// Splits off the validation set (seeded by `seed`, stratified for classification) unless a
// validation file was read, fits the standardisation of the features (and, for regression with
// settings.standardize_target, of the targets) on the training split, unless `kept` gives them,
// and applies it to every split. Throws InputError when there are too few rows to split or a
// value standardises beyond float32.
TrainingData prepare_training_data(TrainingFiles files, const DataSettings& settings, std::uint64_t seed,
                                   const KeptScaling& kept = {});

// read_training_files, then prepare_training_data.
TrainingData load_training_data(const DataSettings& settings, std::uint64_t seed);

// Reads a CSV for a trained model: the schema's feature columns by name (a missing one is an
// error; extra columns are ignored), and the target columns too when `with_targets` (a class
// label the model never saw is an error naming it, line and column). Standardises the features.
// `id_column`, when given, is read as text into `ids`.
struct ModelInput {
  Dataset data;
  std::vector<std::string> ids;
};
ModelInput load_model_input(const std::filesystem::path& path, const DataSchema& schema, bool with_targets,
                            const CsvOptions& csv, const std::optional<std::string>& id_column = std::nullopt);

}  // namespace mlp
