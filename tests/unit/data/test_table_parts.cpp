// Reading a file in parts on threads of their own (read_table with ReadParts) gives the table that
// reading it in one pass gives: every value, column type, text id, label, line and count, and the
// same first error. Random files, cut into parts of a few hundred bytes so that cuts fall
// everywhere: inside quoted fields that hold line breaks, at blank lines, in columns typed only
// later in the file.
#include "data/table.hpp"
#include "mlp/csv.hpp"
#include "mlp/rng.hpp"

#include "same_bits.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

using namespace mlp;
using namespace mlp::detail;
using mlp::test::same_bits;
using mlp::test::TempDir;

namespace {

struct Read {
  std::optional<Table> table;
  std::string error;
};

Read read(const std::filesystem::path& file, const TableSpec& spec, const ReadParts& parts) {
  try {
    CsvReader reader(file);
    return {read_table(reader, spec, parts), ""};
  } catch (const InputError& e) {
    return {std::nullopt, e.what()};
  }
}

void check_same(const Read& parts, const Read& whole) {
  CHECK(parts.error == whole.error);
  REQUIRE(parts.table.has_value() == whole.table.has_value());
  if (!whole.table) return;
  const Table& a = *parts.table;
  const Table& b = *whole.table;
  CHECK(same_bits(a.features, b.features));
  CHECK(same_bits(a.targets, b.targets));
  CHECK(a.feature_types == b.feature_types);
  CHECK(a.feature_texts == b.feature_texts);
  CHECK(a.labels.texts == b.labels.texts);
  CHECK(a.labels.numbers == b.labels.numbers);
  CHECK(a.labels.ids == b.labels.ids);
  CHECK(a.lines == b.lines);
  CHECK(a.ids == b.ids);
  CHECK(a.dropped == b.dropped);
}

// What a random file may hold besides plain numbers and words.
struct Shape {
  bool quoted_line_breaks = false;  // quoted fields with line breaks (cuts inside them)
  bool gaps = false;                // empty cells and "NA"
  bool late_column = false;         // column c empty in the first half, numbers after
  bool bad_cell = false;            // one word in a numeric column, in the second half
};

// A file of `rows` records: a (numbers), b (words, some quoted), c (numbers), label, id.
std::string random_csv(Rng& rng, int rows, const Shape& shape) {
  const char* const words[] = {"red", "green", "blue", "cyan", "magenta", "amber"};
  const char* const labels[] = {"cat", "dog", "1", "2.5", "emu"};
  const std::string eol = rng.below(2) ? "\r\n" : "\n";
  std::string csv = "a,b,c,label,id" + eol;
  const int bad_row = rows / 2 + static_cast<int>(rng.below(static_cast<std::uint64_t>(rows / 2)));
  for (int r = 0; r < rows; ++r) {
    if (rng.below(40) == 0) csv += eol;  // a blank line
    const bool gap = shape.gaps && rng.below(8) == 0;
    std::string a = std::to_string(rng.uniform(-5, 5));
    std::string b = words[rng.below(6)] + std::to_string(rng.below(static_cast<std::uint64_t>(rows / 10 + 1)));
    if (shape.quoted_line_breaks && rng.below(6) == 0) b = "\"" + b + "\nsecond, line\"";
    std::string c = shape.late_column && r < rows / 2 ? "" : std::to_string(rng.below(1000));
    if (gap) (rng.below(2) ? a : c) = rng.below(2) ? "" : "NA";
    if (shape.bad_cell && r == bad_row) a = "oops";
    csv += a + "," + b + "," + c + "," + labels[rng.below(5)] + ",row" + std::to_string(r) + eol;
  }
  return csv;
}

TableSpec random_spec(Rng& rng) {
  TableSpec spec;
  spec.feature_columns = {0, 1, 2};
  spec.type_reasons.resize(3);
  spec.feature_types.resize(3);  // each decided by its first value
  spec.target_columns = {3};
  spec.mode = rng.below(2) ? TargetMode::kLabels : TargetMode::kDetect;
  spec.id_column = 4;
  const MissingPolicy policies[] = {MissingPolicy::kImpute, MissingPolicy::kDrop, MissingPolicy::kError};
  spec.missing = policies[rng.below(3)];
  spec.na_values = {"NA"};
  return spec;
}

}  // namespace

TEST_CASE("a file read in parts on 2-4 threads gives the table and the error that one pass gives") {
  TempDir dir;
  const std::filesystem::path file = dir / "data.csv";
  int joined = 0;  // reads whose parts were joined, so that the check is not vacuous
  for (int trial = 0; trial < 60; ++trial) {
    Rng rng(static_cast<std::uint64_t>(trial), "table parts");
    const Shape shape{.quoted_line_breaks = trial % 4 == 1,
                      .gaps = trial % 3 != 0,
                      .late_column = trial % 5 == 2,
                      .bad_cell = trial % 7 == 3};
    test::write_text(file, random_csv(rng, 50 + static_cast<int>(rng.below(400)), shape));
    const TableSpec spec = random_spec(rng);
    CAPTURE(trial);
    const Read whole = read(file, spec, {.threads = 1});
    for (const int threads : {2, 3, 4}) {
      CAPTURE(threads);
      const Read parts = read(file, spec, {.threads = threads, .min_part_bytes = 300});
      check_same(parts, whole);
      if (parts.table && parts.table->parts > 1) ++joined;
    }
  }
  CHECK(joined > 60);
}

