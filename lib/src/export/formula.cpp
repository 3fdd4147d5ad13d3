// A formula activation as ONNX operators: one node (or two) per node of its expression graph.
#include "export/nodes.hpp"

#include <stdexcept>
#include <utility>

namespace mlp::onnx_export {
namespace {

using formula::Op;

// The ONNX operator of each formula op that maps onto exactly one (kLog1p, kNotEqual and the
// leaves are handled by the caller).
constexpr std::pair<Op, std::string_view> kOnnxOps[] = {
    {Op::kNeg, "Neg"},           {Op::kExp, "Exp"},
    {Op::kLog, "Log"},           {Op::kSqrt, "Sqrt"},
    {Op::kAbs, "Abs"},           {Op::kSin, "Sin"},
    {Op::kCos, "Cos"},           {Op::kTanh, "Tanh"},
    {Op::kErf, "Erf"},           {Op::kSigmoid, "Sigmoid"},
    {Op::kSoftplus, "Softplus"}, {Op::kAdd, "Add"},
    {Op::kSub, "Sub"},           {Op::kMul, "Mul"},
    {Op::kDiv, "Div"},           {Op::kPow, "Pow"},
    {Op::kMin, "Min"},           {Op::kMax, "Max"},
    {Op::kLess, "Less"},         {Op::kLessEqual, "LessOrEqual"},
    {Op::kGreater, "Greater"},   {Op::kGreaterEqual, "GreaterOrEqual"},
    {Op::kEqual, "Equal"},       {Op::kWhere, "Where"},
};

std::string_view onnx_op(Op op) {
  for (const auto& [formula_op, name] : kOnnxOps) {
    if (formula_op == op) return name;
  }
  throw std::logic_error("onnx export: formula op \"" + std::string(formula::op_name(op)) +
                         "\" has no single ONNX operator");
}

// The nodes f(x) needs: those reachable from the root (the graph also holds the derivatives).
std::vector<bool> reachable(const formula::Graph& graph, formula::NodeId root) {
  std::vector<bool> used(static_cast<std::size_t>(graph.size()), false);
  used[static_cast<std::size_t>(root)] = true;
  for (formula::NodeId id = root; id >= 0; --id) {
    if (!used[static_cast<std::size_t>(id)]) continue;
    for (const formula::NodeId arg : graph[id].args) {
      if (arg >= 0) used[static_cast<std::size_t>(arg)] = true;
    }
  }
  return used;
}

// The tensor of one node, given its arguments' tensors: x itself, a scalar constant, a parameter
// (a scalar, or [units] per unit), or the node's operator(s).
std::string node_tensor(Graph& g, const formula::Formula& formula, const formula::Node& node,
                        std::vector<std::string> args, std::span<const std::vector<float>> param_values,
                        const std::string& x) {
  switch (node.op) {
    case Op::kConstant:
      return g.scalar(static_cast<float>(node.value));
    case Op::kX:
      return x;
    case Op::kParam: {
      const std::vector<float>& values = param_values[static_cast<std::size_t>(node.param)];
      const std::string& name = formula.params()[static_cast<std::size_t>(node.param)].name;
      return values.size() == 1 ? g.scalar(values[0])
                                : g.floats(name, {static_cast<std::int64_t>(values.size())}, values);
    }
    case Op::kLog1p:
      return g.node("Log", {g.node("Add", {args[0], g.scalar(1.0F)})});
    case Op::kNotEqual:
      return g.node("Not", {g.node("Equal", std::move(args))});
    default:
      return g.node(onnx_op(node.op), std::move(args));
  }
}

}  // namespace

std::string add_formula(Graph& g, const formula::Formula& formula, std::span<const std::vector<float>> param_values,
                        const std::string& x) {
  if (param_values.size() != formula.params().size()) {
    throw std::invalid_argument("onnx export: a formula of " + std::to_string(formula.params().size()) +
                                " parameters given " + std::to_string(param_values.size()) + " values");
  }
  const formula::Graph& graph = formula.graph();
  const std::vector<bool> used = reachable(graph, formula.value());
  std::vector<std::string> names(used.size());  // per node: the name of its tensor
  for (formula::NodeId id = 0; id <= formula.value(); ++id) {
    if (!used[static_cast<std::size_t>(id)]) continue;
    const formula::Node& node = graph[id];
    std::vector<std::string> args;
    for (int k = 0; k < formula::arity(node.op); ++k) {
      args.push_back(names[static_cast<std::size_t>(node.args[static_cast<std::size_t>(k)])]);
    }
    names[static_cast<std::size_t>(id)] = node_tensor(g, formula, node, std::move(args), param_values, x);
  }
  // Formula::parse refuses an f that does not depend on x, so the root has x's shape.
  const std::string& root = names[static_cast<std::size_t>(formula.value())];
  return root == x ? g.node("Identity", {x}) : root;
}

}  // namespace mlp::onnx_export
