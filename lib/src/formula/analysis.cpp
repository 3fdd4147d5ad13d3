// What the diagnostics need to know about f, decided from the graph at the parameters' values:
// its flat region (the constant it takes for all large negative x) and its output bounds.
#include "formula/ops.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace mlp::formula {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// How a node behaves for all x below some point: a constant, heading to -inf or +inf, varying
// (certainly not constant, limit not tracked), or not decided.
struct Trend {
  enum Kind { kConstant, kToMinusInf, kToPlusInf, kVarying, kUnknown } kind;
  double value = 0;
};

Trend negate(Trend t) {
  if (t.kind == Trend::kConstant) return {Trend::kConstant, -t.value};
  if (t.kind == Trend::kToMinusInf) return {Trend::kToPlusInf};
  if (t.kind == Trend::kToPlusInf) return {Trend::kToMinusInf};
  return t;
}

bool infinite(Trend t) { return t.kind == Trend::kToMinusInf || t.kind == Trend::kToPlusInf; }

// Strictly increasing functions of a non-constant argument are non-constant; those unbounded
// above follow +inf. (log, log1p and sqrt of -inf leave their domain: not decided.)
Trend monotone(Op op, Trend a) {
  const bool unbounded_above =
      op == Op::kExp || op == Op::kLog || op == Op::kLog1p || op == Op::kSqrt || op == Op::kSoftplus;
  const bool domain_below = op == Op::kLog || op == Op::kLog1p || op == Op::kSqrt;
  if (a.kind == Trend::kToPlusInf) return unbounded_above ? Trend{Trend::kToPlusInf} : Trend{Trend::kVarying};
  if (a.kind == Trend::kToMinusInf) return domain_below ? Trend{Trend::kUnknown} : Trend{Trend::kVarying};
  return a.kind == Trend::kVarying ? Trend{Trend::kVarying} : Trend{Trend::kUnknown};
}

Trend add(Trend a, Trend b) {
  if (a.kind == Trend::kUnknown || b.kind == Trend::kUnknown) return {Trend::kUnknown};
  if (a.kind == Trend::kConstant) std::swap(a, b);
  if (b.kind == Trend::kConstant) return a;  // anything + constant behaves as it
  if (a.kind == b.kind && infinite(a)) return a;
  return {Trend::kUnknown};
}

Trend multiply(Trend a, Trend b) {
  if (a.kind == Trend::kConstant) std::swap(a, b);
  if (b.kind == Trend::kConstant && b.value == 0) return {Trend::kConstant, 0};  // 0 * (finite) = 0
  if (a.kind == Trend::kUnknown || b.kind == Trend::kUnknown) return {Trend::kUnknown};
  if (b.kind == Trend::kConstant) return b.value > 0 ? a : negate(a);
  if (infinite(a) && infinite(b)) return {a.kind == b.kind ? Trend::kToPlusInf : Trend::kToMinusInf};
  return {Trend::kUnknown};
}

// min (is_max false) or max of two trends.
Trend extreme(Trend a, Trend b, bool is_max) {
  if (a.kind == Trend::kUnknown || b.kind == Trend::kUnknown) return {Trend::kUnknown};
  const Trend::Kind loses = is_max ? Trend::kToMinusInf : Trend::kToPlusInf;
  const Trend::Kind wins = is_max ? Trend::kToPlusInf : Trend::kToMinusInf;
  if (a.kind == wins || b.kind == wins) return {wins};
  if (a.kind == loses) return b.kind == loses ? a : b;  // the other one, eventually
  if (b.kind == loses) return a;
  return {Trend::kUnknown};
}

// A comparison of two trends, when it holds or fails for all large negative x.
Trend compare(Op op, Trend a, Trend b) {
  const auto rank = [](Trend t) {
    return t.kind == Trend::kToMinusInf ? -kInf : t.kind == Trend::kToPlusInf ? kInf : t.value;
  };
  const bool decidable = (a.kind == Trend::kConstant || infinite(a)) && (b.kind == Trend::kConstant || infinite(b)) &&
                         !(infinite(a) && a.kind == b.kind);
  if (!decidable) return {Trend::kUnknown};
  return {Trend::kConstant, detail::apply(op, rank(a), rank(b))};
}