// Known classes (a validation file): a label outside them in a later part is the same error.
TEST_CASE("a file read in parts with known classes reports an unknown label as one pass does") {
  TempDir dir;
  const std::filesystem::path file = dir / "val.csv";
  std::string csv = "x,label\n";
  for (int r = 0; r < 400; ++r) csv += std::to_string(r) + "," + (r == 333 ? "bird" : r % 2 ? "cat" : "dog") + "\n";
  test::write_text(file, csv);
  const std::vector<std::string> classes = {"cat", "dog"};
  TableSpec spec;
  spec.feature_columns = {0};
  spec.feature_types = {ColumnType::kNumeric};
  spec.type_reasons = {"declared"};
  spec.target_columns = {1};
  spec.mode = TargetMode::kClasses;
  spec.classes = &classes;
  const Read whole = read(file, spec, {.threads = 1});
  CHECK(whole.error.find(":335:2: column \"label\": label \"bird\" was not seen in training") != std::string::npos);
  check_same(read(file, spec, {.threads = 2, .min_part_bytes = 100}), whole);
  csv.replace(csv.find("bird"), 4, "cat\n");
  test::write_text(file, csv);
  const Read parts = read(file, spec, {.threads = 2, .min_part_bytes = 100});
  REQUIRE(parts.table.has_value());
  CHECK(parts.table->parts == 2);
  check_same(parts, read(file, spec, {.threads = 1}));
}

namespace {

// The record on which the second of two parts starts (0-based, counted after the header): the
// one after the first line feed at or past the middle of the data, as read_table cuts.
int second_part_row(const std::string& csv) {
  const std::size_t data = csv.find('\n') + 1;
  const std::size_t cut = csv.find('\n', data + (csv.size() - data) / 2) + 1;
  return static_cast<int>(std::count(csv.begin() + static_cast<std::ptrdiff_t>(data),
                                     csv.begin() + static_cast<std::ptrdiff_t>(cut), '\n'));
}

TableSpec two_columns(TargetMode mode = TargetMode::kNone) {
  TableSpec spec;
  spec.feature_columns = {0, 1};
  spec.feature_types.resize(2);
  spec.type_reasons.resize(2);
  spec.mode = mode;
  return spec;
}

}  // namespace

// The second part begins with a word in a column the first part read as numbers: alone it reads
// the column as text without an error, but in one pass that word is the error.
TEST_CASE("a file read in parts reports a word in a numeric column where the second part starts") {
  TempDir dir;
  const std::filesystem::path file = dir / "data.csv";
  std::string csv = "a,b\n";
  for (int r = 0; r < 400; ++r) csv += "100,200\n";
  const int start = second_part_row(csv);
  csv = "a,b\n";
  for (int r = 0; r < 400; ++r) csv += (r < start ? "100" : "abc") + std::string(",200\n");
  test::write_text(file, csv);
  const Read whole = read(file, two_columns(), {.threads = 1});
  CHECK(whole.error.find(":" + std::to_string(start + 2) + ":1: column \"a\": cannot parse \"abc\" as a number") !=
        std::string::npos);
  check_same(read(file, two_columns(), {.threads = 2, .min_part_bytes = 100}), whole);
}

// Every record spans two lines, so half the line feeds are inside quotes; a part that starts at
// one reads a record that is no record (`b7",7`), of the right types. The first part, reading on
// over the cut, shows it.
TEST_CASE("a file read in parts cut inside a quoted field reads as one pass does") {
  TempDir dir;
  const std::filesystem::path file = dir / "data.csv";
  int cut_in_quotes = 0;
  for (int rows = 200; rows < 240; ++rows) {
    std::string csv = "name,x\n";
    for (int r = 0; r < rows; ++r)
      csv += "\"a" + std::to_string(r) + "\nb" + std::to_string(r) + "\"," + std::to_string(r) + "\n";
    test::write_text(file, csv);
    const Read whole = read(file, two_columns(), {.threads = 1});
    REQUIRE(whole.table.has_value());
    CHECK(whole.table->features.cols() == rows);
    for (const int threads : {2, 3}) {  // with 3, a middle part may read past its end
      check_same(read(file, two_columns(), {.threads = threads, .min_part_bytes = 100}), whole);
    }
    if (second_part_row(csv) % 2 == 1) ++cut_in_quotes;  // an odd line feed: inside quotes
  }
  CHECK(cut_in_quotes > 5);
}

// Task detection (kDetect) takes a target column for numbers once it has seen more than
// kMaxDetectLabels distinct ones, and only numbers: the parts are joined only when one pass
// would not have switched.
TEST_CASE("a file read in parts detects a target column of numbers as one pass does") {
  TempDir dir;
  const std::filesystem::path file = dir / "data.csv";
  TableSpec spec = two_columns(TargetMode::kDetect);
  spec.feature_columns = {0};
  spec.feature_types.resize(1);
  spec.type_reasons.resize(1);
  spec.target_columns = {1};
  // The target of row r: few labels; 600 distinct numbers in each half, others in the second
  // (1,200 together, but neither part alone switches); 1,500 in the second half alone.
  const std::function<int(int)> targets[] = {[](int r) { return r % 3; },
                                             [](int r) { return r < 1500 ? r % 600 : 600 + r % 600; },
                                             [](int r) { return r < 1500 ? r % 2 : r % 1500; }};
  for (std::size_t t = 0; t < std::size(targets); ++t) {
    CAPTURE(t);
    std::string csv = "x,y\n";
    for (int r = 0; r < 3000; ++r) csv += std::to_string(r) + "," + std::to_string(targets[t](r)) + ".25\n";
    test::write_text(file, csv);
    const Read whole = read(file, spec, {.threads = 1});
    REQUIRE(whole.table.has_value());
    const Read parts = read(file, spec, {.threads = 2, .min_part_bytes = 100});
    check_same(parts, whole);
    CHECK(parts.table->labels_switched_to_numbers == whole.table->labels_switched_to_numbers);
    CHECK(parts.table->parts == (whole.table->labels_switched_to_numbers ? 1 : 2));
  }
}
