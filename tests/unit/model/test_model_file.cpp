#include "mlp/error.hpp"
#include "mlp/layers.hpp"
#include "mlp/model_file.hpp"

#include "model_samples.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace mlp;
using namespace mlp::test;
using Json = nlohmann::ordered_json;

namespace {

Matrix predict(Model& model, const Matrix& x) {
  Matrix y(model.network.output_size(), x.cols());
  model.network.predict(cview(x), view(y));
  return y;
}

std::string load_error(const std::filesystem::path& path) {
  try {
    load_model(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("save then load gives the same network, bit for bit, for every layer type and activation") {
  TempDir dir;
  Model original = every_layer_model(11);
  save_model(original, dir / "model.json");
  Model loaded = load_model(dir / "model.json");

  REQUIRE(loaded.network.layer_count() == original.network.layer_count());
  int shared = 0;
  int per_unit = 0;
  for (std::size_t i = 0; i < original.network.layer_count(); ++i) {
    CAPTURE(i);
    CHECK(loaded.network.layer(i).type() == original.network.layer(i).type());
    if (const auto* a = dynamic_cast<const ActivationLayer*>(&original.network.layer(i))) {
      const auto* b = dynamic_cast<const ActivationLayer*>(&loaded.network.layer(i));
      REQUIRE(b != nullptr);
      CHECK(b->activation().same_as(a->activation()));
      CHECK(b->activation().name() == a->activation().name());
      shared += a->learned().size() == 1;
      per_unit += a->learned().size() == kSampleWidth;
    }
    if (const auto* a = dynamic_cast<const DropoutLayer*>(&original.network.layer(i))) {
      CHECK(dynamic_cast<const DropoutLayer&>(loaded.network.layer(i)).p() == a->p());
    }
  }
  const auto learnable =
      std::ranges::count_if(activations(), [](const auto& spec) { return spec.learnable.has_value(); });
  CHECK(shared == learnable);
  CHECK(per_unit == learnable);

  const auto a = original.network.parameters();
  const auto b = loaded.network.parameters();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(b[i].name == a[i].name);
    REQUIRE(b[i].value.size() == a[i].value.size());
    CHECK(same_bits(b[i].value.data(), a[i].value.data(), a[i].value.size()));
  }

  const DataSchema& s = loaded.schema;
  CHECK(s.task == Task::kClassification);
  CHECK(s.feature_names == original.schema.feature_names);
  CHECK(s.target_names == original.schema.target_names);
  CHECK(s.classes == original.schema.classes);
  CHECK(s.standardizer.mean == original.schema.standardizer.mean);
  CHECK(s.standardizer.scale == original.schema.standardizer.scale);

  const Matrix x = random_inputs(4, 300, 5);
  const Matrix expected = predict(original, x);
  const Matrix got = predict(loaded, x);
  CHECK(same_bits(got.data(), expected.data(), expected.size()));
}

TEST_CASE("the file depends only on the weights: re-saving a loaded model gives the same bytes") {
  TempDir dir;
  const Model original = every_layer_model(3);
  save_model(original, dir / "a.json");
  save_model(load_model(dir / "a.json"), dir / "b.json");
  const std::string text = read_text(dir / "a.json");
  CHECK(read_text(dir / "b.json") == text);
  CHECK(model_text(every_layer_model(3)) == text);
  CHECK(model_text(every_layer_model(4)) != text);
  CHECK(text.back() == '\n');
  CHECK(text.rfind("{\n  \"format\": \"mlptrain-model\",\n  \"version\": 2,\n", 0) == 0);
}

TEST_CASE("fitted feature columns round-trip as format version 3, their inputs named beside the standardisation") {
  TempDir dir;
  Model original = mixed_model(5);
  save_model(original, dir / "model.json");
  const std::string text = read_text(dir / "model.json");
  CHECK(text.rfind("{\n  \"format\": \"mlptrain-model\",\n  \"version\": 3,\n", 0) == 0);
  const Json json = Json::parse(text);
  const Json& features = json["features"];
  CHECK(features["names"] == Json({"age", "sex", "port", "fare"}));
  CHECK(features["columns"][0] == Json({{"name", "age"}, {"type", "numeric"}, {"fill", 28.25}, {"indicator", true}}));
  CHECK(features["columns"][2] == Json({{"name", "port"},
                                        {"type", "categorical"},
                                        {"levels", {"C", "Q", "S"}},
                                        {"missing_level", true},
                                        {"other_level", true}}));
  CHECK(features["inputs"] == Json({"age", "age (missing)", "sex=female", "sex=male", "port=C", "port=Q", "port=S",
                                    "port (missing)", "port (other)", "fare"}));
  CHECK(features["mean"].size() == kMixedInputs);
  CHECK(text.find("\"fill\": 14.4542,") != std::string::npos);  // the double, in its shortest form

  Model loaded = load_model(dir / "model.json");
  const DataSchema& s = loaded.schema;
  REQUIRE(s.columns.size() == original.schema.columns.size());
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    CAPTURE(i);
    const FeatureColumn& a = original.schema.columns[i];
    const FeatureColumn& b = s.columns[i];
    CHECK(b.name == a.name);
    CHECK(b.type == a.type);
    CHECK(b.fill == a.fill);
    CHECK(b.indicator == a.indicator);
    CHECK(b.levels == a.levels);
    CHECK(b.missing_level == a.missing_level);
    CHECK(b.other_level == a.other_level);
  }
  CHECK(s.input_width() == kMixedInputs);
  CHECK(s.standardizer.mean == original.schema.standardizer.mean);
  CHECK(s.standardizer.scale == original.schema.standardizer.scale);
  CHECK(model_text(loaded) == text);

  const Matrix x = random_inputs(kMixedInputs, 50, 8);
  const Matrix expected = predict(original, x);
  const Matrix got = predict(loaded, x);
  CHECK(same_bits(got.data(), expected.data(), expected.size()));
}

TEST_CASE("model files of versions 1 and 2 load without fitted columns and are written back as version 2") {
  Json v2 = model_to_json(small_model());
  REQUIRE(v2["version"] == 2);
  CHECK_FALSE(v2["features"].contains("columns"));
  Json v1 = v2;
  v1["version"] = 1;
  v1["targets"] = v2["targets"]["names"];
  for (const Json& json : {v1, v2}) {
    CAPTURE(json["version"]);
    const Model model = model_from_json(json, "m.json");
    // No columns: each feature is one plain numeric input, and an empty cell stays an error.
    CHECK(model.schema.columns.empty());
    CHECK(model.schema.feature_names == classification_schema().feature_names);
    CHECK(model.schema.input_width() == 4);
    CHECK(model_to_json(model) == v2);
  }
}

TEST_CASE("every finite float32 round-trips exactly, written as its shortest decimal") {
  std::vector<float> values = {0.1f,          -0.0f,       0.0f,    1.0f,       1.0f / 3.0f, -2.5e-7f,
                               FLT_MIN,       -FLT_MIN,    FLT_MAX, -FLT_MAX,   FLT_EPSILON, FLT_TRUE_MIN,
                               -FLT_TRUE_MIN, 16777216.0f, 0.3f,    123456.789f};
  Rng rng(2024);
  while (values.size() < 20000) {
    const auto bits = static_cast<std::uint32_t>(rng.next_u64());
    float x = 0;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x)) values.push_back(x);
  }
  const auto n = static_cast<Index>(values.size());
  auto dense = std::make_unique<DenseLayer>(n, 1);
  for (Index i = 0; i < n; ++i) dense->weight()(0, i) = values[static_cast<std::size_t>(i)];
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::move(dense));
  DataSchema schema;
  schema.task = Task::kRegression;
  for (Index i = 0; i < n; ++i) schema.feature_names.push_back("x" + std::to_string(i));
  schema.target_names = {"y"};
  schema.standardizer.mean = Vector::Zero(n);
  schema.standardizer.scale = Vector::Ones(n);
  const Model model{schema, Network(std::move(layers))};

  const std::string text = model_text(model);
  const Model loaded = model_from_json(Json::parse(text), "memory");
  const auto& got = dynamic_cast<const DenseLayer&>(loaded.network.layer(0)).weight();
  CHECK(same_bits(got.data(), values.data(), n));
  CHECK(std::signbit(got(0, 1)));  // -0.0 keeps its sign

  // At most 16 characters ("-1.17549435e-38", "-1000041611264.0"), where a float widened to
  // double would take up to 17 digits alone ("0.10000000149011612" for 0.1f).
  const std::size_t start = text.find("\"weight\": [\n") + 13;
  const std::size_t open = text.find('[', start);
  const std::string row = text.substr(open + 1, text.find(']', open) - open - 1);
  CHECK(row.rfind("0.1, -0.0, 0.0, 1.0, 0.33333334, ", 0) == 0);
  std::size_t longest = 0;
  std::size_t count = 0;
  for (std::size_t begin = 0, end = 0; begin < row.size(); begin = end + 2, ++count) {
    end = std::min(row.find(", ", begin), row.size());
    longest = std::max(longest, end - begin);
  }
  CHECK(count == values.size());
  CHECK(longest <= 16);
}

