"""Reference values for tests/unit/nn/test_losses.cpp, from torch 1.13 (CPU, float64).

Run: /usr/bin/python3 tests/reference/losses.py
Each block prints the loss (reduction 'mean') and d loss / d output, with output laid out
like the C++ tests: rows = outputs, columns = samples (torch's input is the transpose).
"""
import torch

torch.set_printoptions(precision=17)


def show(name, loss_fn, output, target):
    x = torch.tensor(output, dtype=torch.float64, requires_grad=True)
    loss = loss_fn(x, target)
    loss.backward()
    print(f"{name}: loss = {loss.item()!r}")
    print(f"  grad = {x.grad.tolist()}")


# Regression losses: output and target are 2 outputs x 3 samples, compared elementwise.
out = [[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]]
tgt = torch.tensor([[1.0, -1.0, 0.0], [2.5, 1.0, 0.25]], dtype=torch.float64)
show("mse", lambda x, y: torch.nn.MSELoss()(x, y), out, tgt)
show("l1", lambda x, y: torch.nn.L1Loss()(x, y), out, tgt)
show("huber", lambda x, y: torch.nn.HuberLoss()(x, y), out, tgt)
show("huber delta=0.3", lambda x, y: torch.nn.HuberLoss(delta=0.3)(x, y), out, tgt)

# Binary: one logit per sample, targets 0/1.
show("bce_with_logits", lambda x, y: torch.nn.BCEWithLogitsLoss()(x, y), [[-2.0, 0.5, 3.0, 0.0]],
     torch.tensor([[0.0, 1.0, 0.0, 1.0]], dtype=torch.float64))
show("bce_with_logits extreme", lambda x, y: torch.nn.BCEWithLogitsLoss()(x, y),
     [[100.0, -100.0, 1e4, -1e4, 1e4, -1e4]],
     torch.tensor([[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]], dtype=torch.float64))

# Cross-entropy: 3 classes x 4 samples (torch wants samples x classes, hence the transposes).
logits = [[1.0, -0.5, 0.2, 2.0], [0.3, 1.5, -1.0, 0.0], [-1.2, 0.7, 0.9, 2.0]]
classes = torch.tensor([0, 2, 1, 2])
for smoothing in (0.0, 0.1, 1.0):
    show(f"cross_entropy label_smoothing={smoothing}",
         lambda x, y: torch.nn.CrossEntropyLoss(label_smoothing=smoothing)(x.t(), y), logits, classes)
extreme = [[1e4, -1e4, 100.0], [-1e4, 1e4, -100.0]]
for smoothing in (0.0, 0.1):
    show(f"cross_entropy extreme label_smoothing={smoothing}",
         lambda x, y: torch.nn.CrossEntropyLoss(label_smoothing=smoothing)(x.t(), y), extreme,
         torch.tensor([1, 1, 0]))

# Output transforms.
print("softmax", torch.softmax(torch.tensor(logits, dtype=torch.float64), dim=0).tolist())
