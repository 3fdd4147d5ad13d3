// Compiling graph roots into a Program (see program.hpp).
#include "formula/program.hpp"

#include "formula/ops.hpp"

#include <algorithm>
#include <stdexcept>

namespace mlp::formula::detail {
namespace {

std::size_t at(NodeId id) { return static_cast<std::size_t>(id); }

// instruction_for maps Op to Prim by position: kNeg ... kErf, then (past the three powers)
// kAdd ... kNotEqual.
static_assert(static_cast<int>(Op::kErf) - static_cast<int>(Op::kNeg) == static_cast<int>(Prim::kErf));
static_assert(static_cast<int>(Op::kNotEqual) - static_cast<int>(Op::kNeg) + 3 == static_cast<int>(Prim::kNotEqual));

// The instruction computing node (all of whose arguments are already operands), specialising a
// power with a constant exponent (x^2 is one multiply, not exp(2 log x), and fine for x < 0).
Instruction instruction_for(const Graph& graph, const Node& node, const std::vector<Operand>& operand_of) {
  Instruction in;
  for (int i = 0; i < arity(node.op); ++i)
    in.args[static_cast<std::size_t>(i)] = operand_of[at(node.args[static_cast<std::size_t>(i)])];
  if (node.op == Op::kWhere) {
    in.op = Prim::kSelect;
    return in;
  }
  if (node.op == Op::kPow && graph[node.args[1]].op == Op::kConstant) {
    const double exponent = graph[node.args[1]].value;
    const std::pair<double, Prim> special[] = {
        {2, Prim::kSquare}, {3, Prim::kCube}, {-1, Prim::kInverse}, {0.5, Prim::kSqrt}};
    for (const auto& [value, prim] : special) {
      if (exponent == value) {
        in.op = prim;
        return in;
      }
    }
  }
  // Op and Prim list the shared ops in the same order, kNeg ... kNotEqual.
  const int offset = static_cast<int>(node.op) - static_cast<int>(Op::kNeg);
  const int prim = offset < static_cast<int>(Prim::kSquare) ? offset : offset + 3;  // past the three powers
  in.op = static_cast<Prim>(prim);
  return in;
}

}  // namespace

Program compile(const Graph& graph, std::span<const Root> roots, const std::vector<bool>& per_unit, NodeId f_node) {
  const std::size_t n = at(graph.size());
  // Which nodes the roots need, each reading the nodes inputs(id) names.
  const auto reachable = [&](const auto& inputs) {
    std::vector<bool> needed(n, false);
    for (const Root& root : roots) needed[at(root.node)] = true;
    for (NodeId id = graph.size() - 1; id >= 0; --id) {
      if (!needed[at(id)] || id == f_node) continue;
      for (const NodeId arg : inputs(id)) needed[at(arg)] = true;
    }
    return needed;
  };
  const auto args_of = [&](NodeId id) {
    const Node& node = graph[id];
    return std::vector<NodeId>(node.args.begin(), node.args.begin() + arity(node.op));
  };

  // Scalars: nodes of constants and shared parameters only.
  const std::vector<bool> plain = reachable(args_of);
  std::vector<bool> is_scalar(n, false);
  for (NodeId id = 0; id < graph.size(); ++id) {
    if (!plain[at(id)]) continue;
    const Node& node = graph[id];
    bool scalar = node.op != Op::kX && id != f_node;
    if (node.op == Op::kParam) scalar = !per_unit.at(static_cast<std::size_t>(node.param));
    for (const NodeId arg : args_of(id)) scalar = scalar && is_scalar[at(arg)];
    is_scalar[at(id)] = scalar;
  }
  // An array tanh(softplus(a)) reads a itself (Prim::kTanhSoftplus): softplus(a) is computed
  // only if something else needs it.
  const auto fused = [&](NodeId id) {
    const Node& node = graph[id];
    return !is_scalar[at(id)] && node.op == Op::kTanh && graph[node.args[0]].op == Op::kSoftplus;
  };
  const auto inputs = [&](NodeId id) { return fused(id) ? args_of(graph[id].args[0]) : args_of(id); };
  const std::vector<bool> needed = reachable(inputs);

  Program program;
  std::vector<Operand> operand_of(n);
  std::vector<NodeId> array_nodes;  // in instruction order
  for (NodeId id = 0; id < graph.size(); ++id) {
    if (!needed[at(id)]) continue;
    const Node& node = graph[id];
    if (is_scalar[at(id)]) {
      ScalarStep step{node.op, node.value, node.param, {-1, -1, -1}};
      for (int i = 0; i < arity(node.op); ++i) {
        step.args[static_cast<std::size_t>(i)] = operand_of[at(node.args[static_cast<std::size_t>(i)])].index;
      }
      operand_of[at(id)] = {Operand::Kind::kScalar, static_cast<int>(program.scalars.size())};
      program.scalars.push_back(step);
    } else if (id == f_node) {
      operand_of[at(id)] = {Operand::Kind::kA, 0};
    } else if (node.op == Op::kX) {
      operand_of[at(id)] = {Operand::Kind::kX, 0};
    } else {
      array_nodes.push_back(id);
    }
  }

  // Last instruction reading each array node (roots: read by the sinks, after all of them).
  const int end = static_cast<int>(array_nodes.size());
  std::vector<int> last_use(n, -1);
  for (int i = 0; i < end; ++i) {
    for (const NodeId arg : inputs(array_nodes[static_cast<std::size_t>(i)])) last_use[at(arg)] = i;
  }
  for (const Root& root : roots) last_use[at(root.node)] = end;

  // Registers: an instruction may write the register of an argument it reads for the last time
  // (every instruction is element-wise, so reading and writing the same element is safe).
  std::vector<int> free_registers;
  for (int i = 0; i < end; ++i) {
    const NodeId id = array_nodes[static_cast<std::size_t>(i)];
    const std::vector<NodeId> args = inputs(id);
    Instruction in;
    if (graph[id].op == Op::kParam) {
      in.op = Prim::kBroadcast;
      in.param = graph[id].param;
    } else if (fused(id)) {
      in.op = Prim::kTanhSoftplus;
      in.args[0] = operand_of[at(args[0])];
    } else {
      in = instruction_for(graph, graph[id], operand_of);
    }
    for (std::size_t k = 0; k < args.size(); ++k) {
      const Operand& used = operand_of[at(args[k])];
      const bool first_mention = std::find(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(k), args[k]) ==
                                 args.begin() + static_cast<std::ptrdiff_t>(k);
      if (used.kind == Operand::Kind::kRegister && last_use[at(args[k])] == i && first_mention) {
        free_registers.push_back(used.index);
      }
    }
    if (free_registers.empty()) free_registers.push_back(program.registers++);
    in.dst = free_registers.back();
    free_registers.pop_back();
    operand_of[at(id)] = {Operand::Kind::kRegister, in.dst};
    program.code.push_back(in);
  }
  for (const Root& root : roots) program.sinks.push_back({root.kind, operand_of[at(root.node)], root.output});
  return program;
}

}  // namespace mlp::formula::detail
