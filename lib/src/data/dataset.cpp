#include "mlp/dataset.hpp"

#include "columns.hpp"
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
  // In double, element by element: the trainer reports its losses through this every batch, so
  // it allocates nothing.
  for (Index j = 0; j < values.cols(); ++j) {
    for (Index i = 0; i < values.rows(); ++i) {
      values(i, j) = static_cast<Scalar>(static_cast<double>(values(i, j)) * static_cast<double>(scale(i)) +
                                         static_cast<double>(mean(i)));
    }
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
  apply_checked(schema.standardizer, data.features, schema.input_names(), data, source);
}

// Standardises the features of the training split, and its regression targets to what the
// network's outputs are (target_scaling). The validation and test splits keep their targets in
// the data's units: they are evaluated on de-standardised outputs, as predict and evaluate are.
void standardize_training_split(const DataSchema& schema, Dataset& data, const std::string& source) {
  standardize(schema, data, source);
  if (schema.task == Task::kRegression)
    apply_checked(schema.target_scaling, data.targets, schema.target_names, data, source);
}

// Reads all data rows; a file without any is an error.
detail::Table read_rows(CsvReader& reader, const detail::TableSpec& spec, std::vector<std::string>* notes,
                        int threads = 1) {
  detail::Table table = detail::read_table(reader, spec, {.threads = threads});
  // Under kImpute only a row without a target is skipped; under kDrop, any row with a gap.
  const std::string gaps = spec.missing == MissingPolicy::kImpute ? "no target value" : "missing values";
  if (table.lines.empty()) {
    if (table.dropped > 0) throw reader.error("all " + std::to_string(table.dropped) + " data rows have " + gaps);
    throw reader.error("no data rows after the header");
  }
  if (table.dropped > 0 && notes) {
    notes->push_back(reader.source() + ": dropped " + std::to_string(table.dropped) +
                     (table.dropped == 1 ? " row with " : " rows with ") + gaps);
  }
  return table;
}

// The feature columns of a file read for `schema`: the file column of each feature name, or
// -1 for one the file lacks when its cells can be filled in (kImpute, a fitted schema).
std::vector<int> schema_feature_columns(const CsvReader& reader, const DataSchema& schema, MissingPolicy missing,
                                        std::vector<std::string>* warnings) {
  if (missing != MissingPolicy::kImpute || schema.columns.empty()) {
    return detail::find_columns(reader, schema.feature_names, "feature");
  }
  std::vector<int> columns;
  const auto& header = reader.header();
  for (const std::string& name : schema.feature_names) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      columns.push_back(-1);
      if (warnings) {
        warnings->push_back(reader.source() + ": no column " + quote_text(name) + ": every value filled in");
      }
    } else {
      columns.push_back(static_cast<int>(it - header.begin()));
    }
  }
  return columns;
}

// A file read through a schema: its feature (and target) columns found by name, in the
// schema's order, each with the schema's type (`origin` says where it comes from, for messages);
// other columns are ignored. Raw features (see ColumnTexts), not encoded or standardised.
ModelInput read_with_schema(const std::filesystem::path& path, const DataSchema& schema, bool with_targets,
                            CsvOptions csv, const std::optional<std::string>& id_column,
                            std::vector<std::string>* notes, std::vector<std::string>* warnings, ColumnTexts& texts,
                            const std::string& origin, int threads = 1) {
  // A model without fitted columns (format 1 and 2) has no fill values: an empty cell stays an error.
  if (schema.columns.empty() && csv.missing == MissingPolicy::kImpute) csv.missing = MissingPolicy::kError;
  CsvReader reader(path, csv.delimiter);
  detail::TableSpec spec;
  spec.feature_columns = schema_feature_columns(reader, schema, csv.missing, warnings);
  for (const FeatureColumn& c : schema.columns) {
    spec.feature_types.emplace_back(c.type);
    spec.type_reasons.push_back("it is " + std::string(column_type_name(c.type)) + " in " + origin);
  }
  if (schema.columns.empty()) {
    spec.feature_types.assign(schema.feature_names.size(), ColumnType::kNumeric);
    spec.type_reasons.assign(schema.feature_names.size(), origin + " reads numbers");
  }
  if (with_targets) {
    spec.target_columns = detail::find_columns(reader, schema.target_names, "target");
    spec.mode = schema.task == Task::kClassification ? detail::TargetMode::kClasses : detail::TargetMode::kNumbers;
    spec.classes = &schema.classes;
  }
  if (id_column) spec.id_column = detail::find_columns(reader, {*id_column}, "id").front();
  spec.missing = csv.missing;
  spec.na_values = schema.na_values;
  detail::Table table = read_rows(reader, spec, notes, threads);
  ModelInput input;
  input.data.features = std::move(table.features);
  input.data.targets = std::move(table.targets);
  input.data.lines = std::move(table.lines);
  input.ids = std::move(table.ids);
  input.parts = table.parts;
  texts = std::move(table.feature_texts);
  return input;
}

