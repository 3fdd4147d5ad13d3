// Writes the test cases of the ONNX mapping of formula activations (export/formula.cpp): for
// each formula, a one-activation ONNX model (input "x" [N, units], output "y") and what
// formula::Kernel<double> computes on a grid of x, as a manifest run_cases.js runs with
// onnxruntime. Between them the formulas use every formula::Op; the test fails when one is not.
//
//   onnx_formula_cases OUTDIR   writes OUTDIR/<case>.onnx and OUTDIR/formula_cases.json
#include "export/nodes.hpp"

#include "mlp/formula.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

using mlp::formula::Formula;
using mlp::formula::Op;
using mlp::formula::Param;

constexpr mlp::Index kUnits = 3;

struct Case {
  std::string name;
  std::string text;
  std::vector<Param> params;
  std::vector<bool> per_unit;  // per parameter: one value per unit (learned), else shared
};

// Parameter k's values: its own, varied per unit when per_unit.
std::vector<double> values_of(const Case& c, std::size_t k) {
  if (!c.per_unit[k]) return {c.params[k].value};
  std::vector<double> values;
  for (mlp::Index u = 0; u < kUnits; ++u) values.push_back(c.params[k].value * (1 + 0.5 * static_cast<double>(u)));
  return values;
}

// x on [-4, 4] (float values, so that float and double see the same inputs), and exactly 0, ±1.
std::vector<double> grid() {
  std::vector<double> x;
  for (int i = 0; i <= 160; ++i) x.push_back(static_cast<float>(-4 + 0.05 * i));
  return x;
}

nlohmann::json write_case(const Case& c, const std::filesystem::path& dir, std::set<Op>& ops) {
  const Formula formula = Formula::parse(c.text, c.params);
  for (mlp::formula::NodeId id = 0; id <= formula.value(); ++id) ops.insert(formula.graph()[id].op);
  std::vector<std::vector<float>> param_values;
  std::vector<std::vector<double>> bound;
  std::vector<mlp::formula::Kernel<double>::Binding> bindings;
  for (std::size_t k = 0; k < c.params.size(); ++k) bound.push_back(values_of(c, k));
  for (std::size_t k = 0; k < c.params.size(); ++k) {
    param_values.emplace_back(bound[k].begin(), bound[k].end());
    bindings.push_back({bound[k][0], c.per_unit[k] ? bound[k].data() : nullptr});
  }
  onnx::ModelProto proto = mlp::onnx_export::new_model(c.text);
  mlp::onnx_export::Graph graph(*proto.mutable_graph());
  graph.input("x", onnx::TensorProto::FLOAT, kUnits);
  graph.node("Identity", {mlp::onnx_export::add_formula(graph, formula, param_values, "x")}, {}, "y");
  graph.output("y", onnx::TensorProto::FLOAT, kUnits);
  std::ofstream(dir / (c.name + ".onnx"), std::ios::binary) << proto.SerializeAsString();

  const std::vector<double> x = grid();
  const auto n = static_cast<mlp::Index>(x.size());
  Eigen::MatrixXd z(kUnits, n), f(kUnits, n), df(kUnits, n);
  for (mlp::Index j = 0; j < n; ++j) z.col(j).setConstant(x[static_cast<std::size_t>(j)]);
  const mlp::formula::Kernel<double> kernel(formula, c.per_unit);
  auto scratch = kernel.make_scratch();
  using Kernel = mlp::formula::Kernel<double>;
  kernel.values(bindings, Kernel::ConstView(z.data(), kUnits, n), Kernel::View(f.data(), kUnits, n),
                Kernel::View(df.data(), kUnits, n), {}, scratch);
  // ONNX is row-major with samples as rows: element (j, u) is z(u, j).
  std::vector<double> inputs, expected;
  for (mlp::Index j = 0; j < n; ++j) {
    for (mlp::Index u = 0; u < kUnits; ++u) {
      inputs.push_back(z(u, j));
      expected.push_back(f(u, j));
    }
  }
  return {{"name", "formula " + c.name + ": " + c.text},
          {"model", (dir / (c.name + ".onnx")).string()},
          {"inputs", {{"x", {{"type", "float32"}, {"dims", {n, kUnits}}, {"data", inputs}}}}},
          {"expected", {{"y", {{"data", expected}}}}},
          {"atol", 1e-5},
          {"rtol", 1e-5}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: onnx_formula_cases OUTDIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  const std::vector<Case> cases = {
      {"swish", "x * sigmoid(beta * x)", {{"beta", 1.5, true}}, {true}},
      {"elu", "where(x > 0, x, alpha * (exp(x) - 1))", {{"alpha", 0.8}}, {false}},
      {"prelu", "max(0, x) + a * min(0, x)", {{"a", 0.25, true}}, {true}},
      {"roots", "log1p(abs(x)) * sqrt(abs(x) + 1) - log(1 + x ^ 2)", {}, {}},
      {"ratio", "x ^ 3 / (1 + x ^ 2) + 2 ^ x", {}, {}},
      {"smooth", "softplus(x) - tanh(x) + erf(x / 2)", {}, {}},
      {"waves", "-x + sin(x) * cos(2 * x)", {}, {}},
      {"less", "where(x < -1, -1, x)", {}, {}},
      {"less_equal", "where(x <= 1, x, 1 + 0.1 * x)", {}, {}},
      {"greater_equal", "where(x >= 0, x * c, -x)", {{"c", 2.0}}, {false}},
      {"equal", "where(x == 0, 1, x)", {}, {}},
      {"not_equal", "where(x != 1, x / 2, 3)", {}, {}},
      {"identity", "x", {}, {}},
  };
  std::set<Op> ops;
  nlohmann::json manifest = {{"cases", nlohmann::json::array()}};
  for (const Case& c : cases) manifest["cases"].push_back(write_case(c, dir, ops));
  std::ofstream(dir / "formula_cases.json") << manifest.dump();
  int missing = 0;
  for (int op = 0; op <= static_cast<int>(Op::kWhere); ++op) {
    if (ops.contains(static_cast<Op>(op))) continue;
    std::fprintf(stderr, "FAIL: no formula case uses %s (op %d); add one to tests/onnx/formula_cases.cpp\n",
                 std::string(mlp::formula::op_name(static_cast<Op>(op))).c_str(), op);
    ++missing;
  }
  std::printf("%zu formula cases written to %s\n", cases.size(), dir.c_str());
  return missing == 0 ? 0 : 1;
}
