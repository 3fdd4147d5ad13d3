// Fuzzes the CSV reader and dataset loading through the public API: load_training_data and
// load_model_input on the input as a file. The input's last three bytes choose the options
// (delimiter, missing-value policy, task, columns, split, which loader); the rest is the CSV text,
// so a plain CSV file is a good seed.
//
// Beyond "only InputError escapes", each loaded data set is checked for its promises: shapes
// agree, features are finite after standardisation, class indices are in range; and the training
// file read back through the schema it produced (as evaluate does) gives the same samples.
#include "fuzz_support.hpp"

#include "mlp/dataset.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>

namespace {

using namespace mlp;
using mlp::fuzz::expect;

struct Case {
  DataSettings settings;
  bool model_input = false;  // load_model_input with a fixed schema instead of training
  bool with_targets = false;
  bool with_id = false;
  Task schema_task = Task::kClassification;
  bool fitted_columns = false;  // the fixed schema has fitted columns (model format 3)
};

Case decode(FuzzedDataProvider& input, const std::filesystem::path& file) {
  constexpr char kDelimiters[] = {',', ';', '\t', '|', ' ', ',', ',', ','};
  constexpr double kFractions[] = {0, 0.2, 0.5, 0.9, 0.01, 0.34, 0.2, 0.2};
  const auto a = input.ConsumeIntegral<std::uint8_t>();
  const auto b = input.ConsumeIntegral<std::uint8_t>();
  const auto c = input.ConsumeIntegral<std::uint8_t>();
  Case out;
  DataSettings& s = out.settings;
  s.train = file;
  s.csv.delimiter = kDelimiters[a & 7];
  s.csv.missing = (a & 8) ? MissingPolicy::kDrop : (c & 0x20) ? MissingPolicy::kImpute : MissingPolicy::kError;
  if (c & 0x40) s.categorical = {"b"};
  if (c & 0x80) s.min_frequency = 2;
  if ((a & 0x30) == 0x10) s.task = Task::kClassification;
  if ((a & 0x30) == 0x20) s.task = Task::kRegression;
  s.standardize = (a & 0x40) == 0;
  s.stratify = (a & 0x80) == 0;
  // Markers, a number among them (the bit is shared: every byte's bits are taken).
  if (a & 0x80) s.na_values = {"NA", "?", "-1"};
  s.val_fraction = kFractions[b & 7];
  if (b & 0x08) s.targets = (b & 0x10) ? std::vector<std::string>{"y", "z"} : std::vector<std::string>{"y"};
  if (b & 0x20) s.features = {"a", "b"};
  if (b & 0x40) s.exclude = {"id"};
  if (b & 0x80) {
    s.val = file;
    s.val_fraction = 0;
  }
  if (c & 0x01) s.test = file;
  out.model_input = (c & 0x02) != 0;
  out.with_targets = (c & 0x04) != 0;
  out.with_id = (c & 0x08) != 0;
  out.schema_task = (c & 0x10) ? Task::kRegression : Task::kClassification;
  out.fitted_columns = (c & 0x40) != 0;
  return out;
}

// The shapes and values a loaded data set promises (see dataset.hpp).
void check_dataset(const Dataset& data, const DataSchema& schema, bool with_targets) {
  const auto n = data.size();
  expect(data.features.rows() == schema.input_width(), "one feature row per network input");
  expect(static_cast<Index>(data.lines.size()) == n, "one line per sample");
  expect(data.features.allFinite(), "a feature value is not finite after standardisation");
  if (!with_targets) return;
  expect(data.targets.cols() == n, "one target column per sample");
  if (schema.task == Task::kRegression) {
    expect(data.targets.rows() == static_cast<Index>(schema.target_names.size()), "regression target rows");
    expect(data.targets.allFinite(), "a regression target is not finite");
    return;
  }
  expect(data.targets.rows() == 1, "classification has one target row");
  for (Index i = 0; i < n; ++i) {
    const Scalar k = data.targets(0, i);
    expect(k >= 0 && k < static_cast<Scalar>(schema.classes.size()) && k == std::floor(k), "class index out of range");
  }
}

void check_schema(const DataSchema& schema) {
  const Index d = schema.input_width();
  expect(!schema.feature_names.empty() && d >= 1, "no features");
  expect(schema.columns.size() == schema.feature_names.size(), "one fitted column per feature");
  expect(schema.standardizer.mean.size() == d && schema.standardizer.scale.size() == d, "standardizer size");
  expect(schema.standardizer.mean.allFinite() && schema.standardizer.scale.allFinite(), "standardizer not finite");
  expect((schema.standardizer.scale.array() > 0).all(), "standardizer scale not positive");
  if (schema.task == Task::kClassification) {
    expect(schema.target_names.size() == 1, "classification has one target");
    expect(schema.classes.size() >= 2, "classification needs two classes");
  } else {
    expect(schema.classes.empty(), "regression has no classes");
  }
}

// Training, then the same file read back through the schema: evaluate on the training file must
// see every training (and validation) sample, and without a split the very same values.
void train(const Case& c) {
  const TrainingData data = load_training_data(c.settings, 7);
  check_schema(data.schema);
  check_dataset(data.train, data.schema, true);
  expect(data.train.size() >= 1, "empty training set");
  if (data.val) check_dataset(*data.val, data.schema, true);
  if (data.test) check_dataset(*data.test, data.schema, true);

  ModelInput again;
  try {
    again = load_model_input(c.settings.train, data.schema, true, c.settings.csv);
  } catch (const InputError& error) {
    mlp::fuzz::fail("the training file does not load through its own schema: " + std::string(error.what()));
  }
  check_dataset(again.data, data.schema, true);
  const bool split = !c.settings.val && c.settings.val_fraction > 0;
  expect(again.data.size() == data.train.size() + (split ? data.val->size() : 0),
         "the training file read through its schema has a different number of samples");
  if (!split) {
    expect(again.data.features == data.train.features, "features differ when read through the schema");
    // Regression targets are trained on standardised (data.standardize_target); a file read
    // for a model keeps the data's units.
    Matrix targets = again.data.targets;
    if (data.schema.task == Task::kRegression && data.schema.target_scaling.mean.size() > 0) {
      data.schema.target_scaling.apply(view(targets));
    }
    expect(targets == data.train.targets, "targets differ when read through the schema");
    expect(again.data.lines == data.train.lines, "lines differ when read through the schema");
  }
}

// A model's schema: plain numeric columns (format 2), or fitted ones (format 3: a numeric "a"
// with a fill value and a missing indicator, a categorical "b" with two levels and "other").
DataSchema fixed_schema(Task task, bool fitted_columns) {
  DataSchema schema;
  schema.task = task;
  schema.feature_names = {"a", "b"};
  schema.target_names = {"y"};
  if (task == Task::kClassification) schema.classes = {"0", "1", "x"};
  if (fitted_columns) {
    schema.columns = {{.name = "a", .type = ColumnType::kNumeric, .fill = 0.5, .indicator = true},
                      {.name = "b", .type = ColumnType::kCategorical, .levels = {"0", "x"}, .other_level = true}};
    schema.standardizer.mean = (Vector(5) << 0.5f, 0, 0, 0, 0).finished();
    schema.standardizer.scale = (Vector(5) << 2.0f, 1, 1, 1, 1).finished();
    return schema;
  }
  schema.standardizer.mean = (Vector(2) << 0.5f, -1.0f).finished();
  schema.standardizer.scale = (Vector(2) << 2.0f, 0.25f).finished();
  return schema;
}

void model_input(const Case& c) {
  const DataSchema schema = fixed_schema(c.schema_task, c.fitted_columns);
  const std::optional<std::string> id = c.with_id ? std::optional<std::string>("id") : std::nullopt;
  const ModelInput input = load_model_input(c.settings.train, schema, c.with_targets, c.settings.csv, id);
  check_dataset(input.data, schema, c.with_targets);
  expect(input.data.size() >= 1, "no samples");
  expect(input.ids.size() == (c.with_id ? static_cast<std::size_t>(input.data.size()) : 0), "one id per sample");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static mlp::fuzz::MemoryFile file("fuzz.csv");
  FuzzedDataProvider input(data, size);
  const Case c = decode(input, file.path());
  file.write(input.ConsumeRemainingBytesAsString());
  try {
    if (c.model_input) {
      model_input(c);
    } else {
      train(c);
    }
  } catch (const InputError& error) {
    mlp::fuzz::check_message(error);
  }
  return 0;
}
