// A compiled program: chosen roots of a formula's graph as a flat list of whole-array
// instructions over a few scratch registers, each one pass over a chunk of the batch.
//
// Nodes that depend on nothing per element (constants, shared parameters, ops over them) are
// "scalars": evaluated once per call, in double, by the scalar steps. Every other node reachable
// from the roots is one instruction writing one register; the register is reused once the last
// instruction reading it has run. Shared subexpressions are one node of the graph (it is
// hash-consed), hence one instruction.
#pragma once

#include "mlp/formula.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace mlp::formula::detail {

// Array instructions: one per Op (kSelect for kWhere), specialised powers, kBroadcast, and
// fused patterns.
enum class Prim : std::uint8_t {
  kNeg,
  kExp,
  kLog,
  kLog1p,
  kSqrt,
  kAbs,
  kSin,
  kCos,
  kTanh,
  kSigmoid,
  kSoftplus,
  kErf,
  kSquare,   // a^2
  kCube,     // a^3
  kInverse,  // a^-1
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kMin,
  kMax,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  kSelect,        // args[0] a 0/1 mask: args[1] where it is 1, else args[2]
  kBroadcast,     // the per-unit values of parameter `param`, unit by unit along the chunk
  kTanhSoftplus,  // tanh(softplus(a)) in one pass (mish), from exp(a) alone
};

struct Operand {
  enum class Kind : std::uint8_t { kRegister, kScalar, kX, kA };
  Kind kind = Kind::kScalar;
  int index = 0;  // register or scalar slot
};

struct Instruction {
  Prim op;
  int dst = 0;  // register
  std::array<Operand, 3> args{};
  int param = -1;  // kBroadcast
};

// What happens to a root's values: stored, stored times grad_a, or, times grad_a, summed over the
// batch per unit (row) into a vector of rows values.
enum class SinkKind : std::uint8_t { kStore, kStoreTimesGrad, kSumTimesGrad };

struct Sink {
  SinkKind kind;
  Operand value;
  int output;  // index into the caller's outputs
};

// One scalar node, arguments being earlier scalar slots (its own slot is its position).
struct ScalarStep {
  Op op;
  double value = 0;  // kConstant
  int param = -1;    // kParam
  std::array<int, 3> args{-1, -1, -1};
};

struct Program {
  std::vector<ScalarStep> scalars;
  std::vector<Instruction> code;
  std::vector<Sink> sinks;
  int registers = 0;
};

struct Root {
  NodeId node;
  SinkKind kind;
  int output;
};

// Compiles `roots`. per_unit[k]: parameter k varies by unit (else it is a shared scalar).
// f_node >= 0: that node is read from the forward output `a` instead of being computed.
Program compile(const Graph& graph, std::span<const Root> roots, const std::vector<bool>& per_unit, NodeId f_node);

// Everything a Kernel runs (formula.hpp).
struct CompiledPrograms {
  Program forward;     // a = f
  Program backward;    // grad_z = grad_a f'
  Program param_grad;  // grad_learned[i] = sum grad_a df/dp_i
  Program fused;       // backward and param_grad together
  Program values;      // f, f', df/dp_i stored
  Program values_f;    // f, f' stored
};

}  // namespace mlp::formula::detail