std::string count_of(std::int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// Replaces the raw features of `data` (read from `source` with `texts`) by the network inputs
// of `columns`, and says what was filled in (`notes`) and what matched no level of its column
// (`unmatched`, which a caller may show as warnings).
void encode(const std::vector<FeatureColumn>& columns, Dataset& data, const ColumnTexts& texts,
            const std::string& source, std::vector<std::string>* notes, std::vector<std::string>* unmatched) {
  if (columns.empty()) return;  // format 1 and 2: the numbers are the inputs
  detail::EncodedFeatures encoded = detail::encode_features(columns, std::move(data.features), texts);
  data.features = std::move(encoded.inputs);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string column = source + ": column " + quote_text(columns[i].name) + ": ";
    const FeatureColumn& c = columns[i];
    if (notes && c.type == ColumnType::kNumeric && encoded.filled[i] > 0) {
      notes->push_back(column + count_of(encoded.filled[i], "empty cell") + " filled with " + format_number(c.fill));
    }
    if (unmatched && c.type == ColumnType::kCategorical && encoded.unmatched[i] > 0) {
      unmatched->push_back(
          column + count_of(encoded.unmatched[i], "value") + " with no level of its own (empty, or rarer than " +
          "data.min_frequency or absent in the training split): " +
          (c.other_level ? "given the \"other\" input" : "given no input, every input of the column 0"));
    }
  }
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

// The types data.categorical and data.numeric declare, for the feature columns `names` of
// `source`; a name that is no feature column, or in both lists, is an error.
void declare_types(const std::vector<std::string>& names, const DataSettings& settings, const std::string& source,
                   detail::TableSpec& spec) {
  spec.feature_types.assign(names.size(), std::nullopt);
  spec.type_reasons.assign(names.size(), "");
  const std::pair<const std::vector<std::string>*, ColumnType> lists[] = {
      {&settings.categorical, ColumnType::kCategorical}, {&settings.numeric, ColumnType::kNumeric}};
  for (const auto& [list, type] : lists) {
    const std::string key = std::string("data.") + column_type_name(type);
    for (std::size_t k = 0; k < list->size(); ++k) {
      const std::string& name = (*list)[k];
      const auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        throw InputError(key + "[" + std::to_string(k) + "]: " + quote_text(name) + " is not a feature column of " +
                         source);
      }
      auto& declared = spec.feature_types[static_cast<std::size_t>(it - names.begin())];
      if (declared && *declared != type) {
        throw InputError(key + "[" + std::to_string(k) + "]: " + quote_text(name) + " is in data.categorical too");
      }
      declared = type;
      spec.type_reasons[static_cast<std::size_t>(it - names.begin())] = key + " lists it";
    }
  }
}

// The encoded inputs of every split, input_width x samples floats, against `limit`: a column of
// a million levels is refused with what it would need instead of being allocated.
void check_input_memory(const std::vector<FeatureColumn>& columns, const TrainingData& data, std::uint64_t limit,
                        const std::string& source) {
  double samples = static_cast<double>(data.train.size());
  if (data.val) samples += static_cast<double>(data.val->size());
  if (data.test) samples += static_cast<double>(data.test->size());
  double width = 0;
  const FeatureColumn* widest = nullptr;
  for (const FeatureColumn& c : columns) {
    width += static_cast<double>(c.width());
    if (widest == nullptr || c.width() > widest->width()) widest = &c;
  }
  const double bytes = width * samples * sizeof(Scalar);
  if (bytes <= static_cast<double>(limit)) return;
  throw InputError(source + ": the feature columns make " + format_number(width) + " network inputs (the most, " +
                   std::to_string(widest->width()) + ", column " + quote_text(widest->name) + "), " +
                   format_bytes(bytes) + " for " + format_number(samples) + " samples, more than the memory limit " +
                   format_bytes(static_cast<double>(limit)) +
                   " (--memory-limit); raise data.min_frequency, or leave the column out with data.exclude");
}

}  // namespace

TrainingFiles read_training_files(const DataSettings& settings, int threads) {
  TrainingFiles files;
  DataSchema& schema = files.schema;
  CsvReader reader(settings.train, settings.csv.delimiter);
  const detail::ColumnChoice columns = detail::choose_columns(reader, settings);
  for (const int c : columns.features) schema.feature_names.push_back(reader.header()[static_cast<std::size_t>(c)]);
  detail::TableSpec spec;
  spec.feature_columns = columns.features;
  declare_types(schema.feature_names, settings, settings.train.string(), spec);
  spec.target_columns = columns.targets;
  spec.mode = detail::training_target_mode(settings, columns);
  spec.missing = settings.csv.missing;
  spec.na_values = settings.na_values;
  schema.na_values = settings.na_values;
  detail::Table table = read_rows(reader, spec, &files.train_notes, threads);
  for (std::size_t i = 0; i < schema.feature_names.size(); ++i) {
    schema.columns.push_back({.name = schema.feature_names[i], .type = table.feature_types[i]});
  }
  files.train_texts = std::move(table.feature_texts);
  files.train_parts = table.parts;
  for (const int c : columns.targets) schema.target_names.push_back(reader.header()[static_cast<std::size_t>(c)]);
  if (!settings.task && columns.targets.size() > 1) {
    files.train_notes.push_back("task: regression (detected: " + std::to_string(columns.targets.size()) +
                                " target columns; classification takes one)");
  }
  files.train.targets =
      detail::resolve_targets(table, spec.mode, reader, columns.targets.front(), schema, files.train_notes);
  files.train.features = std::move(table.features);
  files.train.lines = std::move(table.lines);
  const std::string origin = settings.train.string();
  if (settings.val) {
    files.val = read_with_schema(*settings.val, schema, true, settings.csv, std::nullopt, &files.val_notes,
                                 &files.warnings, files.val_texts, origin, threads)
                    .data;
  }
  if (settings.test) {
    files.test = read_with_schema(*settings.test, schema, true, settings.csv, std::nullopt, &files.test_notes,
                                  &files.warnings, files.test_texts, origin, threads)
                     .data;
  }
  return files;
}