Trend trend(const Node& node, const std::vector<Trend>& t, std::span<const Param> params) {
  const auto arg = [&](int i) { return t[static_cast<std::size_t>(node.args[static_cast<std::size_t>(i)])]; };
  bool all_constant = node.op != Op::kX && node.op != Op::kParam;
  for (int i = 0; i < arity(node.op); ++i) all_constant = all_constant && arg(i).kind == Trend::kConstant;
  if (all_constant) {
    const auto value = [&](int i) { return i < arity(node.op) ? arg(i).value : 0.0; };
    return {Trend::kConstant,
            node.op == Op::kConstant ? node.value : detail::apply(node.op, value(0), value(1), value(2))};
  }
  switch (node.op) {
    case Op::kX:
      return {Trend::kToMinusInf};
    case Op::kParam:
      return {Trend::kConstant, params[static_cast<std::size_t>(node.param)].value};
    case Op::kNeg:
      return negate(arg(0));
    case Op::kAbs:
      return infinite(arg(0)) ? Trend{Trend::kToPlusInf} : Trend{Trend::kUnknown};
    case Op::kExp:
    case Op::kLog:
    case Op::kLog1p:
    case Op::kSqrt:
    case Op::kTanh:
    case Op::kSigmoid:
    case Op::kSoftplus:
    case Op::kErf:
      return monotone(node.op, arg(0));
    case Op::kAdd:
      return add(arg(0), arg(1));
    case Op::kSub:
      return add(arg(0), negate(arg(1)));
    case Op::kMul:
      return multiply(arg(0), arg(1));
    case Op::kDiv:
      if (arg(1).kind == Trend::kConstant && arg(1).value != 0)
        return multiply(arg(0), {Trend::kConstant, 1 / arg(1).value});
      if (arg(0).kind == Trend::kConstant && arg(0).value == 0 && infinite(arg(1))) return {Trend::kConstant, 0};
      return {Trend::kUnknown};
    case Op::kMin:
      return extreme(arg(0), arg(1), false);
    case Op::kMax:
      return extreme(arg(0), arg(1), true);
    case Op::kWhere:
      if (arg(0).kind != Trend::kConstant) return {Trend::kUnknown};
      return arg(0).value != 0 ? arg(1) : arg(2);
    default:
      return detail::is_comparison(node.op) ? compare(node.op, arg(0), arg(1)) : Trend{Trend::kUnknown};
  }
}

struct Interval {
  double lo;
  double hi;
};

// a * b at the ends, where 0 * inf counts as 0: the values themselves are finite.
double times(double a, double b) { return (a == 0 || b == 0) ? 0 : a * b; }

Interval product(Interval a, Interval b) {
  const double p[] = {times(a.lo, b.lo), times(a.lo, b.hi), times(a.hi, b.lo), times(a.hi, b.hi)};
  return {*std::min_element(std::begin(p), std::end(p)), *std::max_element(std::begin(p), std::end(p))};
}

Interval power(Interval a, Interval b) {
  const Interval any{-kInf, kInf};
  if (b.lo != b.hi) return any;
  const double c = b.lo;
  const auto pow = [c](double v) { return std::pow(v, c); };
  if (a.lo >= 0) return c >= 0 ? Interval{pow(a.lo), pow(a.hi)} : Interval{pow(a.hi), pow(a.lo)};
  if (c > 0 && c == std::floor(c)) {
    if (std::fmod(c, 2) != 0) return {pow(a.lo), pow(a.hi)};
    return {a.hi >= 0 ? 0 : pow(a.hi), pow(std::max(-a.lo, a.hi))};
  }
  return any;
}

