// Feature columns of real tables (issue 14), through the public dataset API: each column's type
// (detected from its first non-empty value, or declared by data.categorical / data.numeric), the
// fill values, indicators and levels fitted on the training split only, the exact network inputs
// they make of every split, and the missing-value policies "error" and "drop" left as they were.
#include "mlp/dataset.hpp"

#include "dataset_helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace mlp;
using namespace mlp::test;

namespace {

// x numeric with a gap on line 3 (median of 1, 3, 10 is 3; mean 14/3); c categorical with an
// empty cell on line 5: inputs x, x (missing), c=a, c=b, c (missing).
constexpr char kMixed[] = "x,c,y\n1,b,p\n,a,q\n3,b,p\n10,,q\n";

const FeatureColumn& column_named(const DataSchema& schema, const std::string& name) {
  for (const FeatureColumn& c : schema.columns) {
    if (c.name == name) return c;
  }
  FAIL("no column " << name);
  return schema.columns.front();
}

bool has_text(const std::vector<std::string>& texts, const std::string& part) {
  for (const std::string& t : texts) {
    if (contains(t, part)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("columns: a column's type is that of its first non-empty value unless declared") {
  TempDir dir;
  // n: numbers (its first cell empty); c: text first, so "7" later is a level; e: empty first,
  // then text; code: a zip code, numeric unless declared categorical.
  const auto path = dir.write("t.csv", "n,c,e,code,y\n,red,,02134,p\n1.5,blue,u,10001,q\n2,7,v,00501,p\n");
  DataSettings s = settings_for(path);
  SUBCASE("detected") {
    const TrainingData data = load_training_data(s, 1);
    CHECK(column_named(data.schema, "n").type == ColumnType::kNumeric);
    CHECK(column_named(data.schema, "c").type == ColumnType::kCategorical);
    CHECK(column_named(data.schema, "c").levels == std::vector<std::string>{"7", "blue", "red"});
    CHECK(column_named(data.schema, "e").type == ColumnType::kCategorical);
    CHECK(column_named(data.schema, "e").levels == std::vector<std::string>{"u", "v"});
    CHECK(column_named(data.schema, "code").type == ColumnType::kNumeric);
    // Inputs: n, n (missing); c's 3 levels; e's 2 levels and its missing input; code.
    CHECK(data.schema.input_width() == 9);
    CHECK(row_of(data.train.features, 8) == std::vector<Scalar>{2134, 10001, 501});
  }
  SUBCASE("data.categorical keeps a numeric code's text, leading zeros and all") {
    s.categorical = {"code"};
    const TrainingData data = load_training_data(s, 1);
    const FeatureColumn& code = column_named(data.schema, "code");
    CHECK(code.type == ColumnType::kCategorical);
    CHECK(code.levels == std::vector<std::string>{"00501", "02134", "10001"});
    CHECK(code.input_names() == std::vector<std::string>{"code=00501", "code=02134", "code=10001"});
  }
  SUBCASE("data.numeric on a text column is an error at its first text") {
    s.numeric = {"c"};
    CHECK_INPUT_ERROR(load_training_data(s, 1), path.string() + ":2:2: ",
                      "column \"c\": cannot parse \"red\" as a number; the column is numeric: data.numeric lists it");
  }
  SUBCASE("a name that is no feature column, or in both lists") {
    s.categorical = {"nope"};
    CHECK_INPUT_ERROR(load_training_data(s, 1),
                      "data.categorical[0]: ", "\"nope\" is not a feature column of " + path.string());
    s.categorical = {"y"};  // the target
    CHECK_INPUT_ERROR(load_training_data(s, 1), "data.categorical[0]: ", "\"y\" is not a feature column");
    s.categorical = {"code"};
    s.numeric = {"n", "code"};
    CHECK_INPUT_ERROR(load_training_data(s, 1), "data.numeric[1]: ", "\"code\" is in data.categorical too");
  }
}

TEST_CASE("columns: a non-number in a numeric column names its cell and why the column is numeric") {
  TempDir dir;
  const auto path = dir.write("t.csv", "a,b,y\n1,2,p\n2,3,q\n3,abc,p\n4,5,q\n");
  DataSettings s = settings_for(path);
  CHECK_INPUT_ERROR(load_training_data(s, 1), path.string() + ":4:2: ",
                    "column \"b\": cannot parse \"abc\" as a number; the column is numeric: its first value, "
                    "line 2, is a number (list it in data.categorical if it holds categories)");
  // The line of the first value, not of the first row, when the first rows are empty.
  const auto late = dir.write("late.csv", "a,b,y\n1,,p\n2,,q\n3,4,p\n4,x,q\n");
  CHECK_INPUT_ERROR(load_training_data(settings_for(late), 1), late.string() + ":5:2: ", "its first value, line 4,");
  s.categorical = {"b"};
  const TrainingData data = load_training_data(s, 1);
  CHECK(column_named(data.schema, "b").levels == std::vector<std::string>{"2", "3", "5", "abc"});
  CHECK(data.schema.input_width() == 5);
}

TEST_CASE("columns: fill values, indicators and levels are fitted on the training split") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("train.csv", kMixed));
  // A validation file with other numbers, a level "z" training never saw, and no empty cell.
  s.val = dir.write("val.csv", "x,c,y\n100,z,p\n200,a,q\n300,a,p\n");
  SUBCASE("median") {
    const TrainingData data = load_training_data(s, 1);
    const FeatureColumn& x = data.schema.columns.at(0);
    CHECK(x.fill == 3);
    CHECK(x.indicator);
    CHECK(x.input_names() == std::vector<std::string>{"x", "x (missing)"});
    const FeatureColumn& c = data.schema.columns.at(1);
    CHECK(c.levels == std::vector<std::string>{"a", "b"});
    CHECK(c.missing_level);
    CHECK(!c.other_level);
    CHECK(c.input_names() == std::vector<std::string>{"c=a", "c=b", "c (missing)"});
    CHECK(data.schema.input_width() == 5);
    // "z" matches no input: every input of c is 0 in that sample.
    CHECK(row_of(data.val->features, 2) == std::vector<Scalar>{0, 1, 1});
    CHECK(row_of(data.val->features, 3) == std::vector<Scalar>{0, 0, 0});
    CHECK(row_of(data.val->features, 4) == std::vector<Scalar>{0, 0, 0});
    CHECK(has_text(data.warnings,
                   s.val->string() + ": column \"c\": 1 value with no level of its own (empty, or rarer than "
                                     "data.min_frequency or absent in the training split): given no input, every input "
                                     "of the column 0"));
    CHECK(has_note(data, "columns: 1 numeric (x: 1 empty, filled with 3), 1 categorical (c: 2 levels, 1 empty)"));
  }
  SUBCASE("mean") {
    s.impute = ImputeStrategy::kMean;
    const TrainingData data = load_training_data(s, 1);
    CHECK(data.schema.columns.at(0).fill == doctest::Approx(14.0 / 3));
    CHECK(data.train.features(0, 1) == static_cast<Scalar>(14.0 / 3));
  }
  SUBCASE("constant") {
    s.impute = ImputeStrategy::kConstant;
    s.impute_value = -1.5;
    const TrainingData data = load_training_data(s, 1);
    CHECK(data.schema.columns.at(0).fill == -1.5);
    CHECK(row_of(data.train.features, 0) == std::vector<Scalar>{1, -1.5, 3, 10});
  }
  SUBCASE("no gap in training: no indicator, no missing input") {
    s.train = dir.write("full.csv", "x,c,y\n1,b,p\n2,a,q\n4,b,p\n");
    s.val = dir.write("gaps.csv", "x,c,y\n,a,p\n5,,q\n");
    const TrainingData data = load_training_data(s, 1);
    CHECK(!data.schema.columns.at(0).indicator);
    CHECK(!data.schema.columns.at(1).missing_level);
    CHECK(data.schema.input_width() == 3);
    CHECK(row_of(data.val->features, 0) == std::vector<Scalar>{2, 5});  // the median of 1, 2, 4
    CHECK(row_of(data.val->features, 1) == std::vector<Scalar>{1, 0});  // a; the empty cell: none
    CHECK(row_of(data.val->features, 2) == std::vector<Scalar>{0, 0});
    CHECK(has_note(data, s.val->string() + ": column \"x\": 1 empty cell filled with 2"));
  }
}

// The median is found by a radix select on the floats' bits: it must be the sorted middle (the
// mean of the two middle values for an even count) whatever the signs, zeros, magnitudes and
// repeats, for columns with and without gaps.
TEST_CASE("columns: the median fill is the middle of the sorted values") {
  std::mt19937 rng(11);
  auto pick = [&rng](int column) -> std::string {
    std::uniform_int_distribution<int> any(0, 9999);
    const int r = any(rng);
    switch (column) {
      case 0:
        return std::to_string((r - 5000) / 1e4);  // both signs
      case 1:
        return "7.25";  // one value
      case 2:
        return std::to_string(r % 4);  // repeats
      case 3:
        return std::array<const char*, 6>{"1e30", "-1e30", "1e-30", "-1e-30", "0", "-0"}[r % 6];
      case 4:
        return std::to_string(-1000 - r);  // all negative
      default:
        return r % 3 ? std::to_string(r) : "";  // gaps
    }
  };
  constexpr int kColumns = 6;
  for (const int rows : {1001, 1000, 2}) {
    TempDir dir;
    std::string text = "a,b,c,d,e,f,y\n";
    std::vector<std::vector<float>> values(kColumns);
    for (int i = 0; i < rows; ++i) {
      for (int c = 0; c < kColumns; ++c) {
        const std::string cell = pick(c);
        text += cell + ",";
        if (!cell.empty()) values[c].push_back(std::stof(cell));
      }
      text += "1\n";
    }
    DataSettings s = settings_for(dir.write("m.csv", text));
    s.targets = {"y"};
    s.task = Task::kRegression;
    const TrainingData data = load_training_data(s, 1);
    for (int c = 0; c < kColumns; ++c) {
      std::vector<float>& x = values[static_cast<std::size_t>(c)];
      std::sort(x.begin(), x.end());
      const std::size_t n = x.size();
      REQUIRE(n > 0);
      const double upper = x[n / 2];
      const double lower = n % 2 ? upper : x[n / 2 - 1];
      INFO("rows " << rows << ", column " << c);
      CHECK(data.schema.columns.at(static_cast<std::size_t>(c)).fill == lower + (upper - lower) / 2);
    }
  }
}

TEST_CASE("columns: the validation split's values do not move what is fitted") {
  // x is the row's number, c a level of its own per row, and one more row with x empty: the
  // fitted median and levels are those of the rows the split kept for training, whichever they are.
  TempDir dir;
  std::string text = "x,c,y\n";
  for (int i = 0; i < 10; ++i) text += std::to_string(i) + ",l" + std::to_string(i) + "," + (i % 2 ? "p" : "q") + "\n";
  text += ",gap,p\n";  // line 12
  DataSettings s = settings_for(dir.write("t.csv", text));
  s.val_fraction = 0.5;
  const TrainingData data = load_training_data(s, 7);
  REQUIRE(data.val);
  std::vector<std::string> levels;
  std::vector<double> x;
  for (const std::int64_t line : data.train.lines) {
    levels.push_back(line == 12 ? "gap" : "l" + std::to_string(line - 2));
    if (line != 12) x.push_back(static_cast<double>(line - 2));
  }
  std::sort(levels.begin(), levels.end());
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  REQUIRE(n > 0);
  const double median = n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
  CHECK(data.schema.columns.at(0).fill == median);
  CHECK(data.schema.columns.at(1).levels == levels);
  CHECK(levels.size() < 11);
  // Each held-out row's level is none of the fitted ones.
  CHECK(has_text(data.warnings, s.train.string() + " (validation split): column \"c\": " +
                                    std::to_string(data.val->size()) + " values with no level of its own"));
}

TEST_CASE("columns: levels in byte order, and data.min_frequency's other input") {
  TempDir dir;
  const auto path = dir.write("t.csv", "c,y\nb,p\na,q\nB,p\n_,q\n10,p\n9,q\na,p\nb,q\na,p\n\xC3\xA9,q\n\xC3\xA9,p\n");
  DataSettings s = settings_for(path);
  SUBCASE("every level") {
    const TrainingData data = load_training_data(s, 1);
    CHECK(data.schema.columns.at(0).levels == std::vector<std::string>{"10", "9", "B", "_", "a", "b", "\xC3\xA9"});
    CHECK(!data.schema.columns.at(0).other_level);
  }
  SUBCASE("min_frequency 2") {
    s.min_frequency = 2;
    s.val = dir.write("v.csv", "c,y\nB,p\nzz,q\nb,p\n");  // rare in training, never seen, a level
    const TrainingData data = load_training_data(s, 1);
    const FeatureColumn& c = data.schema.columns.at(0);
    CHECK(c.levels == std::vector<std::string>{"a", "b", "\xC3\xA9"});
    CHECK(c.other_level);
    CHECK(!c.missing_level);
    CHECK(c.input_names() == std::vector<std::string>{"c=a", "c=b", "c=\xC3\xA9", "c (other)"});
    CHECK(data.schema.input_width() == 4);
    // The training rows of the rare levels B, _, 10, 9 (lines 4 to 7) are "other".
    CHECK(row_of(data.train.features, 3) == std::vector<Scalar>{0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0});
    CHECK(row_of(data.val->features, 3) == std::vector<Scalar>{1, 1, 0});
    CHECK(row_of(data.val->features, 1) == std::vector<Scalar>{0, 0, 1});
    CHECK(has_text(data.warnings, s.val->string() + ": column \"c\": 2 values with no level of its own"));
    CHECK(has_text(data.warnings, "given the \"other\" input"));
  }
}

TEST_CASE("columns: the exact inputs of a tiny table") {
  TempDir dir;
  const TrainingData data = load_training_data(settings_for(dir.write("t.csv", kMixed)), 1);
  REQUIRE(data.train.features.rows() == 5);
  CHECK(row_of(data.train.features, 0) == std::vector<Scalar>{1, 3, 3, 10});  // x, filled with the median
  CHECK(row_of(data.train.features, 1) == std::vector<Scalar>{0, 1, 0, 0});   // x (missing)
  CHECK(row_of(data.train.features, 2) == std::vector<Scalar>{0, 1, 0, 0});   // c=a
  CHECK(row_of(data.train.features, 3) == std::vector<Scalar>{1, 0, 1, 0});   // c=b
  CHECK(row_of(data.train.features, 4) == std::vector<Scalar>{0, 0, 0, 1});   // c (missing)
}

TEST_CASE("columns: only numeric values are standardised") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("t.csv", kMixed));
  s.standardize = true;
  const TrainingData data = load_training_data(s, 1);
  const Standardizer& st = data.schema.standardizer;
  REQUIRE(st.mean.size() == 5);
  // x after filling: 1, 3, 3, 10; mean 4.25, population variance 46.75 / 4.
  CHECK(st.mean(0) == doctest::Approx(4.25));
  CHECK(st.scale(0) == doctest::Approx(std::sqrt(46.75 / 4)));
  for (Index i = 1; i < 5; ++i) {
    CAPTURE(i);
    CHECK(st.mean(i) == 0);
    CHECK(st.scale(i) == 1);
  }
  CHECK(row_of(data.train.features, 1) == std::vector<Scalar>{0, 1, 0, 0});
  CHECK(data.train.features(0, 3) == doctest::Approx(5.75 / std::sqrt(46.75 / 4)));
}

