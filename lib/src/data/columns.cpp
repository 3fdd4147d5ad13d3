#include "columns.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace mlp {

const char* column_type_name(ColumnType type) { return type == ColumnType::kNumeric ? "numeric" : "categorical"; }

Index FeatureColumn::width() const {
  if (type == ColumnType::kNumeric) return indicator ? 2 : 1;
  return static_cast<Index>(levels.size()) + (missing_level ? 1 : 0) + (other_level ? 1 : 0);
}

std::vector<std::string> FeatureColumn::input_names() const {
  std::vector<std::string> names;
  if (type == ColumnType::kNumeric) {
    names.push_back(name);
  } else {
    for (const std::string& level : levels) names.push_back(name + "=" + level);
  }
  if (indicator || missing_level) names.push_back(name + " (missing)");
  if (other_level) names.push_back(name + " (other)");
  return names;
}

Index DataSchema::input_width() const {
  if (columns.empty()) return static_cast<Index>(feature_names.size());  // format 1 and 2: one input each
  Index width = 0;
  for (const FeatureColumn& c : columns) width += c.width();
  return width;
}

std::vector<std::string> DataSchema::input_names() const {
  if (columns.empty()) return feature_names;
  std::vector<std::string> names;
  for (const FeatureColumn& c : columns) {
    for (std::string& name : c.input_names()) names.push_back(std::move(name));
  }
  return names;
}

namespace detail {
namespace {

double median_of(std::vector<double> values) {
  assert(!values.empty());
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;  // no overflow for two huge values
}

double mean_of(const std::vector<double>& values) {
  double mean = 0;
  for (std::size_t i = 0; i < values.size(); ++i) mean += (values[i] - mean) / static_cast<double>(i + 1);
  return mean;
}

FeatureColumn fit_numeric(const std::string& name, ConstMatrixView raw, Index row, const DataSettings& settings,
                          const std::string& source) {
  FeatureColumn c{.name = name, .type = ColumnType::kNumeric};
  std::vector<double> values;
  for (Index j = 0; j < raw.cols(); ++j) {
    const Scalar v = raw(row, j);
    if (std::isnan(v)) {
      c.indicator = true;
    } else {
      values.push_back(v);
    }
  }
  if (values.empty() && settings.impute != ImputeStrategy::kConstant) {
    throw InputError(source + ": column " + quote_text(name) +
                     " has no value in the training split, so there is nothing to fill its empty cells with "
                     "(leave it out with data.exclude, or set data.impute to \"constant\")");
  }
  switch (settings.impute) {
    case ImputeStrategy::kMedian:
      c.fill = median_of(std::move(values));
      break;
    case ImputeStrategy::kMean:
      c.fill = mean_of(values);
      break;
    case ImputeStrategy::kConstant:
      c.fill = settings.impute_value;
      break;
  }
  // Stored as float32 like every input: a mean of huge values stays finite in double only.
  c.fill = std::clamp(c.fill, -static_cast<double>(std::numeric_limits<Scalar>::max()),
                      static_cast<double>(std::numeric_limits<Scalar>::max()));
  return c;
}

FeatureColumn fit_categorical(const std::string& name, ConstMatrixView raw, Index row,
                              const std::vector<std::string>& texts, const DataSettings& settings) {
  FeatureColumn c{.name = name, .type = ColumnType::kCategorical};
  std::vector<std::int64_t> counts(texts.size(), 0);
  for (Index j = 0; j < raw.cols(); ++j) {
    const Scalar v = raw(row, j);
    if (std::isnan(v)) {
      c.missing_level = true;
    } else {
      ++counts[static_cast<std::size_t>(v)];
    }
  }
  for (std::size_t id = 0; id < texts.size(); ++id) {
    if (counts[id] >= settings.min_frequency) {
      c.levels.push_back(texts[id]);
    } else if (counts[id] > 0) {
      c.other_level = true;
    }
  }
  std::sort(c.levels.begin(), c.levels.end());
  return c;
}

// Per text of a file's column: its one-hot input within the column, or -1 for none of its levels.
std::vector<Index> level_inputs(const FeatureColumn& c, const std::vector<std::string>& texts) {
  std::vector<Index> inputs;
  inputs.reserve(texts.size());
  for (const std::string& text : texts) {
    const auto it = std::lower_bound(c.levels.begin(), c.levels.end(), text);
    inputs.push_back(it != c.levels.end() && *it == text ? static_cast<Index>(it - c.levels.begin()) : -1);
  }
  return inputs;
}

}  // namespace

std::vector<FeatureColumn> fit_feature_columns(const std::vector<std::string>& names,
                                               const std::vector<ColumnType>& types, ConstMatrixView raw,
                                               const ColumnTexts& texts, const DataSettings& settings,
                                               const std::string& source) {
  std::vector<FeatureColumn> columns;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto row = static_cast<Index>(i);
    columns.push_back(types[i] == ColumnType::kNumeric ? fit_numeric(names[i], raw, row, settings, source)
                                                       : fit_categorical(names[i], raw, row, texts[i], settings));
  }
  return columns;
}