TrainingData prepare_training_data(TrainingFiles files, const DataSettings& settings, std::uint64_t seed,
                                   const KeptScaling& kept, std::uint64_t memory_limit) {
  TrainingData out;
  out.schema = std::move(files.schema);
  out.notes = std::move(files.train_notes);
  out.warnings = std::move(files.warnings);
  out.train_parts = files.train_parts;
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
  const std::string train_source = settings.train.string();
  if (kept.columns != nullptr) {
    schema.columns = *kept.columns;
  } else {
    std::vector<ColumnType> types;
    for (const FeatureColumn& c : schema.columns) types.push_back(c.type);
    detail::FittedColumns fitted = detail::fit_feature_columns(schema.feature_names, types, cview(out.train.features),
                                                               files.train_texts, settings, train_source);
    out.notes.push_back(detail::describe_columns(fitted));
    schema.columns = std::move(fitted.columns);
  }
  check_input_memory(schema.columns, out, memory_limit, train_source);
  // The validation split of data.train has data.train's texts; a file of its own has its own.
  encode(schema.columns, out.train, files.train_texts, train_source, nullptr, nullptr);
  if (out.val) {
    encode(schema.columns, *out.val, settings.val ? files.val_texts : files.train_texts,
           settings.val ? settings.val->string() : train_source + " (validation split)", &out.notes, &out.warnings);
  }
  if (out.test) {
    encode(schema.columns, *out.test, files.test_texts, settings.test->string(), &out.notes, &out.warnings);
  }

  const Index d = out.train.features.rows();
  if (kept.features != nullptr) {
    schema.standardizer = *kept.features;
  } else if (settings.standardize) {
    // Numeric values only: a 0/1 input (one-hot, missing indicator) stays 0/1.
    schema.standardizer = Standardizer::fit(cview(out.train.features));
    const std::vector<bool> standardized = detail::standardized_inputs(schema.columns);
    for (Index i = 0; i < d; ++i) {
      if (!standardized[static_cast<std::size_t>(i)]) {
        schema.standardizer.mean(i) = 0;
        schema.standardizer.scale(i) = 1;
      }
    }
  } else {
    schema.standardizer = Standardizer::identity(d);
  }
  if (schema.task == Task::kRegression) {
    const Index t = out.train.targets.rows();
    if (kept.targets != nullptr) {
      schema.target_scaling = *kept.targets;
    } else {
      schema.target_scaling = settings.standardize_target.value_or(true) ? Standardizer::fit(cview(out.train.targets))
                                                                         : Standardizer::identity(t);
    }
  }
  standardize_training_split(schema, out.train, settings.train.string());
  if (out.val) standardize(schema, *out.val, settings.val ? settings.val->string() : settings.train.string());
  if (out.test) standardize(schema, *out.test, settings.test->string());
  return out;
}

TrainingData load_training_data(const DataSettings& settings, std::uint64_t seed) {
  return prepare_training_data(read_training_files(settings), settings, seed);
}

ModelInput load_model_input(const std::filesystem::path& path, const DataSchema& schema, bool with_targets,
                            const CsvOptions& csv, const std::optional<std::string>& id_column, int threads) {
  const Index d = schema.input_width();
  if (schema.standardizer.mean.size() != d || schema.standardizer.scale.size() != d) {
    throw InputError("the model's standardizer has " + std::to_string(schema.standardizer.mean.size()) +
                     " entries for " + std::to_string(d) + " inputs");
  }
  const std::string source = path == "-" ? "<stdin>" : path.string();
  ColumnTexts texts;
  std::vector<std::string> notes, warnings;
  ModelInput input =
      read_with_schema(path, schema, with_targets, csv, id_column, &notes, &warnings, texts, "the model", threads);
  encode(schema.columns, input.data, texts, source, &notes, &warnings);
  standardize(schema, input.data, source);
  input.notes = std::move(notes);
  input.warnings = std::move(warnings);
  return input;
}

}  // namespace mlp
