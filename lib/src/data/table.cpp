#include "table_reader.hpp"

#include "huge_pages.hpp"

#include "mlp/text.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <limits>

namespace mlp::detail {
namespace {

// Appended to the error for a missing value (the missing-value policy "error").
constexpr char kDropHint[] = " (fill it in, or set the missing-value policy to \"impute\" or \"drop\")";

// Samples read before the row count is estimated from their average length.
constexpr Index kFirstRows = 256;

std::string list_labels(const std::vector<std::string>& labels) {
  constexpr std::size_t kMaxListed = 20;
  std::string out;
  for (std::size_t i = 0; i < labels.size() && i < kMaxListed; ++i) out += (i ? ", " : "") + quote_text(labels[i]);
  if (labels.size() > kMaxListed) out += ", ... (" + std::to_string(labels.size() - kMaxListed) + " more)";
  return out;
}

}  // namespace

TableReader::TableReader(CsvReader& reader, const TableSpec& spec)
    : reader_(reader),
      spec_(spec),
      types_(spec.feature_types),
      type_reasons_(spec.type_reasons),
      interners_(spec.feature_columns.size()),
      mode_(spec.mode),
      data_start_(reader.consumed()) {
  types_.resize(spec.feature_columns.size());
  type_reasons_.resize(spec.feature_columns.size());
  for (const std::string& marker : spec.na_values) {
    if (!marker.empty()) marker_starts_.set(static_cast<unsigned char>(marker.front()));
  }
  may_start_marker_ = marker_starts_;
  for (const char blank : {' ', '\t', '\r', '\n'}) may_start_marker_.set(static_cast<unsigned char>(blank));
  for (std::size_t i = 0; i < spec.feature_columns.size(); ++i) {
    if (spec.feature_columns[i] < 0) {
      absent_rows_.push_back(static_cast<Index>(i));
      continue;
    }
    cells_.push_back({static_cast<std::size_t>(spec.feature_columns[i]), Use::kFeature, static_cast<Index>(i)});
  }
  const bool labels = mode_ == TargetMode::kLabels || mode_ == TargetMode::kDetect || mode_ == TargetMode::kClasses;
  for (std::size_t i = 0; i < spec.target_columns.size() && mode_ != TargetMode::kNone; ++i) {
    cells_.push_back(
        {static_cast<std::size_t>(spec.target_columns[i]), labels ? Use::kLabel : Use::kTarget, static_cast<Index>(i)});
  }
  if (spec.id_column) cells_.push_back({static_cast<std::size_t>(*spec.id_column), Use::kId, 0});
  // File order, so that the first bad field of a record is the one reported.
  std::stable_sort(cells_.begin(), cells_.end(), [](const Cell& a, const Cell& b) { return a.column < b.column; });
  if (mode_ == TargetMode::kClasses) lookup_.emplace(*spec.classes);
  const bool matrix_targets = mode_ == TargetMode::kNumbers || mode_ == TargetMode::kClasses;
  table_.features.resize(static_cast<Index>(spec.feature_columns.size()), 0);
  table_.targets.resize(matrix_targets ? static_cast<Index>(spec.target_columns.size()) : 0, 0);
}

// Column-major storage grows by whole samples. The first growth, from kFirstRows samples, moves
// them from the small-object heap into new buffers of their own mapping, advised to use huge pages
// before anything is written to them (Eigen's aligned realloc would copy the whole new size there,
// touching every page). Later growths realloc, which the kernel remaps in place: large buffers
// are not copied and never exist twice.
void TableReader::reserve(Index capacity) {
  const bool first = capacity_ <= kFirstRows;
  capacity_ = capacity;
  for (Matrix* matrix : {&table_.features, &table_.targets}) {
    if (!first) {
      matrix->conservativeResize(matrix->rows(), capacity);
      continue;
    }
    Matrix grown(matrix->rows(), capacity);
    advise_huge_pages(grown.data(), sizeof(Scalar) * static_cast<std::size_t>(grown.size()));
    grown.leftCols(n_) = matrix->leftCols(n_);
    matrix->swap(grown);
  }
  const auto size = static_cast<std::size_t>(capacity);
  table_.lines.reserve(size);
  if (mode_ == TargetMode::kLabels || mode_ == TargetMode::kDetect) table_.labels.ids.reserve(size);
  if (spec_.id_column) table_.ids.reserve(size);
}

// The first growth estimates the row count from the file size and the average length of the
// rows read so far (5% slack); later ones, or input of unknown size, double the capacity.
void TableReader::grow() {
  if (!estimated_ && n_ > 0 && reader_.input_size() > reader_.consumed()) {
    estimated_ = true;
    const double per_row = static_cast<double>(reader_.consumed() - data_start_) / static_cast<double>(n_);
    const double remaining = static_cast<double>(reader_.input_size() - reader_.consumed());
    const auto estimate = n_ + static_cast<Index>(1.05 * remaining / per_row) + 16;
    if (estimate > capacity_) return reserve(estimate);
  }
  reserve(std::max(2 * capacity_, kFirstRows));
}

void TableReader::check_field_count() const {
  const std::size_t expected = reader_.header().size();
  const std::size_t found = reader_.size();
  if (found == expected) return;
  const std::string counts =
      "this row has " + std::to_string(found) + " fields, the header has " + std::to_string(expected);
  if (found < expected) throw reader_.error_at(found, column_name(reader_, found) + " is missing: " + counts);
  throw reader_.error_at(expected, counts);
}

// Parses field `column` (a numeric feature, row `feature`, or a regression target) into `out`.
void TableReader::read_number(std::size_t column, Scalar& out, bool target, std::optional<Index> feature) const {
  const std::string_view text = reader_.field(column);
  // A marker may be a number ("-999"): it is a missing value all the same.
  if (is_marker(text)) missing_error(column, target ? "target value" : "value");
  const NumberStatus status = parse_number(text, out);
  if (status == NumberStatus::kOk) return;
  std::string message = column_name(reader_, column) + ": " + number_error(status, text);
  if (status == NumberStatus::kEmpty) message += kDropHint;
  if (feature && status == NumberStatus::kInvalid) {
    message += "; the column is numeric: " + type_reasons_[static_cast<std::size_t>(*feature)];
  }
  if (target && table_.labels_switched_to_numbers && status == NumberStatus::kInvalid) {
    message += "; the column's first " + std::to_string(kMaxDetectLabels) +
               " distinct values were numbers, so it was taken as a regression target (set the task to "
               "\"classification\" if it holds labels)";
  } else if (target && status == NumberStatus::kInvalid) {
    message += "; a regression target must be a number (set the task to \"classification\" if the column holds labels)";
  }
  throw reader_.error_at(column, message);
}

// A feature cell: NaN when empty under kImpute; else a categorical column's text id, or a
// numeric column's number. A column of unknown type takes the type of its first non-empty value.
void TableReader::read_feature(std::size_t column, Index row, Scalar& out) {
  const std::string_view text = reader_.field(column);
  const auto r = static_cast<std::size_t>(row);
  if (spec_.missing == MissingPolicy::kImpute && is_missing(text)) {
    out = std::numeric_limits<Scalar>::quiet_NaN();
    return;
  }
  if (!types_[r]) {
    double value = 0;
    const bool number = parse_number(text, value) != NumberStatus::kInvalid;  // "inf" is a bad number, not text
    types_[r] = number ? ColumnType::kNumeric : ColumnType::kCategorical;
    type_reasons_[r] =
        std::string("its first value, line ") + std::to_string(reader_.line()) + ", " +
        (number ? "is a number (list it in data.categorical if it holds categories)" : "is not a number");
  }
  if (*types_[r] == ColumnType::kNumeric) return read_number(column, out, false, row);
  if (is_missing(text)) missing_error(column, "value");
  if (const auto bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
    throw reader_.error_at(column, column_name(reader_, column) + ": " + quote_text(text) +
                                       " is not valid UTF-8 (byte " + std::to_string(bad + 1) +
                                       "); save the file as UTF-8");
  }
  const std::uint32_t id = interners_[r].id(text);
  if (id >= kMaxCategoricalIds) {
    throw reader_.error_at(column, column_name(reader_, column) + ": more than 16777216 distinct values");
  }
  out = static_cast<Scalar>(id);
}

// Whether a field holds no value: empty or blank, or one of the spec's na_values.
bool TableReader::is_missing(std::string_view text) const { return is_missing_value(text) || is_marker(text); }

// is_marker for a field whose first byte may start a marker: the comparison itself.
bool TableReader::matches_marker(std::string_view text) const {
  const std::string_view trimmed = trim(text);
  if (trimmed.empty() || !marker_starts_[static_cast<unsigned char>(trimmed.front())]) return false;
  return std::find(spec_.na_values.begin(), spec_.na_values.end(), trimmed) != spec_.na_values.end();
}

// The error for a missing value under MissingPolicy::kError (or a missing class label): "empty
// value", or `missing value "NA" (data.na_values)`.
void TableReader::missing_error(std::size_t column, std::string_view what) const {
  const std::string_view text = reader_.field(column);
  const std::string found = is_missing_value(text)
                                ? "empty " + std::string(what)
                                : "missing " + std::string(what) + " " + quote_text(text) + " (one of data.na_values)";
  throw reader_.error_at(column, column_name(reader_, column) + ": " + found + kDropHint);
}

// Whether a target field holds no value.
bool TableReader::has_missing_target() const {
  return std::any_of(cells_.begin(), cells_.end(), [this](const Cell& cell) {
    return (cell.use == Use::kTarget || cell.use == Use::kLabel) && is_missing(reader_.field(cell.column));
  });
}

// Whether a field the table reads (not the id) holds no value.
bool TableReader::has_missing_value() const {
  return std::any_of(cells_.begin(), cells_.end(), [this](const Cell& cell) {
    return cell.use != Use::kId && is_missing(reader_.field(cell.column));
  });
}

// Reads the current record into sample n_; false if it is dropped for a missing value.
bool TableReader::read_record() {
  // Under the "drop" policy a row with a missing value is dropped whole, before any field is
  // parsed: whether a row is dropped must not depend on how its other fields read, which
  // differs between a label column (taken as text at first) and a number column (found by
  // fuzzing: a row kept out of training was an error when the same file was evaluated).
  if (spec_.missing == MissingPolicy::kDrop && has_missing_value()) return false;
  // Under kImpute a feature can be filled in, a target cannot: the row is skipped (and counted).
  if (spec_.missing == MissingPolicy::kImpute && has_missing_target()) return false;
  Scalar* const x = table_.features.data() + n_ * table_.features.rows();
  Scalar* const y = table_.targets.data() + n_ * table_.targets.rows();
  std::optional<std::size_t> label_column;
  for (const Index row : absent_rows_) x[row] = std::numeric_limits<Scalar>::quiet_NaN();
  for (const Cell& cell : cells_) {
    switch (cell.use) {
      case Use::kFeature:
        read_feature(cell.column, cell.row, x[cell.row]);
        break;
      case Use::kTarget:
        read_number(cell.column, y[cell.row], true);
        break;
      case Use::kLabel:
        label_column = cell.column;
        check_label_present(cell.column);
        break;
      case Use::kId:
        break;
    }
  }
  if (label_column && mode_ == TargetMode::kClasses) add_class(reader_.field(*label_column), *label_column);
  if (label_column && mode_ != TargetMode::kClasses) add_label(reader_.field(*label_column), *label_column);
  if (spec_.id_column) add_id(static_cast<std::size_t>(*spec_.id_column));
  return true;
}

void TableReader::check_label_present(std::size_t column) const {
  if (is_missing(reader_.field(column))) missing_error(column, "target value");
}

void TableReader::add_id(std::size_t column) {
  const std::string_view id = reader_.field(column);
  if (invalid_utf8_offset(id) != std::string_view::npos) {
    throw reader_.error_at(column, column_name(reader_, column) + ": id " + quote_text(id) +
                                       " is not valid UTF-8; save the file as UTF-8");
  }
  table_.ids.emplace_back(id);
}

void TableReader::add_label(std::string_view text, std::size_t column) {
  Labels& labels = table_.labels;
  if (const auto it = labels.index.find(text); it != labels.index.end()) {
    labels.ids.push_back(it->second);
    return;
  }
  // Labels end up in JSON files (the model, reports), which must be valid UTF-8.
  if (const auto bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
    throw reader_.error_at(column, column_name(reader_, column) + ": label " + quote_text(text) +
                                       " is not valid UTF-8 (byte " + std::to_string(bad + 1) +
                                       "); save the file as UTF-8");
  }
  double value = 0;
  const NumberStatus status = parse_number(text, value);
  const bool too_large = status == NumberStatus::kOk && std::abs(value) > std::numeric_limits<Scalar>::max();
  if (mode_ == TargetMode::kDetect && (status == NumberStatus::kNotFinite || too_large)) {
    throw reader_.error_at(
        column, column_name(reader_, column) + ": " + number_error(too_large ? NumberStatus::kOverflow : status, text));
  }
  const auto id = static_cast<std::uint32_t>(labels.texts.size());
  labels.index.emplace(std::string(text), id);
  labels.texts.emplace_back(text);
  labels.numbers.push_back(status == NumberStatus::kOk ? std::optional<double>(value) : std::nullopt);
  labels.ids.push_back(id);
  if (mode_ == TargetMode::kDetect && labels.texts.size() > kMaxDetectLabels &&
      std::all_of(labels.numbers.begin(), labels.numbers.end(), [](const auto& v) { return v.has_value(); })) {
    switch_to_numbers();
  }
}

// Known classes (validation, test and prediction files). An unseen label is an error, not a
// skipped row: the model has no output for it, and quietly leaving such rows out would make the
// reported accuracy describe a different data set than the one given.
void TableReader::add_class(std::string_view text, std::size_t column) {
  const auto index = lookup_->find(text);
  if (!index) {
    throw reader_.error_at(column, column_name(reader_, column) + ": label " + quote_text(text) +
                                       " was not seen in training (classes: " + list_labels(*spec_.classes) + ")");
  }
  table_.targets(0, n_) = static_cast<Scalar>(*index);
}

// kDetect found more distinct numbers than any classification would have: the column is a
// regression target. Converts the labels read so far and parses the rest as numbers.
void TableReader::switch_to_numbers() {
  Labels& labels = table_.labels;
  table_.targets.resize(1, capacity_);
  for (Index i = 0; i < n_ + 1; ++i) {  // sample n_ is being added
    table_.targets(0, i) = static_cast<Scalar>(*labels.numbers[labels.ids[static_cast<std::size_t>(i)]]);
  }
  labels = Labels{};
  for (Cell& cell : cells_) {
    if (cell.use == Use::kLabel) cell.use = Use::kTarget;
  }
  mode_ = TargetMode::kNumbers;
  table_.labels_switched_to_numbers = true;
}

bool TableReader::read_until(std::uint64_t stop) {
  while (reader_.consumed() < stop && reader_.next()) {
    check_field_count();
    if (n_ == capacity_) grow();
    if (!read_record()) {
      ++table_.dropped;
      continue;
    }
    table_.lines.push_back(reader_.line());
    ++n_;
  }
  return reader_.consumed() == stop;
}

Table TableReader::finish() && {
  table_.features.conservativeResize(table_.features.rows(), n_);
  table_.targets.conservativeResize(table_.targets.rows(), n_);
  for (std::size_t r = 0; r < types_.size(); ++r) {
    table_.feature_types.push_back(types_[r].value_or(ColumnType::kNumeric));
    table_.feature_texts.push_back(std::move(interners_[r]).take_texts());
  }
  return std::move(table_);
}

std::uint32_t TextInterner::id(std::string_view text) {
  if (const auto it = index_.find(text); it != index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(texts_.size());
  index_.emplace(std::string(text), id);
  texts_.emplace_back(text);
  return id;
}

ClassLookup::ClassLookup(const std::vector<std::string>& classes) {
  bool numeric = true;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    by_text_.emplace(classes[i], static_cast<Index>(i));
    double value = 0;
    numeric = numeric && parse_number(classes[i], value) == NumberStatus::kOk;
    by_value_.emplace_back(value, static_cast<Index>(i));
  }
  if (!numeric) by_value_.clear();
  std::sort(by_value_.begin(), by_value_.end());
}

std::optional<Index> ClassLookup::find(std::string_view label) const {
  if (const auto it = by_text_.find(label); it != by_text_.end()) return it->second;
  double value = 0;
  if (by_value_.empty() || parse_number(label, value) != NumberStatus::kOk) return std::nullopt;
  const auto it = std::lower_bound(by_value_.begin(), by_value_.end(), std::pair(value, Index{0}));
  if (it == by_value_.end() || it->first != value) return std::nullopt;
  return it->second;
}

std::string column_name(const CsvReader& reader, std::size_t column) {
  return "column " + quote_text(reader.header()[column]);
}

}  // namespace mlp::detail
