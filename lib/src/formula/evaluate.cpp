// The batch evaluator: runs a Program over a units x batch matrix in chunks of Kernel::kChunk
// elements, each instruction one vectorised Eigen pass over the chunk, with all scratch in the
// caller's Scratch (sized when made), so that evaluating allocates nothing.
//
// Stable forms, as the built-in activations (nn/activations.cpp): sigmoid(y) = 1 / (1 + exp(-y))
// (exp overflowing to inf gives 0, never nan); softplus(y) = max(y, 0) + log1p(exp(-|y|)), which
// never overflows.
#include "formula/evaluate.hpp"

#include "formula/ops.hpp"

#include <unsupported/Eigen/SpecialFunctions>

#include <algorithm>

namespace mlp::formula::detail {
namespace {

using Index = Eigen::Index;

template <class T>
using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using ArrayMap = Eigen::Map<Array<T>>;
template <class T>
using ConstArrayMap = Eigen::Map<const Array<T>>;

// One call's state: the inputs, the current chunk [first, first + count) and the scratch.
template <class T>
struct Run {
  std::span<const typename Kernel<T>::Binding> params;
  Index rows;
  const T* x;
  const T* a;
  const T* g;
  T* registers;
  const double* scalars;
  T* temp;  // one chunk for an instruction's own intermediate values
  Index first = 0;
  Index count = 0;

  T* reg(int index) const { return registers + static_cast<Index>(index) * Kernel<T>::kChunk; }
  const T* array(const Operand& o) const {
    switch (o.kind) {
      case Operand::Kind::kRegister:
        return reg(o.index);
      case Operand::Kind::kX:
        return x + first;
      case Operand::Kind::kA:
        return a + first;
      case Operand::Kind::kScalar:
        break;
    }
    return nullptr;
  }
  T scalar(const Operand& o) const { return static_cast<T>(scalars[o.index]); }

  // Calls f with the operand as an Eigen array expression over the chunk: a map of its values,
  // or a constant for a scalar.
  template <class F>
  void with(const Operand& o, F&& f) const {
    if (o.kind == Operand::Kind::kScalar) {
      f(Array<T>::Constant(count, scalar(o)));
    } else {
      f(ConstArrayMap<T>(array(o), count));
    }
  }
  template <class F>
  void with(const Operand& o1, const Operand& o2, F&& f) const {
    with(o1, [&](const auto& e1) { with(o2, [&](const auto& e2) { f(e1, e2); }); });
  }
  // Calls f with the operand as something indexable over the chunk, for plain loops.
  struct ArrayIn {
    const T* p;
    T operator[](Index i) const { return p[i]; }
  };
  struct ScalarIn {
    T v;
    T operator[](Index) const { return v; }
  };
  template <class F>
  void raw(const Operand& o, F&& f) const {
    if (o.kind == Operand::Kind::kScalar) {
      f(ScalarIn{scalar(o)});
    } else {
      f(ArrayIn{array(o)});
    }
  }
  template <class F>
  void raw(const Operand& o1, const Operand& o2, F&& f) const {
    raw(o1, [&](auto e1) { raw(o2, [&](auto e2) { f(e1, e2); }); });
  }
  template <class F>
  void raw(const Operand& o1, const Operand& o2, const Operand& o3, F&& f) const {
    raw(o1, [&](auto e1) { raw(o2, o3, [&](auto e2, auto e3) { f(e1, e2, e3); }); });
  }

