"""Reference values for tests/unit/optim/test_optimizers.cpp, from torch 1.13 (CPU, float32).

Run: /usr/bin/python3 tests/reference/optimizers.py
Two parameter tensors, w = [0.5, -1, 2] and b = [0.1, -0.3], take 5 steps of each optimizer
(single-tensor path: foreach=False) on the quadratic L = sum c (p - t)^2 / 2, whose gradient
g = (p - t) * c is set by hand in float32 with the same operations as the C++ test, so both
sides see identical gradients. Prints the parameters after the last step as float32 values.
"""
import torch

W0, B0 = [0.5, -1.0, 2.0], [0.1, -0.3]
TW, TB = [1.0, 0.0, -1.0], [0.5, 0.5]
CW, CB = [1.0, 2.0, 0.5], [3.0, 1.0]

VARIANTS = [
    ("sgd", torch.optim.SGD, dict(lr=0.1)),
    ("sgd", torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("sgd", torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.1)),
    ("sgd", torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("adam", torch.optim.Adam, dict(lr=0.1)),
    ("adam", torch.optim.Adam, dict(lr=0.1, betas=(0.8, 0.5), weight_decay=0.1, amsgrad=True)),
    ("adamw", torch.optim.AdamW, dict(lr=0.1)),
    ("adamw", torch.optim.AdamW, dict(lr=0.1, betas=(0.8, 0.5), weight_decay=0.5, amsgrad=True)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.01)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.9, centered=True)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.5, weight_decay=0.1, initial_accumulator_value=0.1)),
]

for name, cls, kwargs in VARIANTS:
    w = torch.tensor(W0, dtype=torch.float32, requires_grad=True)
    b = torch.tensor(B0, dtype=torch.float32, requires_grad=True)
    opt = cls([w, b], foreach=False, **kwargs)
    for _ in range(5):
        with torch.no_grad():
            w.grad = (w - torch.tensor(TW)) * torch.tensor(CW)
            b.grad = (b - torch.tensor(TB)) * torch.tensor(CB)
        opt.step()
    values = [float(x) for x in torch.cat([w.detach(), b.detach()])]
    print(f"{name} {kwargs}: {values}")

# The hand-worked single-parameter cases: p = 1, the given gradient sequence, parameter after
# each step (float32).
HAND = [
    ("sgd", torch.optim.SGD, dict(lr=0.1), [1.0, 2.0]),
    ("sgd", torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.1), [1.0, 2.0, -1.0]),
    ("sgd", torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), [1.0, 2.0]),
    ("adam", torch.optim.Adam, dict(lr=0.1), [1.0, -2.0]),
    ("adam", torch.optim.Adam, dict(lr=0.1, weight_decay=0.1), [1.0]),
    ("adam", torch.optim.Adam, dict(lr=0.1, betas=(0.9, 0.5), amsgrad=True), [2.0, 0.5]),
    ("adam", torch.optim.Adam, dict(lr=0.1, betas=(0.9, 0.5)), [2.0, 0.5]),
    ("adamw", torch.optim.AdamW, dict(lr=0.1, weight_decay=0.1), [1.0, -2.0]),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.01), [1.0, 2.0]),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.01, momentum=0.9, centered=True), [1.0, 2.0]),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.5, initial_accumulator_value=0.1), [1.0, 2.0]),
]
for name, cls, kwargs, grads in HAND:
    p = torch.tensor([1.0], dtype=torch.float32, requires_grad=True)
    opt = cls([p], foreach=False, **kwargs)
    trace = []
    for g in grads:
        p.grad = torch.tensor([g], dtype=torch.float32)
        opt.step()
        trace.append(float(p.detach()[0]))
    print(f"hand {name} {kwargs} grads {grads}: {trace}")
