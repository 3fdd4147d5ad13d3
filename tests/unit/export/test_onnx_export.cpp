// The ONNX exporter's graph: every activation has a mapping, the inputs, outputs and metadata are
// what docs/model-format.md says, and what has no ONNX form is refused before anything is written.
// Whether the graph computes what mlptrain does is checked in onnxruntime (tests/onnx).
#include "mlp/onnx_export.hpp"

#include "model_samples.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <map>

using namespace mlp;
using namespace mlp::test;

namespace {

onnx::ModelProto parsed(const Model& model) {
  onnx::ModelProto proto;
  REQUIRE(proto.ParseFromString(onnx_model(model)));
  return proto;
}

// "float [N, 2]": a graph input's or output's type and shape.
std::string type_of(const onnx::ValueInfoProto& info) {
  const auto& tensor = info.type().tensor_type();
  std::string text = tensor.elem_type() == onnx::TensorProto::FLOAT ? "float" : "string";
  text += " [" + tensor.shape().dim(0).dim_param() + ", " + std::to_string(tensor.shape().dim(1).dim_value()) + "]";
  return text;
}

std::map<std::string, std::string> signature(const onnx::ModelProto& proto) {
  std::map<std::string, std::string> types;
  for (const auto& input : proto.graph().input()) types["in " + input.name()] = type_of(input);
  for (const auto& output : proto.graph().output()) types["out " + output.name()] = type_of(output);
  return types;
}

std::string metadata(const onnx::ModelProto& proto, const std::string& key) {
  for (const auto& entry : proto.metadata_props()) {
    if (entry.key() == key) return entry.value();
  }
  return "(none)";
}

}  // namespace

TEST_CASE("onnx export: every activation of the table has a mapping, shared and per-unit learned values alike") {
  for (const ActivationSpec& spec : activations()) {
    INFO(spec.name);
    std::vector<LayerSpec> specs = {LayerSpec::linear(kSampleWidth), LayerSpec::activation_of(off_default(spec))};
    if (spec.learnable) {
      Activation per_unit = off_default(spec);
      set_param(spec.param_specs(), {spec.learnable->count_param, kSampleWidth}, per_unit.params, spec.name);
      specs.push_back(LayerSpec::activation_of(per_unit));
    }
    const Model model{classification_schema(), Network::build(4, specs, 3, Initializer::pytorch_default(), 1)};
    // onnx_model runs the ONNX checker: a mapping that builds an invalid graph fails here too.
    CHECK_NOTHROW(onnx_model(model));
  }
}

TEST_CASE("onnx export: numeric features in, probabilities and label out, classes in the metadata") {
  const onnx::ModelProto proto = parsed(small_model());
  CHECK(signature(proto) == std::map<std::string, std::string>{{"in features", "float [N, 4]"},
                                                               {"out probabilities", "float [N, 3]"},
                                                               {"out label", "string [N, 1]"}});
  CHECK(proto.opset_import(0).version() == kOnnxOpset);
  CHECK(metadata(proto, "classes") == R"(["a","b","c"])");
  CHECK(metadata(proto, "features") == R"(["f0","f1","f2","f3"])");
  CHECK(metadata(proto, "task") == "classification");
}

TEST_CASE("onnx export: categorical columns are string inputs named by the column, regression gives predictions") {
  Model model = mixed_model(3);
  CHECK(signature(parsed(model)) == std::map<std::string, std::string>{{"in features", "float [N, 2]"},
                                                                       {"in sex", "string [N, 1]"},
                                                                       {"in port", "string [N, 1]"},
                                                                       {"out probabilities", "float [N, 2]"},
                                                                       {"out label", "string [N, 1]"}});
  CHECK(metadata(parsed(model), "categorical") == R"(["sex","port"])");
  model.schema.task = Task::kRegression;
  model.schema.classes.clear();
  model.schema.target_scaling.mean = Vector::Constant(2, 3.0f);
  model.schema.target_scaling.scale = Vector::Constant(2, 0.5f);
  model.schema.target_names = {"y", "z"};
  CHECK(signature(parsed(model)).at("out predictions") == "float [N, 2]");
  CHECK(metadata(parsed(model), "classes") == "(none)");
}

TEST_CASE("onnx export: a categorical column named like a graph input or output is refused, nothing written") {
  Model model = mixed_model(3);
  model.schema.columns[1].name = model.schema.feature_names[1] = "label";
  TempDir dir;
  const auto path = dir.path() / "model.onnx";
  CHECK_THROWS_WITH_AS(save_onnx_model(model, path),
                       doctest::Contains("categorical column \"label\": the ONNX graph has an input or output of that "
                                         "name"),
                       InputError);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(std::filesystem::is_empty(dir.path()));
}