TEST_CASE("columns: a column that is empty or absent in another file is filled in") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("train.csv", kMixed));
  SUBCASE("every cell empty in the validation file") {
    s.val = dir.write("val.csv", "x,c,y\n,b,p\n,a,q\n");
    const TrainingData data = load_training_data(s, 1);
    CHECK(row_of(data.val->features, 0) == std::vector<Scalar>{3, 3});
    CHECK(row_of(data.val->features, 1) == std::vector<Scalar>{1, 1});
    CHECK(has_note(data, s.val->string() + ": column \"x\": 2 empty cells filled with 3"));
  }
  SUBCASE("a column absent from the test file's header") {
    s.test = dir.write("test.csv", "y,c\np,a\nq,b\n");
    const TrainingData data = load_training_data(s, 1);
    CHECK(row_of(data.test->features, 0) == std::vector<Scalar>{3, 3});
    CHECK(row_of(data.test->features, 1) == std::vector<Scalar>{1, 1});
    CHECK(row_of(data.test->features, 2) == std::vector<Scalar>{1, 0});
    CHECK(has_text(data.warnings, s.test->string() + ": no column \"x\": every value filled in"));
    // An absent categorical column: its "missing" input.
    s.test = dir.write("test2.csv", "x,y\n5,p\n");
    const TrainingData other = load_training_data(s, 1);
    CHECK(row_of(other.test->features, 4) == std::vector<Scalar>{1});
    CHECK(has_text(other.warnings, s.test->string() + ": no column \"c\": every value filled in"));
  }
  SUBCASE("a file for the model: filled with a warning, or the old error") {
    const TrainingData data = load_training_data(s, 1);
    const auto input = dir.write("in.csv", "c\na\n\nb\n");
    const ModelInput in = load_model_input(input, data.schema, false, CsvOptions{});
    CHECK(row_of(in.data.features, 0) == std::vector<Scalar>{3, 3});
    CHECK(row_of(in.data.features, 2) == std::vector<Scalar>{1, 0});
    CHECK(has_text(in.warnings, input.string() + ": no column \"x\": every value filled in"));
    CHECK(has_text(in.notes, input.string() + ": column \"x\": 2 empty cells filled with 3"));
    CHECK_INPUT_ERROR(load_model_input(input, data.schema, false, CsvOptions{',', MissingPolicy::kError}),
                      input.string() + ": ", "no feature column \"x\"; the columns are \"c\"");
    const auto gap = dir.write("gap.csv", "x,c\n1,a\n2,\n");
    CHECK_INPUT_ERROR(load_model_input(gap, data.schema, false, CsvOptions{',', MissingPolicy::kError}),
                      gap.string() + ":3:2: ", "column \"c\": empty value");
  }
}

