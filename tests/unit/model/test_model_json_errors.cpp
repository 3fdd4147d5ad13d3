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
      {"version", [](Json& j) { j["version"] = 3; },
       "version: model format version 3 is not supported by this build (reads versions 1 to 2)"},
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
       "layers[2].type: unknown layer type \"conv\"; valid: linear, activation, dropout"},
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
       "layers[0].in_features: 5 does not match the 4 features"},
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

}  // namespace

TEST_CASE("the unedited sample model loads (so each error below comes from its one edit)") {
  CHECK(load_error(model_to_json(small_model())) == "no error");
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

TEST_CASE("every activation parameter is required and type-checked, whatever its kind") {
  const Json valid = model_to_json(every_layer_model(1));
  for (std::size_t i = 0; i < valid["layers"].size(); ++i) {
    const Json& layer = valid["layers"][i];
    if (layer["type"] != "activation") continue;
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