EncodedFeatures encode_features(const std::vector<FeatureColumn>& columns, ConstMatrixView raw,
                                const ColumnTexts& texts) {
  Index width = 0;
  for (const FeatureColumn& c : columns) width += c.width();
  EncodedFeatures out;
  out.inputs = Matrix::Zero(width, raw.cols());
  out.filled.assign(columns.size(), 0);
  out.unmatched.assign(columns.size(), 0);
  Index first = 0;  // the column's first input
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const FeatureColumn& c = columns[i];
    const auto row = static_cast<Index>(i);
    if (c.type == ColumnType::kNumeric) {
      const auto fill = static_cast<Scalar>(c.fill);
      for (Index j = 0; j < raw.cols(); ++j) {
        const Scalar v = raw(row, j);
        const bool empty = std::isnan(v);
        out.filled[i] += empty;
        out.inputs(first, j) = empty ? fill : v;
        if (c.indicator) out.inputs(first + 1, j) = empty ? 1 : 0;
      }
    } else {
      const std::vector<Index> inputs = level_inputs(c, texts[i]);
      const auto levels = static_cast<Index>(c.levels.size());
      const Index missing = c.missing_level ? levels : -1;
      const Index other = c.other_level ? levels + (c.missing_level ? 1 : 0) : -1;
      for (Index j = 0; j < raw.cols(); ++j) {
        const Scalar v = raw(row, j);
        const bool empty = std::isnan(v);
        Index input = empty ? missing : inputs[static_cast<std::size_t>(v)];
        if (input < 0) {
          ++out.unmatched[i];
          input = other;
        }
        out.filled[i] += empty;
        if (input >= 0) out.inputs(first + input, j) = 1;
      }
    }
    first += c.width();
  }
  return out;
}

std::vector<bool> standardized_inputs(const std::vector<FeatureColumn>& columns) {
  std::vector<bool> standardized;
  for (const FeatureColumn& c : columns) {
    for (Index k = 0; k < c.width(); ++k) standardized.push_back(c.type == ColumnType::kNumeric && k == 0);
  }
  return standardized;
}

std::string describe_columns(const std::vector<FeatureColumn>& columns, ConstMatrixView raw) {
  std::string numeric, categorical;
  int numeric_count = 0, categorical_count = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const FeatureColumn& c = columns[i];
    std::int64_t empty = 0;
    for (Index j = 0; j < raw.cols(); ++j) empty += std::isnan(raw(static_cast<Index>(i), j));
    std::string text = c.name;
    if (c.type == ColumnType::kNumeric) {
      if (empty > 0) text += ": " + std::to_string(empty) + " empty, filled with " + format_number(c.fill);
      numeric += (numeric_count++ ? "; " : "") + text;
    } else {
      text += ": " + std::to_string(c.levels.size()) + (c.levels.size() == 1 ? " level" : " levels");
      if (c.other_level) text += " + other";
      if (empty > 0) text += ", " + std::to_string(empty) + " empty";
      categorical += (categorical_count++ ? "; " : "") + text;
    }
  }
  std::string plan = "columns: " + std::to_string(numeric_count) + " numeric";
  if (numeric_count > 0) plan += " (" + numeric + ")";
  plan += ", " + std::to_string(categorical_count) + " categorical";
  if (categorical_count > 0) plan += " (" + categorical + ")";
  return plan;
}

}  // namespace detail
}  // namespace mlp
