#include "mlp/onnx_export.hpp"

#include "export/nodes.hpp"

#include "mlp/error.hpp"
#include "mlp/files.hpp"

#include <onnx/checker.h>

#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>

namespace mlp {
namespace {

static_assert(kOnnxOpset == onnx_export::kOpset);

void add_metadata(onnx::ModelProto& proto, const DataSchema& schema) {
  const auto add = [&](const std::string& key, const nlohmann::json& value) {
    onnx::StringStringEntryProto& entry = *proto.add_metadata_props();
    entry.set_key(key);
    entry.set_value(value.is_string() ? value.get<std::string>() : value.dump());
  };
  nlohmann::json numeric = nlohmann::json::array(), categorical = nlohmann::json::array();
  const bool plain = schema.columns.empty();
  for (std::size_t k = 0; k < schema.feature_names.size(); ++k) {
    const bool is_numeric = plain || schema.columns[k].type == ColumnType::kNumeric;
    (is_numeric ? numeric : categorical).push_back(schema.feature_names[k]);
  }
  add("task", task_name(schema.task));
  add("features", numeric);
  add("categorical", categorical);
  add("na_values", schema.na_values);
  add("targets", schema.target_names);
  if (schema.task == Task::kClassification) add("classes", schema.classes);
}

onnx::ModelProto build(const Model& model) {
  onnx::ModelProto proto = onnx_export::new_model(model.network.describe());
  onnx_export::Graph graph(*proto.mutable_graph());
  const std::string inputs = onnx_export::add_inputs(graph, model.schema);
  const std::string standardised = onnx_export::add_standardisation(graph, model.schema.standardizer, inputs);
  const std::string y = onnx_export::add_layers(graph, model.network, standardised);
  onnx_export::add_outputs(graph, model.schema, model.network.output_size(), y);
  add_metadata(proto, model.schema);
  return proto;
}

}  // namespace

std::string onnx_model(const Model& model) {
  const onnx::ModelProto proto = build(model);
  // One protobuf message holds at most 2 GiB; weights in external files are not written.
  if (proto.ByteSizeLong() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw InputError("the ONNX model would take " + std::to_string(proto.ByteSizeLong() >> 20) +
                     " MiB, over the 2 GiB protobuf holds in one file (weights in external data files are not "
                     "supported)");
  }
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    throw std::logic_error(std::string("onnx export: the ONNX checker refused the graph: ") + e.what());
  }
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) throw std::logic_error("onnx export: the model could not be serialized");
  return bytes;
}

void save_onnx_model(const Model& model, const std::filesystem::path& path) {
  write_file_atomically(path, onnx_model(model));
}

}  // namespace mlp
