#!/usr/bin/python3
"""Writes tests/support/activation_reference.hpp: every activation's value and derivatives at
fixed points, computed by PyTorch 1.13 in float64 (CPU).

Run from the repository root (Debian's python3-torch imports only with /usr/bin/python3):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/reference/activations.py \
      | clang-format --assume-filename=x.hpp > tests/support/activation_reference.hpp

Each case names its activation as the table does, with the parameters it sets (the others keep
their defaults); the tests build it with Activation::with(name, {{parameter, value}, ...}), so a
parameter is given by its name, a choice by its text.
The derivative with respect to x is torch's autograd (so at a kink it is PyTorch's choice); for
the learnable functions the derivative with respect to the learned value is taken per point.
Torch's CPU kernels have a vectorised body and a scalar loop for the tail of a tensor; where the
two disagree (hardswish at x = 3), the vectorised one is kept, as nearly every element of a
batch takes it, and the disagreement is listed in the header, as is the one value corrected:
torch's float64 hardsigmoid derivative, 1/6 rounded to float32.
"""
import torch

torch.set_default_dtype(torch.float64)
nn = torch.nn
F = torch.nn.functional

POINTS = [-1e4, -100.0, -6.0, -3.0, -2.5, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 6.0, 100.0, 1e4]


def prelu(init):
    # One slope per point: the points become the channels of a 1 x N input.
    def f(x, w):
        return F.prelu(x.reshape(1, -1), w).reshape(-1)
    return f, init


def swish(beta):
    # No torch module: x * sigmoid(beta * x) with beta a parameter, one per point here.
    return (lambda x, b: x * torch.sigmoid(b * x)), beta


CASES = [
    ("identity", {}, nn.Identity()),
    ("sigmoid", {}, nn.Sigmoid()),
    ("tanh", {}, nn.Tanh()),
    ("relu", {}, nn.ReLU()),
    ("leaky_relu", {}, nn.LeakyReLU()),
    ("leaky_relu", {"negative_slope": 0.2}, nn.LeakyReLU(0.2)),
    ("prelu", {}, prelu(0.25)),
    ("prelu", {"num_parameters": 1, "init": -0.1}, prelu(-0.1)),
    ("elu", {}, nn.ELU()),
    ("elu", {"alpha": 0.5}, nn.ELU(0.5)),
    ("selu", {}, nn.SELU()),
    ("celu", {}, nn.CELU()),
    ("celu", {"alpha": 2.0}, nn.CELU(2.0)),
    ("gelu", {}, nn.GELU()),
    ("gelu", {"approximate": "tanh"}, nn.GELU(approximate="tanh")),
    ("silu", {}, nn.SiLU()),
    ("swish", {}, swish(1.0)),
    ("swish", {"num_parameters": 1, "beta": 0.5}, swish(0.5)),
    ("swish", {"num_parameters": 1, "beta": -1.5}, swish(-1.5)),
    ("mish", {}, nn.Mish()),
    ("softplus", {}, nn.Softplus()),
    ("softplus", {"beta": 2.0, "threshold": 5.0}, nn.Softplus(beta=2.0, threshold=5.0)),
    ("relu6", {}, nn.ReLU6()),
    ("hardtanh", {}, nn.Hardtanh()),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}, nn.Hardtanh(-2.0, 0.5)),
    ("hardsigmoid", {}, nn.Hardsigmoid()),
    ("hardswish", {}, nn.Hardswish()),
    ("softsign", {}, nn.Softsign()),
    ("logsigmoid", {}, nn.LogSigmoid()),
    ("tanhshrink", {}, nn.Tanhshrink()),
]


def evaluate(fn, points=POINTS):
    x = torch.tensor(points, requires_grad=True)
    learned = None
    if isinstance(fn, tuple):
        f, init = fn
        learned = torch.full((len(points),), init, requires_grad=True)
        y = f(x, learned)
    else:
        y = fn(x)
    y.backward(torch.ones_like(y))
    dlearned = learned.grad.tolist() if learned is not None else None
    return y.tolist(), x.grad.tolist(), dlearned


def numbers(values):
    return "{" + ", ".join(repr(float(v)) for v in values) + "}"


# torch's float64 hardsigmoid backward multiplies by 1/6 rounded to float32.
HARDSIGMOID_SIXTH = float(torch.tensor(1 / 6, dtype=torch.float32))


def evaluate_exact(name, fn, points=POINTS):
    value, grad, dlearned = evaluate(fn, points)
    if name == "hardsigmoid":
        grad = [1 / 6 if g == HARDSIGMOID_SIXTH else g for g in grad]
    return value, grad, dlearned


def described(name, params):
    """The case for messages: "leaky_relu(negative_slope=0.2)"."""
    return name + ("(" + ", ".join(f"{key}={value}" for key, value in params.items()) + ")" if params else "")


def param_args(params):
    """The parameters as C++ ParamArgs for Activation::with: {{"beta", 2.0}, {"approximate", "tanh"}}."""
    def value_text(value):
        if isinstance(value, str):
            return f'"{value}"'
        return str(value) if isinstance(value, int) else repr(float(value))
    return "{" + ", ".join(f'{{"{key}", {value_text(value)}}}' for key, value in params.items()) + "}"


def main():
    results = []
    disagreements = [f"// hardsigmoid: torch's float64 backward uses 1/6 rounded to float32 ({HARDSIGMOID_SIXTH!r}); "
                     "1/6 kept."]
    for name, params, fn in CASES:
        value, grad, dlearned = evaluate_exact(name, fn)
        results.append((name, params, value, grad, dlearned))
        text = described(name, params)
        for x, g in zip(POINTS, grad):
            _, alone, _ = evaluate_exact(name, fn, [x])
            if abs(alone[0] - g) > 1e-12 * max(1.0, abs(g)):
                disagreements.append(f"// {text} at x = {x}: d/dx is {alone[0]!r} in torch's scalar tail loop, "
                                     f"{g!r} in its vectorised body (kept).")
    print("// Generated by tests/reference/activations.py with PyTorch " + torch.__version__.split("+")[0]
          + " in float64 (CPU): do not edit.")
    print("// Values and derivatives of every activation at kReferencePoints; at a kink the derivative")
    print("// is the one torch's autograd returns.")
    for line in disagreements:
        print(line)
    print("#pragma once")
    print()
    print('#include "mlp/param.hpp"')
    print()
    print("#include <array>")
    print("#include <initializer_list>")
    print("#include <string_view>")
    print()
    print("namespace mlp::test {")
    print()
    print(f"inline constexpr std::array<double, {len(POINTS)}> kReferencePoints = {numbers(POINTS)};")
    print()
    print("struct ReferenceCase {")
    print("  std::string_view name;                   // the activation, as its table entry names it")
    print("  std::initializer_list<ParamArg> params;  // the parameters set, for Activation::with; the others default")
    print(f"  std::array<double, {len(POINTS)}> value;")
    print(f"  std::array<double, {len(POINTS)}> grad;          // d value / dx")
    print(f"  std::array<double, {len(POINTS)}> learned_grad;  // d value / d learned value (zeros when none)")
    print("};")
    print()
    print("inline const ReferenceCase kReferenceCases[] = {")
    for name, params, value, grad, dlearned in results:
        print(f'    {{"{name}",')
        print(f"     {param_args(params)},")
        print(f"     {numbers(value)},")
        print(f"     {numbers(grad)},")
        print(f"     {numbers(dlearned or [0.0] * len(POINTS))}}},")
    print("};")
    print()
    print("}  // namespace mlp::test")


if __name__ == "__main__":
    main()