  template <class F>
  void with(const Operand& o1, const Operand& o2, const Operand& o3, F&& f) const {
    with(o1, [&](const auto& e1) { with(o2, o3, [&](const auto& e2, const auto& e3) { f(e1, e2, e3); }); });
  }
};

// log1p(t) over an array, vectorised (Eigen 3.4's float log1p is not: four times slower): with
// u = 1 + t rounded, log1p(t) = log(u) t / (u - 1), exact to a few ulps (Goldberg 1991), and t
// itself where u rounds to 1. `out` may be `t`; `tmp` holds log(u).
template <class T>
void log1p_into(T* out, const T* t, T* tmp, Index n) {
  ArrayMap<T>(tmp, n) = (T(1) + ConstArrayMap<T>(t, n)).log();
  for (Index i = 0; i < n; ++i) {  // branch-free, so that it vectorises
    const T d = (T(1) + t[i]) - T(1);
    const T safe = d == T(0) ? T(1) : d;
    const T scaled = tmp[i] * (t[i] / safe);
    out[i] = d == T(0) ? t[i] : scaled;
  }
}

template <class T>
void unary(Prim op, ArrayMap<T> out, const ConstArrayMap<T>& a, T* tmp) {
  const Index n = a.size();
  switch (op) {
    case Prim::kNeg:
      out = -a;
      break;
    case Prim::kExp:
      out = a.exp();
      break;
    case Prim::kLog:
      out = a.log();
      break;
    case Prim::kLog1p:
      log1p_into(out.data(), a.data(), tmp, n);
      break;
    case Prim::kSqrt:
      out = a.sqrt();
      break;
    case Prim::kAbs:
      out = a.abs();
      break;
    case Prim::kSin:
      out = a.sin();
      break;
    case Prim::kCos:
      out = a.cos();
      break;
    case Prim::kTanh:
      out = a.tanh();
      break;
    case Prim::kSigmoid:
      out = (T(1) + (-a).exp()).inverse();
      break;
    case Prim::kSoftplus:  // max(a, 0) + log1p(exp(-|a|)): never overflows
      out = (-a.abs()).exp();
      log1p_into(out.data(), out.data(), tmp, n);
      out += a.max(T(0));
      break;
    case Prim::kTanhSoftplus: {
      // tanh(softplus(a)) = ((1 + e)^2 - 1) / ((1 + e)^2 + 1) = 1 / (1 + 2 / (e (e + 2))), e = exp(a)
      // (as the built-in mish): e = inf gives 1, e = 0 gives 0, with no inf / inf on the way.
      ArrayMap<T> e(tmp, n);
      e = a.exp();
      out = (T(1) + T(2) / (e * (e + T(2)))).inverse();
      break;
    }
    case Prim::kErf:
      out = a.erf();
      break;
    case Prim::kSquare:
      out = a.square();
      break;
    case Prim::kCube:
      out = a.cube();
      break;
    case Prim::kInverse:
      out = a.inverse();
      break;
    default:
      break;
  }
}

template <class T, class A, class B>
void binary(Prim op, ArrayMap<T> out, const A& a, const B& b) {
  switch (op) {
    case Prim::kAdd:
      out = a + b;
      break;
    case Prim::kSub:
      out = a - b;
      break;
    case Prim::kMul:
      out = a * b;
      break;
    case Prim::kDiv:
      out = a / b;
      break;
    case Prim::kPow:
      out = Eigen::pow(a, b);
      break;
    case Prim::kMin:
      out = a.min(b);
      break;
    case Prim::kMax:
      out = a.max(b);
      break;
    default:
      break;
  }
}

// a[i] op b[i] as 1 or 0, in a plain loop: Eigen 3.4 evaluates comparisons and select() one
// coefficient at a time, the compiler vectorises these loops.
template <class T, class A, class B>
void compare(Prim op, T* out, Index n, A a, B b) {
  const auto loop = [&](auto holds) {
    for (Index i = 0; i < n; ++i) out[i] = holds(a[i], b[i]) ? T(1) : T(0);
  };
  switch (op) {
    case Prim::kLess:
      loop([](T x, T y) { return x < y; });
      break;
    case Prim::kLessEqual:
      loop([](T x, T y) { return x <= y; });
      break;
    case Prim::kGreater:
      loop([](T x, T y) { return x > y; });
      break;
    case Prim::kGreaterEqual:
      loop([](T x, T y) { return x >= y; });
      break;
    case Prim::kEqual:
      loop([](T x, T y) { return x == y; });
      break;
    case Prim::kNotEqual:
      loop([](T x, T y) { return x != y; });
      break;
    default:
      break;
  }
}

// Calls body(offset, unit, length) over the runs of consecutive units in elements [first,
// first + count) of a column-major matrix with `rows` units: one run per column touched.
template <class Body>
void for_unit_runs(Index rows, Index first, Index count, Body&& body) {
  Index unit = first % rows;
  for (Index offset = 0; offset < count;) {
    const Index length = std::min(count - offset, rows - unit);
    body(offset, unit, length);
    offset += length;
    unit = 0;
  }
}

template <class T>
void execute(const Instruction& in, const Run<T>& run) {
  ArrayMap<T> out(run.reg(in.dst), run.count);
  if (in.op == Prim::kBroadcast) {
    const T* values = run.params[static_cast<std::size_t>(in.param)].per_unit;
    for_unit_runs(run.rows, run.first, run.count, [&](Index offset, Index unit, Index length) {
      out.segment(offset, length) = ConstArrayMap<T>(values + unit, length);
    });
  } else if (in.op == Prim::kSelect) {
    run.raw(in.args[0], in.args[1], in.args[2], [&](auto mask, auto a, auto b) {
      for (Index i = 0; i < run.count; ++i) out[i] = mask[i] != T(0) ? a[i] : b[i];
    });
  } else if (in.op >= Prim::kLess && in.op <= Prim::kNotEqual) {
    run.raw(in.args[0], in.args[1], [&](auto a, auto b) { compare(in.op, out.data(), run.count, a, b); });
  } else if (in.op < Prim::kAdd || in.op == Prim::kTanhSoftplus) {
    unary<T>(in.op, out, ConstArrayMap<T>(run.array(in.args[0]), run.count), run.temp);
  } else {
    run.with(in.args[0], in.args[1], [&](const auto& a, const auto& b) { binary<T>(in.op, out, a, b); });
  }
}

template <class T>
void sink(const Sink& s, const Run<T>& run, std::span<T* const> outputs) {
  T* out = outputs[static_cast<std::size_t>(s.output)];
  const ConstArrayMap<T> g(run.g == nullptr ? nullptr : run.g + run.first, run.g == nullptr ? 0 : run.count);
  switch (s.kind) {
    case SinkKind::kStore:
      run.with(s.value, [&](const auto& v) { ArrayMap<T>(out + run.first, run.count) = v; });
      break;
    case SinkKind::kStoreTimesGrad:
      run.with(s.value, [&](const auto& v) { ArrayMap<T>(out + run.first, run.count) = g * v; });
      break;
    case SinkKind::kSumTimesGrad:
      run.with(s.value, [&](const auto& v) {
        for_unit_runs(run.rows, run.first, run.count, [&](Index offset, Index unit, Index length) {
          ArrayMap<T>(out + unit, length) += g.segment(offset, length) * v.segment(offset, length);
        });
      });
      break;
  }
}

void evaluate_scalars(const Program& program, std::span<const double> shared, double* slots) {
  for (std::size_t i = 0; i < program.scalars.size(); ++i) {
    const ScalarStep& step = program.scalars[i];
    const auto arg = [&](int k) {
      const int slot = step.args[static_cast<std::size_t>(k)];
      return slot < 0 ? 0.0 : slots[slot];
    };
    if (step.op == Op::kConstant) {
      slots[i] = step.value;
    } else if (step.op == Op::kParam) {
      slots[i] = shared[static_cast<std::size_t>(step.param)];
    } else {
      slots[i] = apply(step.op, arg(0), arg(1), arg(2));
    }
  }
}

}  // namespace

// Runs `program` over the rows x cols elements of x (and a, g when it reads them), writing
// `outputs` as its sinks say.
template <class T>
void run_program(const Program& program, std::span<const typename Kernel<T>::Binding> params, Index rows, Index cols,
                 const T* x, const T* a, const T* g, std::span<T* const> outputs, T* registers, double* scalars) {
  std::array<double, kMaxParams> shared{};
  for (std::size_t k = 0; k < params.size(); ++k) shared[k] = params[k].value;
  evaluate_scalars(program, shared, scalars);
  for (const Sink& s : program.sinks) {
    if (s.kind == SinkKind::kSumTimesGrad) std::fill_n(outputs[static_cast<std::size_t>(s.output)], rows, T(0));
  }
  Run<T> run{params, rows, x, a, g, registers, scalars, registers + program.registers * Kernel<T>::kChunk};
  const Index size = rows * cols;
  for (run.first = 0; run.first < size; run.first += Kernel<T>::kChunk) {
    run.count = std::min<Index>(Kernel<T>::kChunk, size - run.first);
    for (const Instruction& in : program.code) execute(in, run);
    for (const Sink& s : program.sinks) sink(s, run, outputs);
  }
}

template void run_program<float>(const Program&, std::span<const Kernel<float>::Binding>, Index, Index, const float*,
                                 const float*, const float*, std::span<float* const>, float*, double*);
template void run_program<double>(const Program&, std::span<const Kernel<double>::Binding>, Index, Index, const double*,
                                  const double*, const double*, std::span<double* const>, double*, double*);

}  // namespace mlp::formula::detail
