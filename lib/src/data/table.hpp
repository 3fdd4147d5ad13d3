// Internal to the dataset module: streaming the chosen columns of a CSV file into matrices.
// Each record's features are parsed straight into the next column of the feature matrix, whose
// capacity is reserved from the file size and the first records' average length.
#pragma once

#include "mlp/csv.hpp"
#include "mlp/dataset.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlp::detail {

// How the target columns are read.
enum class TargetMode {
  kNone,     // not read
  kNumbers,  // regression: every target column holds numbers
  kLabels,   // classification, classes not yet known: one column of labels, interned
  kDetect,   // task unknown: labels, until the column shows too many distinct numbers to be classes
  kClasses,  // classification with known classes: a label outside them is an error
};

// Distinct labels are interned while reading: one id per sample, one entry per distinct text.
struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
struct Labels {
  std::vector<std::string> texts;              // in order of first appearance
  std::vector<std::optional<double>> numbers;  // each text's value, if it is a finite number
  std::vector<std::uint32_t> ids;              // per sample, an index into texts
  std::unordered_map<std::string, std::uint32_t, TransparentHash, std::equal_to<>> index;
};

// Label text -> class index for known classes: by text, and by value when every class is a
// number (so "1.0" in a test file finds the class "1").
class ClassLookup {
 public:
  explicit ClassLookup(const std::vector<std::string>& classes);
  std::optional<Index> find(std::string_view label) const;

 private:
  std::unordered_map<std::string, Index, TransparentHash, std::equal_to<>> by_text_;
  std::vector<std::pair<double, Index>> by_value_;  // sorted; empty unless all classes are numbers
};

// A categorical column's distinct texts in one file, each given an id in order of first appearance.
class TextInterner {
 public:
  std::uint32_t id(std::string_view text);
  std::size_t size() const { return texts_.size(); }
  const std::vector<std::string>& texts() const { return texts_; }
  std::vector<std::string> take_texts() && { return std::move(texts_); }

 private:
  std::vector<std::string> texts_;
  std::unordered_map<std::string, std::uint32_t, TransparentHash, std::equal_to<>> index_;
};

struct TableSpec {
  std::vector<int> feature_columns;  // file column of feature row i; -1: absent, every cell empty (kImpute)
  // Per feature row: its type when known (declared in the config, or the model's), with why
  // ("data.numeric lists it"), for messages; none: decided by its first non-empty value.
  std::vector<std::optional<ColumnType>> feature_types;
  std::vector<std::string> type_reasons;
  std::vector<int> target_columns;  // file column of target row i
  std::optional<int> id_column;
  TargetMode mode = TargetMode::kNone;
  const std::vector<std::string>* classes = nullptr;  // kClasses only
  MissingPolicy missing = MissingPolicy::kError;
  std::vector<std::string> na_values;  // texts read as an empty cell (CsvOptions::na_values)
};

struct Table {
  Matrix features;                        // d x n, raw (see ColumnTexts): numbers, or categorical ids; NaN when empty
  std::vector<ColumnType> feature_types;  // as decided; numeric for a column with no value at all
  ColumnTexts feature_texts;              // per feature row, a categorical column's texts
  Matrix targets;                         // t x n: numbers, or class indices (kClasses); empty for kLabels
  Labels labels;                          // kLabels, and kDetect unless it switched to numbers
  bool labels_switched_to_numbers = false;
  std::vector<std::int64_t> lines;
  std::vector<std::string> ids;
  std::int64_t dropped = 0;  // records skipped for a missing value (kImpute: a missing target)
  int parts = 1;             // parts read at once and joined (1: read in one pass)
};

// In kDetect mode, a target column with more distinct numeric values than this is read as
// numbers from then on (a regression target; classification needs at most 20 distinct integers
// anyway), so a regression column is not interned row by row.
inline constexpr std::size_t kMaxDetectLabels = 1000;

// Threads that may read a file in parts, and the least bytes a part is worth a thread for.
struct ReadParts {
  int threads = 1;
  std::uint64_t min_part_bytes = std::uint64_t{1} << 20;
};

// Reads every remaining record of `reader`, in parts on up to `parts.threads` threads when the
// file is large enough; the table is the same whatever the parts. Throws InputError with the
// line and column of the first bad value (ragged row, non-number, missing value under kError,
// unknown class, ...).
Table read_table(CsvReader& reader, const TableSpec& spec, const ReadParts& parts = {});

// Names a column for messages: `column "sepal_width"`.
std::string column_name(const CsvReader& reader, std::size_t column);

}  // namespace mlp::detail