TEST_CASE("saving refuses a model holding NaN, naming where") {
  Model model = small_model();
  dynamic_cast<DenseLayer&>(model.network.layer(3)).bias()[1] = std::nanf("");
  TempDir dir;
  CHECK_THROWS_WITH_AS(save_model(model, dir / "m.json"), doctest::Contains("(at layers[3].bias)"), DivergedError);
  CHECK(entries(dir.path()).empty());
}

TEST_CASE("a truncated model file is reported with the line and column where it ends") {
  TempDir dir;
  save_model(small_model(), dir / "model.json");
  const std::string text = read_text(dir / "model.json");
  const std::string half = text.substr(0, text.size() / 2);
  write_text(dir / "half.json", half);
  const auto line = 1 + std::count(half.begin(), half.end(), '\n');
  const auto column = half.size() - half.rfind('\n');
  const std::string message = load_error(dir / "half.json");
  CHECK(message.rfind((dir / "half.json").string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": syntax error while parsing ",
                      0) == 0);
  CHECK(message.find("unexpected end of input") != std::string::npos);
}

TEST_CASE("model files that cannot be read or parsed name the path and the reason") {
  TempDir dir;
  const auto path = dir / "model.json";
  CHECK(load_error(path) == path.string() + ": cannot read the model file: No such file or directory");
  CHECK(load_error(dir.path()) == dir.path().string() + ": is a directory, not a model file");

  write_text(path, "{\n  \"format\": mlptrain\n}\n");
  CHECK(load_error(path) == path.string() +
                                ":2:13: syntax error while parsing value - invalid literal; last read: "
                                "'\"format\": m'");
  write_text(path, "{\"format\": \"mlptrain-model\", \"version\": 1, \"x\": 1e999}");
  CHECK(load_error(path) == path.string() + ":1:49: the number 1e999 is beyond the range of a double");
  write_text(path, "{\"format\": \"\xc3\x28\"}");
  CHECK(load_error(path) == path.string() +
                                ":1:14: syntax error while parsing value - invalid string: ill-formed "
                                "UTF-8 byte; last read: '\"\\xC3('");
  // Strict JSON, as configs: a key given twice (a hand edit) is not silently resolved.
  write_text(path, "{\"format\": \"mlptrain-model\", \"version\": 1, \"version\": 2}");
  CHECK(load_error(path) == path.string() + ": version: duplicate key (only one value can count; remove the other)");
  // A key with a line break (found by fuzz_model): the message stays one line.
  write_text(path, "{\"v\\nt\": 1, \"v\\nt\": 2}");
  CHECK(load_error(path) == path.string() + ": v\\x0At: duplicate key (only one value can count; remove the other)");
  write_text(path, "{\"format\": \"mlptrain-model\", // a note\n}");
  CHECK(load_error(path) ==
        path.string() + ":1:30: comments are not allowed (a model file is plain JSON, so any JSON tool can read it)");

  Json json = model_to_json(small_model());
  json["version"] = 4;
  write_text(path, json.dump());
  CHECK(load_error(path) ==
        path.string() + ": version: model format version 4 is not supported by this build (reads versions 1 to 3)");
}

