#include "columns.hpp"

#include "huge_pages.hpp"
#include "median.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>

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

// raw holds one sample per column (features x samples, column-major): a pass along one feature
// reads one value of every 64-byte line of the matrix, so a pass per feature reads the whole
// matrix as many times as there are features (32 x 51 MB for a 400,000-row file of 32 columns,
// which made fitting and encoding slower than parsing the file). These passes go sample by
// sample instead, over all features or a block of kFeatureBlock of them (a cache line's worth).
constexpr Index kFeatureBlock = 64 / sizeof(Scalar);

double mean_of(std::span<const float> values) {
  double mean = 0;
  for (std::size_t i = 0; i < values.size(); ++i) mean += (values[i] - mean) / static_cast<double>(i + 1);
  return mean;
}

// A numeric column's fill value from its `values` (the non-empty ones, in sample order) and
// whether it had an empty cell.
FeatureColumn fit_numeric(const std::string& name, std::span<const float> values, bool any_empty,
                          const DataSettings& settings, const std::string& source) {
  FeatureColumn c{.name = name, .type = ColumnType::kNumeric, .indicator = any_empty};
  if (values.empty() && settings.impute != ImputeStrategy::kConstant) {
    throw InputError(source + ": column " + quote_text(name) +
                     " has no value in the training split, so there is nothing to fill its empty cells with "
                     "(leave it out with data.exclude, or set data.impute to \"constant\")");
  }
  switch (settings.impute) {
    case ImputeStrategy::kMedian:
      c.fill = median_of(values);
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

// A categorical column from how often each of its file's texts was seen and whether it had an
// empty cell.
FeatureColumn fit_categorical(const std::string& name, const std::vector<std::int64_t>& counts, bool any_empty,
                              const std::vector<std::string>& texts, const DataSettings& settings) {
  FeatureColumn c{.name = name, .type = ColumnType::kCategorical, .missing_level = any_empty};
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

FittedColumns fit_feature_columns(const std::vector<std::string>& names, const std::vector<ColumnType>& types,
                                  ConstMatrixView raw, const ColumnTexts& texts, const DataSettings& settings,
                                  const std::string& source) {
  FittedColumns fitted;
  // A block of features at a time, gathered in one pass over the samples into one buffer (so
  // that it can have huge pages), feature k of the block from values[k * n] on; then each
  // feature on its own: a numeric one's values closed up over its empty cells, a categorical
  // one's texts counted.
  const auto n = static_cast<std::size_t>(raw.cols());
  const std::size_t size = static_cast<std::size_t>(std::min(kFeatureBlock, raw.rows())) * n;
  const auto values = std::make_unique_for_overwrite<float[]>(size);  // written before it is read
  advise_huge_pages(values.get(), sizeof(float) * size);
  std::vector<std::int64_t> counts;
  for (Index first = 0; first < raw.rows(); first += kFeatureBlock) {
    const Index block = std::min(kFeatureBlock, raw.rows() - first);
    for (std::size_t j = 0; j < n; ++j) {
      for (Index k = 0; k < block; ++k) values[static_cast<std::size_t>(k) * n + j] = raw(first + k, j);
    }
    for (Index k = 0; k < block; ++k) {
      const auto i = static_cast<std::size_t>(first + k);
      float* const column = values.get() + static_cast<std::size_t>(k) * n;
      std::size_t kept = 0;
      if (types[i] == ColumnType::kNumeric) {
        for (std::size_t j = 0; j < n; ++j) {
          column[kept] = column[j];
          kept += std::isnan(column[j]) ? 0 : 1;
        }
      } else {
        counts.assign(texts[i].size(), 0);
        for (std::size_t j = 0; j < n; ++j) {
          if (std::isnan(column[j])) continue;
          ++counts[static_cast<std::size_t>(column[j])];
          ++kept;
        }
      }
      const auto empties = static_cast<std::int64_t>(n - kept);
      fitted.columns.push_back(types[i] == ColumnType::kNumeric
                                   ? fit_numeric(names[i], {column, kept}, empties > 0, settings, source)
                                   : fit_categorical(names[i], counts, empties > 0, texts[i], settings));
      fitted.empty_cells.push_back(empties);
    }
  }
  return fitted;
}

namespace {

// encode_features when every column is one numeric input: the raw values are the inputs, with
// the empty cells filled in where they are (no second matrix to allocate and write).
EncodedFeatures fill_in_place(const std::vector<FeatureColumn>& columns, Matrix&& raw) {
  EncodedFeatures out;
  out.filled.assign(columns.size(), 0);
  out.unmatched.assign(columns.size(), 0);
  for (Index j = 0; j < raw.cols(); ++j) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      Scalar& v = raw(static_cast<Index>(i), j);
      if (!std::isnan(v)) continue;
      v = static_cast<Scalar>(columns[i].fill);
      ++out.filled[i];
    }
  }
  out.inputs = std::move(raw);
  return out;
}

}  // namespace

EncodedFeatures encode_features(const std::vector<FeatureColumn>& columns, Matrix&& raw, const ColumnTexts& texts) {
  const bool numbers_only = std::all_of(columns.begin(), columns.end(), [](const FeatureColumn& c) {
    return c.type == ColumnType::kNumeric && !c.indicator;
  });
  if (numbers_only) return fill_in_place(columns, std::move(raw));
  // Per column: its first input, and a categorical column's input per text of the file.
  std::vector<Index> first_input;
  std::vector<std::vector<Index>> inputs_of_text(columns.size());
  Index width = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    first_input.push_back(width);
    width += columns[i].width();
    if (columns[i].type == ColumnType::kCategorical) inputs_of_text[i] = level_inputs(columns[i], texts[i]);
  }
  EncodedFeatures out;
  out.inputs.resize(width, raw.cols());  // every value is written below: no pass to zero it first
  advise_huge_pages(out.inputs.data(), sizeof(Scalar) * static_cast<std::size_t>(out.inputs.size()));
  out.filled.assign(columns.size(), 0);
  out.unmatched.assign(columns.size(), 0);
  for (Index j = 0; j < raw.cols(); ++j) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const FeatureColumn& c = columns[i];
      const Index first = first_input[i];
      const Scalar v = raw(static_cast<Index>(i), j);
      const bool empty = std::isnan(v);
      out.filled[i] += empty;
      if (c.type == ColumnType::kNumeric) {
        out.inputs(first, j) = empty ? static_cast<Scalar>(c.fill) : v;
        if (c.indicator) out.inputs(first + 1, j) = empty ? 1 : 0;
        continue;
      }
      out.inputs.col(j).segment(first, c.width()).setZero();
      const auto levels = static_cast<Index>(c.levels.size());
      Index input = empty ? (c.missing_level ? levels : -1) : inputs_of_text[i][static_cast<std::size_t>(v)];
      if (input < 0) {
        ++out.unmatched[i];
        input = c.other_level ? levels + (c.missing_level ? 1 : 0) : -1;
      }
      if (input >= 0) out.inputs(first + input, j) = 1;
    }
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

std::string describe_columns(const FittedColumns& fitted) {
  std::string numeric, categorical;
  int numeric_count = 0, categorical_count = 0;
  for (std::size_t i = 0; i < fitted.columns.size(); ++i) {
    const FeatureColumn& c = fitted.columns[i];
    const std::int64_t empty = fitted.empty_cells[i];
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
