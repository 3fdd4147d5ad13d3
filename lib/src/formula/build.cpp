// Simplifying node construction (see build.hpp).
#include "formula/build.hpp"

#include "formula/ops.hpp"

namespace mlp::formula::detail {

NodeId Builder::constant(double value) {
  Node node;
  node.op = Op::kConstant;
  node.value = value;
  return graph_.intern(node);
}

NodeId Builder::x() {
  Node node;
  node.op = Op::kX;
  return graph_.intern(node);
}

NodeId Builder::param(int index) {
  Node node;
  node.op = Op::kParam;
  node.param = index;
  return graph_.intern(node);
}

NodeId Builder::intern(Op op, NodeId a, NodeId b, NodeId c) {
  Node node;
  node.op = op;
  node.args = {a, b, c};
  return graph_.intern(node);
}

NodeId Builder::make(Op op, NodeId a, NodeId b, NodeId c) {
  const int n = arity(op);
  bool all_constant = true;
  for (const NodeId arg : {a, b, c}) {
    if (arg >= 0 && !is_constant(arg)) all_constant = false;
  }
  if (all_constant) {
    const auto value_of = [&](NodeId id) { return id >= 0 ? graph_[id].value : 0.0; };
    return constant(apply(op, value_of(a), n > 1 ? value_of(b) : 0, n > 2 ? value_of(c) : 0));
  }
  if (const std::optional<NodeId> simpler = identity(op, a, b, c)) return *simpler;
  return intern(op, a, n > 1 ? b : -1, n > 2 ? c : -1);
}

// The identities of build.hpp; nothing when none applies. (a * 0 = 0 holds for every finite a;
// formulas whose subexpressions are not finite are refused by the start-up check anyway.)
std::optional<NodeId> Builder::identity(Op op, NodeId a, NodeId b, NodeId c) {
  switch (op) {
    case Op::kNeg:
      if (graph_[a].op == Op::kNeg) return graph_[a].args[0];
      break;
    case Op::kAdd:
      if (is_constant(a, 0)) return b;
      if (is_constant(b, 0)) return a;
      if (graph_[b].op == Op::kNeg) return sub(a, graph_[b].args[0]);
      break;
    case Op::kSub:
      if (is_constant(b, 0)) return a;
      if (is_constant(a, 0)) return neg(b);
      if (a == b) return constant(0);
      if (graph_[b].op == Op::kNeg) return add(a, graph_[b].args[0]);
      break;
    case Op::kMul:
      if (is_constant(a, 0) || is_constant(b, 0)) return constant(0);
      if (is_constant(a, 1)) return b;
      if (is_constant(b, 1)) return a;
      if (is_constant(a, -1)) return neg(b);
      if (is_constant(b, -1)) return neg(a);
      // c1 * (c2 * y) = (c1 c2) * y: keeps chains of constants from the chain rule short.
      if (is_constant(a) && graph_[b].op == Op::kMul && is_constant(graph_[b].args[0])) {
        return mul(constant(graph_[a].value * graph_[graph_[b].args[0]].value), graph_[b].args[1]);
      }
      break;
    case Op::kDiv:
      if (is_constant(b, 1)) return a;
      if (is_constant(a, 0) && !is_constant(b)) return constant(0);
      break;
    case Op::kPow:
      if (is_constant(b, 1)) return a;
      if (is_constant(b, 0)) return constant(1);
      break;
    case Op::kMin:
    case Op::kMax:
      if (a == b) return a;
      break;
    case Op::kWhere:
      if (b == c) return b;
      if (is_constant(a)) return graph_[a].value != 0 ? b : c;
      break;
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace mlp::formula::detail
