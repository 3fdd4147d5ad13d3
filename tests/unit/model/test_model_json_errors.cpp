// Every check of model_from_json: each case edits the JSON of a valid model and asserts the whole
// message, JSON path included.
#include "mlp/error.hpp"
#include "mlp/model_file.hpp"

#include "model_samples.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace mlp;
using namespace mlp::test;
using Json = nlohmann::ordered_json;

namespace {

std::string load_error(const Json& json) {
  try {
    model_from_json(json, "m.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

struct ErrorCase {
  const char* what;
  std::function<void(Json&)> edit;
  std::string message;
};

// small_model(): layers[0] linear 4 -> 3, [1] prelu with 3 slopes, [2] dropout, [3] linear 3 -> 3.
// (A function, not a global table: activations().names() must not run during static initialisation.)
std::vector<ErrorCase> error_cases() {
  return {
      {"not an object", [](Json& j) { j = Json::array(); }, "expected a JSON object, got array"},
      {"format", [](Json& j) { j["format"] = "other"; },
       "format: expected \"mlptrain-model\", got \"other\": not an mlptrain model file"},
      {"no format", [](Json& j) { j.erase("format"); }, "format: missing"},
      {"version", [](Json& j) { j["version"] = 4; },
       "version: model format version 4 is not supported by this build (reads versions 1 to 3)"},
      {"version 0", [](Json& j) { j["version"] = 0; },
       "version: model format version 0 is not supported by this build (reads versions 1 to 3)"},
      {"version 3 without fitted columns", [](Json& j) { j["version"] = 3; }, "features.columns: missing"},
      {"version type", [](Json& j) { j["version"] = "1"; }, "version: expected an integer, got a string"},
      {"unknown key", [](Json& j) { j["created"] = "today"; },
       "created: unknown key; valid: format, version, task, features, targets, classes, layers"},
      {"task", [](Json& j) { j["task"] = "clustering"; },
       "task: unknown task \"clustering\"; valid: classification, regression"},
      // Found by fuzz/fuzz_checkpoint: a line break from the file stays escaped, every message is one line.
      {"task with a line break", [](Json& j) { j["task"] = "a\nb\r"; },
       "task: unknown task \"a\\nb\\r\"; valid: classification, regression"},
      {"key with a line break", [](Json& j) { j["a\nb"] = 1; },
       "a\\nb: unknown key; valid: format, version, task, features, targets, classes, layers"},
      {"no features", [](Json& j) { j.erase("features"); }, "features: missing"},
      {"feature names", [](Json& j) { j["features"]["names"][2] = "f0"; }, "features.names[2]: duplicate name \"f0\""},
      {"mean size", [](Json& j) { j["features"]["mean"].push_back(1.0); },
       "features.mean: expected 4 values (one per feature), got 5"},
      {"scale", [](Json& j) { j["features"]["scale"][1] = 0; }, "features.scale[1]: must be > 0 (it divides)"},
      {"targets", [](Json& j) { j["targets"]["names"].push_back("other"); },
       "targets.names: a classification model has one target"},
      {"target scaling of a classification model", [](Json& j) { j["targets"]["mean"] = Json::array({0.0}); },
       "targets.mean: unknown key; valid: names"},
      {"regression classes",
       [](Json& j) {
         j["task"] = "regression";
         j["targets"]["mean"] = Json::array({0.0});
         j["targets"]["scale"] = Json::array({1.0});
       },
       "classes: a regression model has no classes"},
      {"regression without target scaling", [](Json& j) { j["task"] = "regression"; }, "targets.mean: missing"},
      {"target scale of 0",
       [](Json& j) {
         j["task"] = "regression";
         j["targets"]["mean"] = Json::array({0.0});
         j["targets"]["scale"] = Json::array({0.0});
       },
       "targets.scale[0]: must be > 0 (it divides)"},
      {"classes vs outputs", [](Json& j) { j["classes"].push_back("d"); },
       "layers[3]: gives 3 outputs, but 4 classes need 4"},
      {"no layers", [](Json& j) { j["layers"] = Json::array(); }, "layers: expected at least one layer"},
      {"layer type", [](Json& j) { j["layers"][2]["type"] = "conv"; },
       "layers[2].type: unknown layer type \"conv\"; valid: linear, activation, dropout, embedding"},
      {"embedding parts short of the inputs",
       [](Json& j) {
         j["layers"].insert(j["layers"].begin(), Json::parse(R"({"type": "embedding", "in_features": 4,
             "out_features": 4, "parts": [{"inputs": 3, "dim": 0}]})"));
       },
       "layers[0].parts: the parts cover 3 inputs, in_features is 4"},
      {"embedding weight rows",
       [](Json& j) {
         j["layers"].insert(j["layers"].begin(), Json::parse(R"({"type": "embedding", "in_features": 4,
             "out_features": 4, "parts": [{"inputs": 1, "dim": 0}, {"inputs": 3, "dim": 3,
             "weight": [[1, 2, 3], [4, 5, 6]]}]})"));
       },
       "layers[0].parts[1].weight: expected 3 rows (one per input), got 2"},
      {"embedding after the first layer",
       [](Json& j) {
         j["layers"][2] = Json::parse(R"({"type": "embedding", "in_features": 3, "out_features": 3,
             "parts": [{"inputs": 3, "dim": 0}]})");
       },
       "layers[2].type: an embedding layer can only be the first layer"},
      {"layer key", [](Json& j) { j["layers"][0]["bias_grad"] = Json::array(); },
       "layers[0].bias_grad: unknown key; valid: type, in_features, out_features, weight, bias"},
      {"missing bias", [](Json& j) { j["layers"][0].erase("bias"); }, "layers[0].bias: missing"},
      {"weight rows", [](Json& j) { j["layers"][0]["weight"].erase(1); },
       "layers[0].weight: expected 3 rows (out_features), got 2"},
      {"weight row", [](Json& j) { j["layers"][0]["weight"][1].erase(0); },
       "layers[0].weight[1]: expected 4 values (in_features), got 3"},
      {"bias size", [](Json& j) { j["layers"][3]["bias"].erase(0); },
       "layers[3].bias: expected 3 values (out_features), got 2"},
      {"input size", [](Json& j) { j["layers"][0]["in_features"] = 5; },
       "layers[0].in_features: 5 does not match the 4 inputs"},
      {"consecutive sizes", [](Json& j) { j["layers"][2]["units"] = 4; },
       "layers[2].units: 4 does not match the 3 outputs of layers[1]"},
      {"size type", [](Json& j) { j["layers"][0]["out_features"] = 2.5; },
       "layers[0].out_features: expected an integer, got 2.5"},
      {"size range", [](Json& j) { j["layers"][0]["out_features"] = 0; },
       "layers[0].out_features: must be >= 1, got 0"},
      {"not a number", [](Json& j) { j["layers"][0]["weight"][0][1] = "0.5"; },
       "layers[0].weight[0][1]: expected a number, got a string"},
      {"null (how JSON writers spell NaN)", [](Json& j) { j["layers"][3]["bias"][2] = nullptr; },
       "layers[3].bias[2]: expected a number, got null"},
      {"beyond float32", [](Json& j) { j["layers"][0]["weight"][2][3] = 1e39; },
       "layers[0].weight[2][3]: must be a finite float32 number, got 1e+39"},
      {"infinite", [](Json& j) { j["features"]["mean"][0] = INFINITY; },
       "features.mean[0]: must be a finite number, got inf"},
      {"activation name", [](Json& j) { j["layers"][1]["name"] = "swishy"; },
       "layers[1].name: unknown activation \"swishy\"; valid: " + activations().names()},
      {"learned values", [](Json& j) { j["layers"][1]["weight"].erase(0); },
       "layers[1].weight: expected 3 values (num_parameters), got 2"},
      {"learned count", [](Json& j) { j["layers"][1]["params"]["num_parameters"] = 2; },
       "layers[1].params.num_parameters: prelu: num_parameters must be 1 or the layer's units (3), got 2"},
      {"param range", [](Json& j) { j["layers"][1]["params"]["num_parameters"] = 0; },
       "layers[1].params.num_parameters: must be >= 1, got 0"},
      {"param key", [](Json& j) { j["layers"][1]["params"]["alpha"] = 1; },
       "layers[1].params.alpha: unknown key; valid: num_parameters, init"},
      {"torch type", [](Json& j) { j["layers"][1]["torch"] = 1; }, "layers[1].torch: expected a string, got a number"},
      {"dropout p", [](Json& j) { j["layers"][2]["p"] = 1; }, "layers[2].p: must be in [0, 1), got 1"},
  };
}

// mixed_model(): features age (numeric, indicator), sex (levels female, male), port (levels C, Q,
// S, missing and other inputs), fare (numeric); 10 inputs; layers[0] linear 10 -> 6.
std::vector<ErrorCase> column_error_cases() {
  const auto column = [](Json& j, std::size_t i) -> Json& { return j["features"]["columns"][i]; };
  return {
      {"columns in a version 2 file", [](Json& j) { j["version"] = 2; },
       "features.columns: unknown key; valid: names, mean, scale"},
      {"no inputs", [](Json& j) { j["features"].erase("inputs"); }, "features.inputs: missing"},
      {"a column short", [](Json& j) { j["features"]["columns"].erase(3); },
       "features.columns: expected 4 columns (one per feature name), got 3"},
      {"columns not a list", [](Json& j) { j["features"]["columns"] = Json::object(); },
       "features.columns: expected an array, got an object"},
      {"column name", [=](Json& j) { column(j, 1)["name"] = "port"; },
       "features.columns[1].name: expected \"sex\" (as features.names), got \"port\""},
      {"column type", [=](Json& j) { column(j, 1)["type"] = "text"; },
       "features.columns[1].type: unknown column type \"text\"; valid: numeric, categorical"},
      {"no column type", [=](Json& j) { column(j, 0).erase("type"); }, "features.columns[0].type: missing"},
      {"a categorical key on a numeric column", [=](Json& j) { column(j, 0)["levels"] = Json::array(); },
       "features.columns[0].levels: unknown key; valid: name, type, fill, indicator"},
      {"a numeric key on a categorical column", [=](Json& j) { column(j, 1)["fill"] = 0.0; },
       "features.columns[1].fill: unknown key; valid: name, type, levels, missing_level, other_level"},
      {"no fill", [=](Json& j) { column(j, 3).erase("fill"); }, "features.columns[3].fill: missing"},
      {"fill null", [=](Json& j) { column(j, 0)["fill"] = nullptr; },
       "features.columns[0].fill: expected a number, got null"},
      {"fill beyond float32", [=](Json& j) { column(j, 0)["fill"] = 1e39; },
       "features.columns[0].fill: must be a finite float32 number, got 1e+39"},
      {"indicator", [=](Json& j) { column(j, 0)["indicator"] = 1; },
       "features.columns[0].indicator: expected a boolean, got a number"},
      {"missing_level", [=](Json& j) { column(j, 2).erase("missing_level"); },
       "features.columns[2].missing_level: missing"},
      {"levels not sorted",
       [=](Json& j) {
         column(j, 1)["levels"] = {"male", "female"};
       },
       "features.columns[1].levels[1]: levels must be sorted in byte order: \"female\" comes before \"male\""},
      // Byte order: capitals before lower case, as std::sort and Python's sorted() put them.
      {"levels in another order",
       [=](Json& j) {
         column(j, 2)["levels"] = {"C", "Q", "s"};
       },
       "features.inputs[6]: expected \"port=s\" (from features.columns), got \"port=S\""},
      {"duplicate level",
       [=](Json& j) {
         column(j, 1)["levels"] = {"female", "female"};
       },
       "features.columns[1].levels[1]: duplicate level \"female\""},
      {"empty level",
       [=](Json& j) {
         column(j, 1)["levels"] = {"", "male"};
       },
       "features.columns[1].levels[0]: a level cannot be empty (an empty cell is the missing level)"},
      {"level not a string", [=](Json& j) { column(j, 1)["levels"][0] = 1; },
       "features.columns[1].levels[0]: expected a string, got a number"},
      {"a column without inputs", [=](Json& j) { column(j, 1)["levels"] = Json::array(); },
       "features.columns[1]: a categorical column needs at least one input: a level, missing_level or "
       "other_level"},
      {"inputs that misname one", [](Json& j) { j["features"]["inputs"][3] = "sex=Male"; },
       "features.inputs[3]: expected \"sex=male\" (from features.columns), got \"sex=Male\""},
      {"an input too many", [](Json& j) { j["features"]["inputs"].push_back("x"); },
       "features.inputs: expected 10 input names (the inputs of features.columns), got 11"},
      {"a standardisation entry too many", [](Json& j) { j["features"]["mean"].push_back(0.0); },
       "features.mean: expected 10 values (one per input), got 11"},
      // A level more is an input more: the widths of the columns must add up to the standardisation.
      {"a level more",
       [=](Json& j) {
         column(j, 1)["levels"].push_back("other");
         j["features"]["inputs"].insert(j["features"]["inputs"].begin() + 4, "sex=other");
       },
       "features.mean: expected 11 values (one per input), got 10"},
      {"an indicator less",
       [=](Json& j) {
         column(j, 0)["indicator"] = false;
         j["features"]["inputs"].erase(1);
         j["features"]["mean"].erase(1);
         j["features"]["scale"].erase(1);
       },
       "layers[0].in_features: 10 does not match the 9 inputs"},
  };
}

}  // namespace

TEST_CASE("the unedited sample models load (so each error below comes from its one edit)") {
  CHECK(load_error(model_to_json(small_model())) == "no error");
  CHECK(load_error(model_to_json(mixed_model(1))) == "no error");
}

TEST_CASE("each malformed model file fails with its JSON path and what is wrong") {
  const Json valid = model_to_json(small_model());
  for (const ErrorCase& c : error_cases()) {
    CAPTURE(c.what);
    Json json = valid;
    c.edit(json);
    CHECK(load_error(json) == "m.json: " + c.message);
  }
}

TEST_CASE("each malformed feature column of a version 3 file fails with its JSON path and what is wrong") {
  const Json valid = model_to_json(mixed_model(1));
  for (const ErrorCase& c : column_error_cases()) {
    CAPTURE(c.what);
    Json json = valid;
    c.edit(json);
    CHECK(load_error(json) == "m.json: " + c.message);
  }
}

TEST_CASE("every activation parameter is required and type-checked, whatever its kind") {
  const Json valid = model_to_json(every_layer_model(1));
  for (std::size_t i = 0; i < valid["layers"].size(); ++i) {
    const Json& layer = valid["layers"][i];
    if (layer["type"] != "activation" || layer.contains("formula")) continue;
    const ActivationSpec* spec = activations().find(layer["name"].get<std::string>());
    REQUIRE(spec != nullptr);
    for (const ParamSpec& param : spec->param_specs()) {
      const std::string path = "m.json: layers[" + std::to_string(i) + "].params." + std::string(param.name);
      CAPTURE(path);
      Json json = valid;
      json["layers"][i]["params"].erase(std::string(param.name));
      CHECK(load_error(json) == path + ": missing");
      json["layers"][i]["params"][std::string(param.name)] = Json::object();
      const char* expected = param.kind == ParamKind::kNumber    ? "a number"
                             : param.kind == ParamKind::kInteger ? "an integer"
                             : param.kind == ParamKind::kBoolean ? "a boolean"
                             : param.kind == ParamKind::kChoice  ? "a string"
                                                                 : "an array";
      CHECK(load_error(json) == path + ": expected " + expected + ", got an object");
    }
  }
}

TEST_CASE("an activation alias loads, and is written back under the table's name") {
  for (const ActivationSpec& spec : activations()) {
    const LayerSpec specs[] = {LayerSpec::linear(3), LayerSpec::activation_of(off_default(spec))};
    const Model model{classification_schema(), Network::build(4, specs, 3, Initializer::pytorch_default(), 1)};
    for (const std::string_view alias : spec.aliases) {
      CAPTURE(alias);
      Json json = model_to_json(model);
      json["layers"][1]["name"] = alias;
      CHECK(model_to_json(model_from_json(json, "m.json")) == model_to_json(model));
    }
  }
}

TEST_CASE("a model file that breaks a rule between activation parameters fails at the parameter the rule names") {
  // Each of min_val and max_val is in its range; hardtanh's table entry requires min_val < max_val.
  const LayerSpec specs[] = {LayerSpec::linear(3), LayerSpec::activation_of(Activation::with_defaults("hardtanh"))};
  const Model model{classification_schema(), Network::build(4, specs, 3, Initializer::pytorch_default(), 1)};
  Json json = model_to_json(model);
  json["layers"][1]["params"]["min_val"] = 2;
  CHECK(load_error(json) == "m.json: layers[1].params.max_val: must be > min_val (2), got 1.0");
  json["layers"][1]["params"]["max_val"] = 2;
  CHECK(load_error(json) == "m.json: layers[1].params.max_val: must be > min_val (2), got 2");
  json["layers"][1]["params"]["max_val"] = 2.5;
  CHECK(load_error(json) == "no error");
}

TEST_CASE("a formula activation in a model file is parsed and checked again, its learned values by name") {
  const Json valid = model_to_json(every_layer_model(1));
  std::size_t at = 0;
  for (std::size_t i = 0; i < valid["layers"].size(); ++i) {
    if (valid["layers"][i].contains("formula") && valid["layers"][i]["per_unit"] == true) at = i;
  }
  REQUIRE(at > 0);
  const std::string path = "m.json: layers[" + std::to_string(at) + "]";
  Json json = valid;
  json["layers"][at]["formula"] = "x * sigmod(x)";
  CHECK(load_error(json).starts_with(path + ".formula: col 5: unknown function \"sigmod\""));
  json = valid;
  json["layers"][at]["params"]["beta"] = "one";
  CHECK(load_error(json) == path + ".params.beta: expected a number, got a string");
  json = valid;
  json["layers"][at]["params"].erase("gamma");
  CHECK(load_error(json).starts_with(path + ".formula: col "));  // gamma is now unknown in the text
  json = valid;
  json["layers"][at]["learned"]["beta"].erase(0);
  CHECK(load_error(json) == path + ".learned.beta: expected 5 values (units), got 4");
  json = valid;
  json["layers"][at]["learned"].erase("alpha");
  CHECK(load_error(json) == path + ".learned.alpha: missing");
  json = valid;
  json["layers"][at]["torch"] = "x";
  CHECK(load_error(json).starts_with(path + ".torch: unknown key"));
}
