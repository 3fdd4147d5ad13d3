// Reading a file in parts at once: where the parts start, and joining what each part's reader
// read into the first one's table, as if one reader had read the whole file.
#include "table_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_set>

namespace mlp::detail {

bool TableReader::can_take(const std::vector<const TableReader*>& later) const {
  if (table_.labels_switched_to_numbers || std::any_of(later.begin(), later.end(), [](const TableReader* p) {
        return p->table_.labels_switched_to_numbers;
      })) {
    return false;
  }
  if (mode_ == TargetMode::kDetect && would_switch_to_numbers(later)) return false;
  std::vector<std::optional<ColumnType>> types = types_;
  std::vector<std::size_t> texts(interners_.size());
  for (std::size_t r = 0; r < texts.size(); ++r) texts[r] = interners_[r].size();
  for (const TableReader* part : later) {
    for (std::size_t r = 0; r < types.size(); ++r) {
      const std::optional<ColumnType> type = part->types_[r];
      if (types[r] && type && *types[r] != *type) return false;
      if (!types[r]) types[r] = type;
      texts[r] += part->interners_[r].size();  // at most: texts in both parts count once
    }
  }
  return std::all_of(texts.begin(), texts.end(), [](std::size_t n) { return n <= kMaxCategoricalIds; });
}

// One pass switches to numbers (switch_to_numbers) once it has seen more than kMaxDetectLabels
// distinct labels, all numbers: whether the first kMaxDetectLabels + 1 of the joined parts are.
bool TableReader::would_switch_to_numbers(const std::vector<const TableReader*>& later) const {
  const Labels& labels = table_.labels;
  if (!std::all_of(labels.numbers.begin(), labels.numbers.end(), [](const auto& v) { return v.has_value(); })) {
    return false;
  }
  std::size_t distinct = labels.texts.size();
  std::unordered_set<std::string_view> added;
  for (const TableReader* part : later) {
    const Labels& more = part->table_.labels;
    for (std::size_t i = 0; i < more.texts.size(); ++i) {
      if (labels.index.contains(more.texts[i]) || !added.insert(more.texts[i]).second) continue;
      if (!more.numbers[i]) return false;
      if (++distinct > kMaxDetectLabels) return true;
    }
  }
  return false;
}

void TableReader::append(TableReader& later, std::int64_t line_offset) {
  for (std::size_t r = 0; r < types_.size(); ++r) {
    if (!types_[r] && later.types_[r]) {
      types_[r] = later.types_[r];
      type_reasons_[r] = later.type_reasons_[r];
    }
    if (later.interners_[r].size() == 0) continue;
    // The later part's ids, renumbered in this part's order of first appearance, then its own.
    std::vector<Scalar> ids;
    for (const std::string& text : later.interners_[r].texts()) {
      ids.push_back(static_cast<Scalar>(interners_[r].id(text)));
    }
    auto row = later.table_.features.row(static_cast<Index>(r));
    for (Index j = 0; j < later.n_; ++j) {
      if (!std::isnan(row(j))) row(j) = ids[static_cast<std::size_t>(row(j))];
    }
  }
  Labels& labels = table_.labels;
  const Labels& later_labels = later.table_.labels;
  std::vector<std::uint32_t> label_ids;
  for (std::size_t i = 0; i < later_labels.texts.size(); ++i) {
    const std::string& text = later_labels.texts[i];
    const auto [it, added] = labels.index.emplace(text, static_cast<std::uint32_t>(labels.texts.size()));
    if (added) {
      labels.texts.push_back(text);
      labels.numbers.push_back(later_labels.numbers[i]);
    }
    label_ids.push_back(it->second);
  }
  for (const std::uint32_t id : later_labels.ids) labels.ids.push_back(label_ids[id]);

  if (n_ + later.n_ > capacity_) reserve(n_ + later.n_);
  table_.features.middleCols(n_, later.n_) = later.table_.features.leftCols(later.n_);
  table_.targets.middleCols(n_, later.n_) = later.table_.targets.leftCols(later.n_);
  for (const std::int64_t line : later.table_.lines) table_.lines.push_back(line + line_offset);
  table_.ids.insert(table_.ids.end(), std::make_move_iterator(later.table_.ids.begin()),
                    std::make_move_iterator(later.table_.ids.end()));
  table_.dropped += later.table_.dropped;
  n_ += later.n_;
}

namespace {

constexpr std::uint64_t kToTheEnd = std::numeric_limits<std::uint64_t>::max();

// Where the parts after the first start: the rest of the file cut into up to `parts.threads`
// pieces of at least min_part_bytes, each starting just past a line feed.
std::vector<std::uint64_t> part_starts(const CsvReader& reader, const ReadParts& parts) {
  if (parts.threads < 2 || !reader.splittable()) return {};
  const std::uint64_t first = reader.consumed();
  const std::uint64_t size = reader.input_size();
  if (size <= first) return {};
  const std::uint64_t count = std::min(static_cast<std::uint64_t>(parts.threads),
                                       (size - first) / std::max(parts.min_part_bytes, std::uint64_t{1}));
  std::vector<std::uint64_t> starts;
  for (std::uint64_t k = 1; k < count; ++k) {
    const std::optional<std::uint64_t> start = reader.line_start_after(first + (size - first) * k / count);
    if (!start || *start >= size) break;
    if (starts.empty() || *start > starts.back()) starts.push_back(*start);
  }
  return starts;
}

// A part after the first, read on a thread of its own.
struct LaterPart {
  std::optional<CsvReader> csv;
  std::optional<TableReader> table;
  bool whole = false;  // read without an error, up to the next part's start (or the end)
};

// Reads the later parts, each on a thread of its own, while `first` reads up to the first cut;
// whether it ended exactly there.
bool read_at_once(TableReader& first, const CsvReader& reader, const TableSpec& spec,
                  const std::vector<std::uint64_t>& starts, std::vector<LaterPart>& later) {
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const auto read_part = [&, i] {
      LaterPart& part = later[i];
      const bool last = i + 1 == starts.size();
      try {
        part.csv.emplace(reader, starts[i]);
        part.table.emplace(*part.csv, spec);
        part.whole = part.table->read_until(last ? kToTheEnd : starts[i + 1]) || last;
      } catch (const std::exception&) {
        part.whole = false;  // the first part reads on over it and reports it with its line
      }
    };
    try {
      threads.emplace_back(read_part);
    } catch (const std::system_error&) {
      break;  // no thread to be had: the first part reads on
    }
  }
  return first.read_until(starts.front());
}  // the threads join here, also when the first part throws

}  // namespace

