// A small builder over an ONNX GraphProto (the onnx package's protobuf schema): nodes whose
// outputs get fresh names, constants and weights as initializers. The exporter's other files add
// the model's pieces through it; none of them touches the protobuf API directly.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

namespace mlp::onnx_export {

// The operator domain of the traditional-ML operators (LabelEncoder), and the opset versions the
// exporter writes: ai.onnx 17 (HardSwish needs 14; onnx 1.12, Debian 12's, knows up to 17) and
// ai.onnx.ml 3.
inline constexpr const char* kMlDomain = "ai.onnx.ml";
inline constexpr std::int64_t kOpset = 17;
inline constexpr std::int64_t kMlOpset = 3;

// One node attribute: an integer, a float, or a list of integers, floats or strings.
struct Attribute {
  std::string name;
  std::variant<std::int64_t, float, std::vector<std::int64_t>, std::vector<float>, std::vector<std::string>> value;
};

// An empty model in the exporter's opsets (ai.onnx kOpset, ai.onnx.ml kMlOpset) and IR version,
// produced by mlptrain, with `doc` as its description; its graph is to be filled through Graph.
onnx::ModelProto new_model(const std::string& doc);

class Graph {
 public:
  explicit Graph(onnx::GraphProto& graph) : graph_(graph) {}

  // A name not used before in this graph: `prefix`, or `prefix`_2, _3, ...
  std::string fresh(std::string_view prefix);

  // Adds the node `op` (of `domain`, empty: ai.onnx) over `inputs` and returns the name of its
  // single output, fresh from `prefix` (the op's name in lower case when empty).
  std::string node(std::string_view op, std::vector<std::string> inputs, std::vector<Attribute> attributes = {},
                   std::string_view prefix = {}, std::string_view domain = {});

  // A float scalar (shape []), shared by every use of the same value.
  std::string scalar(float value);
  // A float tensor of shape `dims` holding `values` (row-major; their count the dims' product).
  std::string floats(std::string_view prefix, std::vector<std::int64_t> dims, std::span<const float> values);
  std::string doubles(std::string_view prefix, std::vector<std::int64_t> dims, std::span<const double> values);
  std::string int64s(std::string_view prefix, std::vector<std::int64_t> dims, std::span<const std::int64_t> values);

  // Declares a graph input or output: element type (onnx::TensorProto::FLOAT, STRING, ...) and
  // shape, "N" standing for the batch dimension (any number of rows).
  void input(const std::string& name, int element_type, std::int64_t columns);
  void output(const std::string& name, int element_type, std::int64_t columns);

 private:
  static void check_count(std::string_view prefix, const std::vector<std::int64_t>& dims, std::size_t count);
  onnx::TensorProto& initializer(std::string_view prefix, std::vector<std::int64_t> dims, int element_type);

  onnx::GraphProto& graph_;
  std::unordered_set<std::string> names_;
  std::vector<std::pair<float, std::string>> scalars_;
};

}  // namespace mlp::onnx_export
