#include "mlp/dataset.hpp"

#include "mlp/csv.hpp"
#include "mlp/error.hpp"
#include "mlp/text.hpp"
#include "split.hpp"
#include "table.hpp"
#include "task.hpp"

#include <cassert>
#include <cmath>
#include <cstdio>

namespace mlp {

const char* task_name(Task task) { return task == Task::kClassification ? "classification" : "regression"; }

// mean_i = (1/n) sum_j x_ij and scale_i = sqrt((1/n) sum_j (x_ij - mean_i)^2), accumulated in
// double over the columns (samples) in two passes, which is accurate even when |mean| >> std.
// A column whose values are all equal (min == max, exactly) gets scale 1: its standardised
// value is then 0, where a rounding-level std would blow it up.
Standardizer Standardizer::fit(ConstMatrixView features) {
  assert(features.cols() >= 1);
  const Index d = features.rows();
  const Index n = features.cols();
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(d);
  Vector min = features.col(0);
  Vector max = features.col(0);
  for (Index j = 0; j < n; ++j) {
    sum += features.col(j).cast<double>();
    min = min.cwiseMin(features.col(j));
    max = max.cwiseMax(features.col(j));
  }
  const Eigen::VectorXd mean = sum / static_cast<double>(n);
  Eigen::VectorXd squares = Eigen::VectorXd::Zero(d);
  for (Index j = 0; j < n; ++j) squares += (features.col(j).cast<double>() - mean).array().square().matrix();
  Standardizer s;
  s.mean = mean.cast<Scalar>();
  s.scale = (squares / static_cast<double>(n)).cwiseSqrt().cast<Scalar>();
  for (Index i = 0; i < d; ++i) {
    if (min(i) == max(i) || s.scale(i) == 0) s.scale(i) = 1;
  }
  return s;
}

Standardizer Standardizer::identity(Index features) { return {Vector::Zero(features), Vector::Ones(features)}; }

// In double, sample by sample: in float, x - mean overflows when both are near 3.4e38 with
// opposite signs, while the training split's own standardised values stay within sqrt(n).
void Standardizer::undo(MatrixView values) const {
  if (mean.size() == 0) return;  // no scaling recorded: identity
  assert(values.rows() == mean.size() && values.rows() == scale.size());
  const Eigen::VectorXd m = mean.cast<double>();
  const Eigen::VectorXd s = scale.cast<double>();
  for (Index j = 0; j < values.cols(); ++j) {
    values.col(j) = (values.col(j).cast<double>().cwiseProduct(s) + m).cast<Scalar>();
  }
}

void Standardizer::apply(MatrixView features) const {
  assert(features.rows() == mean.size() && features.rows() == scale.size());
  const Eigen::VectorXd m = mean.cast<double>();
  const Eigen::VectorXd s = scale.cast<double>();
  for (Index j = 0; j < features.cols(); ++j) {
    features.col(j) = (features.col(j).cast<double>() - m).cwiseQuotient(s).cast<Scalar>();
  }
}

Dataset Dataset::subset(const std::vector<Index>& indices) const {
  Dataset out;
  const auto n = static_cast<Index>(indices.size());
  out.features.resize(features.rows(), n);
  out.targets.resize(targets.rows(), n);
  out.lines.reserve(indices.size());
  for (Index k = 0; k < n; ++k) {
    const Index i = indices[static_cast<std::size_t>(k)];
    assert(i >= 0 && i < size());
    out.features.col(k) = features.col(i);
    out.targets.col(k) = targets.col(i);
    out.lines.push_back(lines[static_cast<std::size_t>(i)]);
  }
  return out;
}

namespace {

// Standardises `data` (read from `source`). A value so far from the training data that it
// standardises beyond float32 is an error naming it, rather than an infinite input.
// Applies `standardizer` to `values` (rows named by `names`, samples of `data`, read from
// `source`). A value so far from the training data that it standardises beyond float32 is an
// error naming it, rather than an infinite input.
void apply_checked(const Standardizer& standardizer, Matrix& values, const std::vector<std::string>& names,
                   const Dataset& data, const std::string& source) {
  standardizer.apply(view(values));
  if (values.allFinite()) return;
  for (Index j = 0; j < values.cols(); ++j) {
    for (Index i = 0; i < values.rows(); ++i) {
      if (std::isfinite(values(i, j))) continue;
      throw InputError(source + ":" + std::to_string(data.lines[static_cast<std::size_t>(j)]) + ": column " +
                       quote_text(names[static_cast<std::size_t>(i)]) +
                       ": too far from the training data to standardise (mean " + format_number(standardizer.mean(i)) +
                       ", scale " + format_number(standardizer.scale(i)) + ")");
    }
  }
}

// Standardises the features of `data` (read from `source`).
void standardize(const DataSchema& schema, Dataset& data, const std::string& source) {
  apply_checked(schema.standardizer, data.features, schema.feature_names, data, source);
}

// Standardises the features of a training split, and its regression targets to what the
// network's outputs are (target_scaling).
void standardize_split(const DataSchema& schema, Dataset& data, const std::string& source) {
  standardize(schema, data, source);
  if (schema.task == Task::kRegression)
    apply_checked(schema.target_scaling, data.targets, schema.target_names, data, source);
}

// Reads all data rows; a file without any is an error.
detail::Table read_rows(CsvReader& reader, const detail::TableSpec& spec, std::vector<std::string>* notes) {
  detail::Table table = detail::read_table(reader, spec);
  if (table.lines.empty()) {
    if (table.dropped > 0) {
      throw reader.error("all " + std::to_string(table.dropped) + " data rows have missing values");
    }
    throw reader.error("no data rows after the header");
  }
  if (table.dropped > 0 && notes) {
    notes->push_back(reader.source() + ": dropped " + std::to_string(table.dropped) + " rows with missing values");
  }
  return table;
}

// A file read through a schema: its feature (and target) columns found by name, in the
// schema's order; other columns are ignored. Not standardised.
ModelInput read_with_schema(const std::filesystem::path& path, const DataSchema& schema, bool with_targets,
                            const CsvOptions& csv, const std::optional<std::string>& id_column,
                            std::vector<std::string>* notes) {
  CsvReader reader(path, csv.delimiter);
  detail::TableSpec spec;
  spec.feature_columns = detail::find_columns(reader, schema.feature_names, "feature");
  if (with_targets) {
    spec.target_columns = detail::find_columns(reader, schema.target_names, "target");
    spec.mode = schema.task == Task::kClassification ? detail::TargetMode::kClasses : detail::TargetMode::kNumbers;
    spec.classes = &schema.classes;
  }
  if (id_column) spec.id_column = detail::find_columns(reader, {*id_column}, "id").front();
  spec.missing = csv.missing;
  detail::Table table = read_rows(reader, spec, notes);
  ModelInput input;
  input.data.features = std::move(table.features);
  input.data.targets = std::move(table.targets);
  input.data.lines = std::move(table.lines);
  input.ids = std::move(table.ids);
  return input;
}

// Splits `all` into training and validation samples as the settings say; `all` keeps the
// training samples.
std::optional<Dataset> split_validation(Dataset& all, const DataSettings& settings, const DataSchema& schema,
                                        std::uint64_t seed, std::vector<std::string>& notes) {
  const auto split =
      detail::split_indices(all, schema, settings.val_fraction, settings.stratify, seed, settings.train.string());
  Dataset val = all.subset(split.val);
  const bool stratified = settings.stratify && schema.task == Task::kClassification;
  notes.push_back("validation: " + std::to_string(split.val.size()) + " of " + std::to_string(all.size()) +
                  " rows held out (val_fraction " + format_number(settings.val_fraction) +
                  (stratified ? ", stratified by class" : "") + ")");
  detail::keep_samples(all, split.train);
  return val;
}

}  // namespace

TrainingFiles read_training_files(const DataSettings& settings) {
  TrainingFiles files;
  DataSchema& schema = files.schema;
  CsvReader reader(settings.train, settings.csv.delimiter);
  const detail::ColumnChoice columns = detail::choose_columns(reader, settings);
  detail::TableSpec spec;
  spec.feature_columns = columns.features;
  spec.target_columns = columns.targets;
  spec.mode = detail::training_target_mode(settings, columns);
  spec.missing = settings.csv.missing;
  detail::Table table = read_rows(reader, spec, &files.train_notes);
  for (const int c : columns.features) schema.feature_names.push_back(reader.header()[static_cast<std::size_t>(c)]);
  for (const int c : columns.targets) schema.target_names.push_back(reader.header()[static_cast<std::size_t>(c)]);
  if (!settings.task && columns.targets.size() > 1) {
    files.train_notes.push_back("task: regression (detected: " + std::to_string(columns.targets.size()) +
                                " target columns; classification takes one)");
  }
  files.train.targets =
      detail::resolve_targets(table, spec.mode, reader, columns.targets.front(), schema, files.train_notes);
  files.train.features = std::move(table.features);
  files.train.lines = std::move(table.lines);
  if (settings.val) {
    files.val = read_with_schema(*settings.val, schema, true, settings.csv, std::nullopt, &files.val_notes).data;
  }
  if (settings.test) {
    files.test = read_with_schema(*settings.test, schema, true, settings.csv, std::nullopt, &files.test_notes).data;
  }
  return files;
}

TrainingData prepare_training_data(TrainingFiles files, const DataSettings& settings, std::uint64_t seed,
                                   const KeptScaling& kept) {
  TrainingData out;
  out.schema = std::move(files.schema);
  out.notes = std::move(files.train_notes);
  if (files.val) {
    out.val = std::move(files.val);
    out.notes.insert(out.notes.end(), files.val_notes.begin(), files.val_notes.end());
  } else if (settings.val_fraction > 0) {
    out.val = split_validation(files.train, settings, out.schema, seed, out.notes);
  }
  out.train = std::move(files.train);
  out.test = std::move(files.test);
  out.notes.insert(out.notes.end(), files.test_notes.begin(), files.test_notes.end());

  DataSchema& schema = out.schema;
  const Index d = out.train.features.rows();
  if (kept.features != nullptr) {
    schema.standardizer = *kept.features;
  } else {
    schema.standardizer =
        settings.standardize ? Standardizer::fit(cview(out.train.features)) : Standardizer::identity(d);
  }
  if (schema.task == Task::kRegression) {
    const Index t = out.train.targets.rows();
    if (kept.targets != nullptr) {
      schema.target_scaling = *kept.targets;
    } else {
      schema.target_scaling =
          settings.standardize_target ? Standardizer::fit(cview(out.train.targets)) : Standardizer::identity(t);
    }
  }
  standardize_split(schema, out.train, settings.train.string());
  if (out.val) standardize_split(schema, *out.val, settings.val ? settings.val->string() : settings.train.string());
  if (out.test) standardize_split(schema, *out.test, settings.test->string());
  return out;
}

TrainingData load_training_data(const DataSettings& settings, std::uint64_t seed) {
  return prepare_training_data(read_training_files(settings), settings, seed);
}

ModelInput load_model_input(const std::filesystem::path& path, const DataSchema& schema, bool with_targets,
                            const CsvOptions& csv, const std::optional<std::string>& id_column) {
  const auto d = static_cast<Index>(schema.feature_names.size());
  if (schema.standardizer.mean.size() != d || schema.standardizer.scale.size() != d) {
    throw InputError("the model's standardizer has " + std::to_string(schema.standardizer.mean.size()) +
                     " entries for " + std::to_string(d) + " features");
  }
  ModelInput input = read_with_schema(path, schema, with_targets, csv, id_column, nullptr);
  standardize(schema, input.data, path == "-" ? "<stdin>" : path.string());
  return input;
}

}  // namespace mlp
