#include "mlp/dataset.hpp"

#include "dataset_helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace mlp;
using namespace mlp::test;

TEST_CASE("standardizer") {
  Matrix x(2, 4);
  x << 1, 2, 3, 4,  //
      5, 5, 5, 5;
  const Standardizer s = Standardizer::fit(cview(x));
  CHECK(s.mean(0) == doctest::Approx(2.5));
  CHECK(s.mean(1) == 5);
  CHECK(s.scale(0) == doctest::Approx(std::sqrt(1.25)));  // population std
  CHECK(s.scale(1) == 1);                                 // constant column
  s.apply(view(x));
  CHECK(x(0, 0) == doctest::Approx(-1.5 / std::sqrt(1.25)));
  CHECK(x(0, 3) == doctest::Approx(1.5 / std::sqrt(1.25)));
  CHECK(x.row(1).isZero());
  // A constant column whose mean is not exact in binary still gets scale 1.
  Matrix c = Matrix::Constant(1, 3, Scalar(0.1));
  CHECK(Standardizer::fit(cview(c)).scale(0) == 1);
  const Standardizer id = Standardizer::identity(3);
  Matrix y = Matrix::Random(3, 5);
  const Matrix before = y;
  id.apply(view(y));
  CHECK(y == before);
}

TEST_CASE("dataset: split and standardisation") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("c.csv", class_file({60, 30, 10})));
  s.val_fraction = 0.2;
  s.standardize = true;
  const TrainingData a = load_training_data(s, 7);
  REQUIRE(a.val);
  CHECK(class_counts(*a.val, 3) == std::vector<int>{12, 6, 2});  // stratified: each class's share
  CHECK(class_counts(a.train, 3) == std::vector<int>{48, 24, 8});
  CHECK(has_note(a, "validation: 20 of 100 rows held out (val_fraction 0.2, stratified by class)"));
  std::set<std::int64_t> lines(a.train.lines.begin(), a.train.lines.end());
  lines.insert(a.val->lines.begin(), a.val->lines.end());
  CHECK(lines.size() == 100);
  CHECK(std::is_sorted(a.train.lines.begin(), a.train.lines.end()));

  SUBCASE("deterministic for a seed, different for another") {
    const TrainingData b = load_training_data(s, 7);
    CHECK(b.val->lines == a.val->lines);
    CHECK(load_training_data(s, 8).val->lines != a.val->lines);
  }
  SUBCASE("standardised with the training split's statistics") {
    // Feature x is the line number, so the raw values are known from `lines`.
    double sum = 0, squares = 0;
    for (const auto line : a.train.lines) sum += static_cast<double>(line);
    const double mean = sum / static_cast<double>(a.train.size());
    for (const auto line : a.train.lines)
      squares += (static_cast<double>(line) - mean) * (static_cast<double>(line) - mean);
    const double stddev = std::sqrt(squares / static_cast<double>(a.train.size()));
    CHECK(a.schema.standardizer.mean(0) == doctest::Approx(mean));
    CHECK(a.schema.standardizer.scale(0) == doctest::Approx(stddev));
    CHECK(a.val->features(0, 0) == doctest::Approx((static_cast<double>(a.val->lines[0]) - mean) / stddev));
    CHECK(a.train.features(0, 0) == doctest::Approx((static_cast<double>(a.train.lines[0]) - mean) / stddev));
  }
  SUBCASE("without standardisation the features are raw") {
    s.standardize = false;
    const TrainingData raw = load_training_data(s, 7);
    CHECK(raw.val->features(0, 0) == static_cast<Scalar>(raw.val->lines[0]));
    CHECK(raw.schema.standardizer.scale.isOnes());
  }
}

TEST_CASE("dataset: every class keeps a training sample") {
  TempDir dir;
  DataSettings s = settings_for(dir.write("c.csv", class_file({20, 1, 2})));
  s.val_fraction = 0.5;
  for (const bool stratify : {true, false}) {
    s.stratify = stratify;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const TrainingData data = load_training_data(s, seed);
      const auto train = class_counts(data.train, 3);
      INFO("stratify " << stratify << " seed " << seed);
      CHECK(std::all_of(train.begin(), train.end(), [](int n) { return n >= 1; }));
      CHECK(data.train.size() + data.val->size() == 23);
    }
  }
  s.stratify = true;
  CHECK(class_counts(*load_training_data(s, 3).val, 3) == std::vector<int>{11, 0, 1});
  // Shares of 11 * 7/21 = 3.67 each: 3 apiece, and the 2 left go to the first classes (equal
  // remainders break ties by class index).
  s.train = dir.write("equal.csv", class_file({7, 7, 7}));
  CHECK(class_counts(*load_training_data(s, 3).val, 3) == std::vector<int>{4, 4, 3});
  s.train = dir.write("two.csv", "x,y\n1,a\n2,b\n");
  CHECK_INPUT_ERROR(load_training_data(s, 1), s.train.string() + ": ", "2 rows are too few for a validation split");
}

TEST_CASE("dataset: regression split size") {
  TempDir dir;
  std::string text = "x,y\n";
  for (int i = 0; i < 50; ++i) text += std::to_string(i) + "," + std::to_string(i * 0.1) + "\n";
  DataSettings s = settings_for(dir.write("r.csv", text));
  s.val_fraction = 0.25;
  const TrainingData data = load_training_data(s, 3);
  CHECK(data.val->size() == 13);  // round(12.5) away from zero
  CHECK(data.train.size() == 37);
  for (Index j = 0; j < data.val->size(); ++j) {
    CHECK(data.val->features(0, j) == static_cast<Scalar>(data.val->lines[static_cast<std::size_t>(j)] - 2));
  }
}

TEST_CASE("Dataset::subset") {
  Dataset d;
  d.features = Matrix(2, 3);
  d.features << 1, 2, 3, 4, 5, 6;
  d.targets = Matrix(1, 3);
  d.targets << 7, 8, 9;
  d.lines = {2, 3, 4};
  const Dataset s = d.subset({2, 0});
  CHECK(row_of(s.features, 1) == std::vector<Scalar>{6, 4});
  CHECK(row_of(s.targets, 0) == std::vector<Scalar>{9, 7});
  CHECK(s.lines == std::vector<std::int64_t>{4, 2});
}