TEST_CASE("columns: a numeric column without any value in the training split") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("t.csv", "x,c,y\n,a,p\n ,b,q\n"));
  CHECK_INPUT_ERROR(load_training_data(s, 1), s.train.string() + ": ",
                    "column \"x\" has no value in the training split, so there is nothing to fill its empty cells "
                    "with (leave it out with data.exclude, or set data.impute to \"constant\")");
  s.impute = ImputeStrategy::kConstant;
  s.impute_value = 7;
  const TrainingData data = load_training_data(s, 1);
  CHECK(row_of(data.train.features, 0) == std::vector<Scalar>{7, 7});
  s.impute = ImputeStrategy::kMedian;
  s.exclude = {"x"};
  CHECK(load_training_data(s, 1).schema.input_width() == 2);
}

TEST_CASE("columns: a row without a target is skipped under impute") {
  TempDir dir;
  const auto path = dir.write("t.csv", "x,c,y\n1,a,p\n2,b,\n,a,q\n");
  const TrainingData data = load_training_data(settings_for(path), 1);
  CHECK(data.train.lines == std::vector<std::int64_t>{2, 4});
  CHECK(has_note(data, path.string() + ": dropped 1 row with no target value"));
  CHECK(row_of(data.train.features, 0) == std::vector<Scalar>{1, 1});
}

