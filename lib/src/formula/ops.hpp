// The scalar meaning of each Op in double: what constant folding, per-call scalar nodes and the
// analyses compute with (the batch evaluator, kernel.cpp, computes the same in whole arrays).
#pragma once

#include "mlp/formula.hpp"

namespace mlp::formula::detail {

// op applied to its arguments (unused ones ignored). Comparisons give 1 or 0. Stable where the
// batch evaluator is: sigmoid(-1e4) = 0, softplus(1e4) = 1e4.
double apply(Op op, double a, double b = 0, double c = 0);

// True for kLess ... kNotEqual.
bool is_comparison(Op op);

// The op a call name stands for (exp ... erf, min, max, where), or nothing.
std::optional<Op> function_op(std::string_view name);

}  // namespace mlp::formula::detail
