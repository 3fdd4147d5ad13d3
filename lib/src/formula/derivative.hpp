// Symbolic differentiation: the exact derivative of a node, as new nodes of the same graph.
#pragma once

#include "mlp/formula.hpp"

namespace mlp::formula::detail {

// What to differentiate by: x (param < 0) or parameter `param`.
struct Variable {
  int param = -1;
};

// d root / d variable, simplified as it is built (build.hpp), sharing every subexpression of
// root it needs (the derivative of sigmoid(u) reuses the node sigmoid(u)).
NodeId differentiate(Graph& graph, NodeId root, Variable variable);

}  // namespace mlp::formula::detail