TEST_CASE("scripts/to_torch.py builds a torch.nn.Sequential that predicts what mlptrain predicts") {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: /usr/bin/python3 cannot import torch");
    return;
  }
  const std::filesystem::path script = std::filesystem::path(MLP_SOURCE_DIR) / "scripts" / "to_torch.py";
  TempDir dir;
  Model model = every_layer_model(21);
  save_model(model, dir / "model.json");

  // Raw feature values in a CSV whose columns are in another order, with one column more: the
  // script must pick the features by name and standardise them itself.
  const Index n = 40;
  const Matrix x = random_inputs(4, n, 9);
  std::ostringstream csv;
  csv.precision(9);
  csv << "f2,extra,f0,f3,f1\n";
  for (Index j = 0; j < n; ++j) csv << x(2, j) << ",7," << x(0, j) << "," << x(3, j) << "," << x(1, j) << "\n";
  write_text(dir / "inputs.csv", csv.str());

  const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + (dir / "model.json").string() +
                              "' --csv '" + (dir / "inputs.csv").string() + "'";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (std::size_t got = 0; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, got);
  REQUIRE(::pclose(pipe) == 0);

  // Standardised here with the schema's mean and scale, as load_model_input would.
  const Standardizer& st = model.schema.standardizer;
  const Matrix standardized = ((x.colwise() - st.mean).array().colwise() / st.scale.array()).matrix();
  const Matrix expected = predict(model, standardized);

  std::istringstream lines(output);
  std::string line;
  std::getline(lines, line);
  CHECK(line == "a,b,c");
  Index rows = 0;
  double largest_difference = 0;
  for (; std::getline(lines, line); ++rows) {
    REQUIRE(rows < n);
    std::istringstream fields(line);
    Index k = 0;
    for (std::string field; std::getline(fields, field, ','); ++k) {
      REQUIRE(k < expected.rows());
      largest_difference = std::max(largest_difference, std::abs(std::stod(field) - double(expected(k, rows))));
    }
    CHECK(k == expected.rows());
  }
  CHECK(rows == n);
  CHECK(largest_difference <= 1e-5);
}
