#include "export/graph.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <numeric>
#include <stdexcept>

namespace mlp::onnx_export {
namespace {

std::int64_t element_count(const std::vector<std::int64_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), std::int64_t{1}, std::multiplies<>());
}

void set_attribute(onnx::AttributeProto& proto, const Attribute& attribute) {
  proto.set_name(attribute.name);
  if (const auto* i = std::get_if<std::int64_t>(&attribute.value)) {
    proto.set_type(onnx::AttributeProto::INT);
    proto.set_i(*i);
  } else if (const auto* f = std::get_if<float>(&attribute.value)) {
    proto.set_type(onnx::AttributeProto::FLOAT);
    proto.set_f(*f);
  } else if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&attribute.value)) {
    proto.set_type(onnx::AttributeProto::INTS);
    for (const std::int64_t value : *ints) proto.add_ints(value);
  } else if (const auto* fs = std::get_if<std::vector<float>>(&attribute.value)) {
    proto.set_type(onnx::AttributeProto::FLOATS);
    for (const float value : *fs) proto.add_floats(value);
  } else {
    proto.set_type(onnx::AttributeProto::STRINGS);
    for (const std::string& value : std::get<std::vector<std::string>>(attribute.value)) proto.add_strings(value);
  }
}

void set_type(onnx::ValueInfoProto& info, int element_type, std::int64_t columns) {
  onnx::TypeProto::Tensor& tensor = *info.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(element_type);
  tensor.mutable_shape()->add_dim()->set_dim_param("N");
  tensor.mutable_shape()->add_dim()->set_dim_value(columns);
}

}  // namespace

onnx::ModelProto new_model(const std::string& doc) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("mlptrain");
  proto.set_producer_version(MLP_VERSION);
  proto.set_doc_string(doc);
  onnx::OperatorSetIdProto& opset = *proto.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOpset);
  onnx::OperatorSetIdProto& ml = *proto.add_opset_import();
  ml.set_domain(kMlDomain);
  ml.set_version(kMlOpset);
  proto.mutable_graph()->set_name("mlptrain");
  return proto;
}

std::string Graph::fresh(std::string_view prefix) {
  std::string name(prefix);
  for (int k = 2; names_.contains(name); ++k) name = std::string(prefix) + "_" + std::to_string(k);
  names_.insert(name);
  return name;
}

std::string Graph::node(std::string_view op, std::vector<std::string> inputs, std::vector<Attribute> attributes,
                        std::string_view prefix, std::string_view domain) {
  std::string lower(op);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string output = fresh(prefix.empty() ? std::string_view(lower) : prefix);
  onnx::NodeProto& node = *graph_.add_node();
  node.set_op_type(std::string(op));
  if (!domain.empty()) node.set_domain(std::string(domain));
  node.set_name(output);
  for (std::string& input : inputs) node.add_input(std::move(input));
  node.add_output(output);
  for (const Attribute& attribute : attributes) set_attribute(*node.add_attribute(), attribute);
  return output;
}

onnx::TensorProto& Graph::initializer(std::string_view prefix, std::vector<std::int64_t> dims, int element_type) {
  onnx::TensorProto& tensor = *graph_.add_initializer();
  tensor.set_name(fresh(prefix));
  tensor.set_data_type(element_type);
  for (const std::int64_t dim : dims) tensor.add_dims(dim);
  return tensor;
}

std::string Graph::scalar(float value) {
  // Compared bit for bit, so that 0 and -0 stay apart.
  const auto same = [value](const auto& entry) { return std::memcmp(&entry.first, &value, sizeof value) == 0; };
  if (const auto it = std::ranges::find_if(scalars_, same); it != scalars_.end()) return it->second;
  onnx::TensorProto& tensor = initializer("const", {}, onnx::TensorProto::FLOAT);
  tensor.add_float_data(value);
  scalars_.emplace_back(value, tensor.name());
  return tensor.name();
}

void Graph::check_count(std::string_view prefix, const std::vector<std::int64_t>& dims, std::size_t count) {
  if (element_count(dims) != static_cast<std::int64_t>(count)) {
    throw std::logic_error("onnx export: " + std::string(prefix) + ": the values do not fill the shape");
  }
}

std::string Graph::floats(std::string_view prefix, std::vector<std::int64_t> dims, std::span<const float> values) {
  check_count(prefix, dims, values.size());
  onnx::TensorProto& tensor = initializer(prefix, std::move(dims), onnx::TensorProto::FLOAT);
  for (const float value : values) tensor.add_float_data(value);
  return tensor.name();
}

std::string Graph::doubles(std::string_view prefix, std::vector<std::int64_t> dims, std::span<const double> values) {
  check_count(prefix, dims, values.size());
  onnx::TensorProto& tensor = initializer(prefix, std::move(dims), onnx::TensorProto::DOUBLE);
  for (const double value : values) tensor.add_double_data(value);
  return tensor.name();
}

std::string Graph::int64s(std::string_view prefix, std::vector<std::int64_t> dims,
                          std::span<const std::int64_t> values) {
  check_count(prefix, dims, values.size());
  onnx::TensorProto& tensor = initializer(prefix, std::move(dims), onnx::TensorProto::INT64);
  for (const std::int64_t value : values) tensor.add_int64_data(value);
  return tensor.name();
}

void Graph::input(const std::string& name, int element_type, std::int64_t columns) {
  names_.insert(name);
  set_type(*graph_.add_input(), element_type, columns);
  graph_.mutable_input(graph_.input_size() - 1)->set_name(name);
}

void Graph::output(const std::string& name, int element_type, std::int64_t columns) {
  onnx::ValueInfoProto& info = *graph_.add_output();
  info.set_name(name);
  set_type(info, element_type, columns);
}

}  // namespace mlp::onnx_export
