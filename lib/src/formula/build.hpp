// Building graph nodes with simplification: constant folding and the 0/1 identities, so that
// derivatives stay small (d/dx of 3 * x is 3, not 0 * x + 3 * 1).
#pragma once

#include "mlp/formula.hpp"

namespace mlp::formula::detail {

class Builder {
 public:
  explicit Builder(Graph& graph) : graph_(graph) {}

  NodeId constant(double value);
  NodeId x();
  NodeId param(int index);
  // op over its arguments, simplified: all-constant arguments fold to a constant (which may be
  // inf or nan: the parser refuses those, see parser.cpp); a + 0 = a, a * 1 = a, a * 0 = 0,
  // a - a = 0, -(-a) = a, a / 1 = a, 0 / a = 0, a ^ 1 = a, a ^ 0 = 1, where(c, a, a) = a,
  // min(a, a) = a, and where of a constant condition is the branch it picks.
  NodeId make(Op op, NodeId a, NodeId b = -1, NodeId c = -1);

  NodeId add(NodeId a, NodeId b) { return make(Op::kAdd, a, b); }
  NodeId sub(NodeId a, NodeId b) { return make(Op::kSub, a, b); }
  NodeId mul(NodeId a, NodeId b) { return make(Op::kMul, a, b); }
  NodeId div(NodeId a, NodeId b) { return make(Op::kDiv, a, b); }
  NodeId neg(NodeId a) { return make(Op::kNeg, a); }

  bool is_constant(NodeId id) const { return graph_[id].op == Op::kConstant; }
  bool is_constant(NodeId id, double value) const { return is_constant(id) && graph_[id].value == value; }

 private:
  NodeId intern(Op op, NodeId a, NodeId b = -1, NodeId c = -1);
  std::optional<NodeId> identity(Op op, NodeId a, NodeId b, NodeId c);

  Graph& graph_;
};

}  // namespace mlp::formula::detail
