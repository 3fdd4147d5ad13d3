// Internal to the dataset module: the reader of a table's records (table.cpp), which reads a
// file in one pass or one part of it, and joins the parts read at once (table_parts.cpp).
#pragma once

#include "table.hpp"

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlp::detail {

// Categorical ids are stored as float32, exact to 2^24.
inline constexpr std::size_t kMaxCategoricalIds = std::size_t{1} << 24;

// Reads the records of a CSV file (or of one part of it, through a CsvReader of that part) into a
// Table, as the spec says; parts read at once are appended to the first in file order.
class TableReader {
 public:
  TableReader(CsvReader& reader, const TableSpec& spec);
  // Reads records until the input ends or one ends at or past byte `stop`; whether the last one
  // read ends exactly there (a part's end).
  bool read_until(std::uint64_t stop);
  // Whether append() can take `later` after this part: no column read as numbers in one part and
  // as text in another, and room for the categorical ids.
  bool can_take(const std::vector<const TableReader*>& later) const;
  // Appends the samples of `later`, the part of the file that follows this one's, whose lines
  // are `line_offset` more than its reader counted; as if this part's reader had read on.
  void append(TableReader& later, std::int64_t line_offset);
  Table finish() &&;

 private:
  // What one file column is read into.
  enum class Use : std::uint8_t { kFeature, kTarget, kLabel, kId };
  struct Cell {
    std::size_t column;
    Use use;
    Index row;  // row of the feature or target matrix
  };

  bool would_switch_to_numbers(const std::vector<const TableReader*>& later) const;
  void reserve(Index capacity);
  void grow();
  void check_field_count() const;
  void read_number(std::size_t column, Scalar& out, bool target, std::optional<Index> feature = {}) const;
  void read_feature(std::size_t column, Index row, Scalar& out);
  bool is_missing(std::string_view text) const;
  // Whether a field is one of the spec's na_values (blanks around it aside). Every field asks, so
  // the first byte settles most of them here, inline, without trimming.
  bool is_marker(std::string_view text) const {
    return !spec_.na_values.empty() && (text.empty() || may_start_marker_[static_cast<unsigned char>(text.front())]) &&
           matches_marker(text);
  }
  bool matches_marker(std::string_view text) const;
  [[noreturn]] void missing_error(std::size_t column, std::string_view what) const;
  bool has_missing_value() const;
  bool has_missing_target() const;
  bool read_record();
  void check_label_present(std::size_t column) const;
  void add_id(std::size_t column);
  void add_label(std::string_view text, std::size_t column);
  void add_class(std::string_view text, std::size_t column);
  void switch_to_numbers();

  CsvReader& reader_;
  const TableSpec& spec_;
  std::vector<Cell> cells_;
  std::optional<ClassLookup> lookup_;
  std::vector<std::optional<ColumnType>> types_;  // per feature row, once known
  std::vector<std::string> type_reasons_;
  std::vector<TextInterner> interners_;  // per feature row (categorical ones used)
  std::vector<Index> absent_rows_;       // feature rows the file has no column for: every cell empty
  std::bitset<256> marker_starts_;       // first bytes of the spec's na_values
  std::bitset<256> may_start_marker_;    // those and the blanks trim() drops: other first bytes start no marker
  TargetMode mode_;
  Table table_;
  Index n_ = 0;
  Index capacity_ = 0;
  std::uint64_t data_start_;  // input offset of the first data record
  bool estimated_ = false;
};

}  // namespace mlp::detail