TEST_CASE("columns: the policies error and drop are as before") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("t.csv", "x,c,y\n1,a,p\n2,,q\n,b,p\n4,b,q\n"));
  SUBCASE("error names the first empty cell") {
    s.csv.missing = MissingPolicy::kError;
    CHECK_INPUT_ERROR(load_training_data(s, 1), s.train.string() + ":3:2: ",
                      "column \"c\": empty value (fill it in, or set the missing-value policy to \"impute\" or "
                      "\"drop\")");
    s.train = dir.write("n.csv", "x,c,y\n1,a,p\n,b,q\n");
    CHECK_INPUT_ERROR(load_training_data(s, 1), s.train.string() + ":3:1: ", "column \"x\": empty value");
  }
  SUBCASE("drop counts the rows and fits no missing inputs") {
    s.csv.missing = MissingPolicy::kDrop;
    const TrainingData data = load_training_data(s, 1);
    CHECK(data.train.lines == std::vector<std::int64_t>{2, 5});
    CHECK(has_note(data, s.train.string() + ": dropped 2 rows with missing values"));
    CHECK(!data.schema.columns.at(0).indicator);
    CHECK(!data.schema.columns.at(1).missing_level);
    CHECK(data.schema.input_width() == 3);
    CHECK(row_of(data.train.features, 0) == std::vector<Scalar>{1, 4});
  }
}