// With parts, each is read by a reader of its own on a thread of its own, and the first one's
// reader then appends the others in order, as if it had read on: ids of texts and labels in
// order of first appearance, lines counted on. A line feed inside a quoted field is no record
// boundary, an error or a column typed differently in a part must be reported as reading in one
// pass reports it, and a target column of numbers is found (kDetect) after the labels that one
// pass reads first: then the first part reads on by itself, and the other parts' work is dropped.
Table read_table(CsvReader& reader, const TableSpec& spec, const ReadParts& parts) {
  TableReader first(reader, spec);
  const std::vector<std::uint64_t> starts = part_starts(reader, parts);
  if (starts.empty()) {
    first.read_until(kToTheEnd);
    return std::move(first).finish();
  }
  std::vector<LaterPart> later(starts.size());
  const bool first_ends_at_cut = read_at_once(first, reader, spec, starts, later);
  std::vector<const TableReader*> tables;
  for (const LaterPart& part : later) {
    if (part.whole) tables.push_back(&*part.table);
  }
  if (first_ends_at_cut && tables.size() == later.size() && first.can_take(tables)) {
    std::int64_t line = reader.next_line();  // on which the next part starts
    for (LaterPart& part : later) {
      first.append(*part.table, line - 1);
      line += part.csv->next_line() - 1;
    }
    Table table = std::move(first).finish();
    table.parts = static_cast<int>(later.size()) + 1;
    return table;
  }
  first.read_until(kToTheEnd);
  return std::move(first).finish();
}

}  // namespace mlp::detail