Interval interval(const Node& node, const std::vector<Interval>& v, std::span<const Param> params) {
  const Interval any{-kInf, kInf};
  const auto arg = [&](int i) { return v[static_cast<std::size_t>(node.args[static_cast<std::size_t>(i)])]; };
  const auto increasing = [&](Interval a) {
    return Interval{detail::apply(node.op, a.lo), detail::apply(node.op, a.hi)};
  };
  switch (node.op) {
    case Op::kConstant:
      return {node.value, node.value};
    case Op::kX:
      return any;
    case Op::kParam: {
      const double p = params[static_cast<std::size_t>(node.param)].value;
      return {p, p};
    }
    case Op::kNeg:
      return {-arg(0).hi, -arg(0).lo};
    case Op::kLog:
      return {std::log(std::max(arg(0).lo, 0.0)), std::log(arg(0).hi)};
    case Op::kLog1p:
      return {std::log1p(std::max(arg(0).lo, -1.0)), std::log1p(arg(0).hi)};
    case Op::kSqrt:
      return {std::sqrt(std::max(arg(0).lo, 0.0)), std::sqrt(std::max(arg(0).hi, 0.0))};
    case Op::kExp:
    case Op::kTanh:
    case Op::kSigmoid:
    case Op::kSoftplus:
    case Op::kErf:
      return increasing(arg(0));
    case Op::kAbs: {
      const Interval a = arg(0);
      if (a.lo >= 0) return a;
      if (a.hi <= 0) return {-a.hi, -a.lo};
      return {0, std::max(-a.lo, a.hi)};
    }
    case Op::kSin:
    case Op::kCos:
      return {-1, 1};
    case Op::kAdd:
      return {arg(0).lo + arg(1).lo, arg(0).hi + arg(1).hi};
    case Op::kSub:
      return {arg(0).lo - arg(1).hi, arg(0).hi - arg(1).lo};
    case Op::kMul:
      return product(arg(0), arg(1));
    case Op::kDiv: {
      const Interval b = arg(1);
      if (b.lo <= 0 && b.hi >= 0) return any;
      return product(arg(0), {1 / b.hi, 1 / b.lo});
    }
    case Op::kPow:
      return power(arg(0), arg(1));
    case Op::kMin:
      return {std::min(arg(0).lo, arg(1).lo), std::min(arg(0).hi, arg(1).hi)};
    case Op::kMax:
      return {std::max(arg(0).lo, arg(1).lo), std::max(arg(0).hi, arg(1).hi)};
    case Op::kWhere:
      return {std::min(arg(1).lo, arg(2).lo), std::max(arg(1).hi, arg(2).hi)};
    default:
      return {0, 1};  // comparisons
  }
}

}  // namespace

FlatRegion flat_region(const Formula& formula) {
  const Graph& graph = formula.graph();
  std::vector<Trend> trends;
  for (NodeId id = 0; id <= formula.value(); ++id) trends.push_back(trend(graph[id], trends, formula.params()));
  const Trend f = trends.back();
  if (f.kind == Trend::kConstant) {
    return std::isfinite(f.value) ? FlatRegion{true, f.value} : FlatRegion{};
  }
  return f.kind == Trend::kUnknown ? FlatRegion{} : FlatRegion{true, std::nullopt};
}

std::optional<Bounds> output_bounds(const Formula& formula) {
  const Graph& graph = formula.graph();
  std::vector<Interval> intervals;
  for (NodeId id = 0; id <= formula.value(); ++id) {
    Interval i = interval(graph[id], intervals, formula.params());
    // A nan end (inf - inf) means nothing is known on that side.
    if (std::isnan(i.lo)) i.lo = -kInf;
    if (std::isnan(i.hi)) i.hi = kInf;
    intervals.push_back(i);
  }
  const Interval f = intervals.back();
  if (!std::isfinite(f.lo) || !std::isfinite(f.hi)) return std::nullopt;
  return Bounds{f.lo, f.hi};
}

}  // namespace mlp::formula
