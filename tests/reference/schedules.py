"""Reference values for tests/unit/optim/test_schedules.cpp, from torch 1.13's lr_scheduler.

Run: /usr/bin/python3 tests/reference/schedules.py
The rate each epoch trains with, for base lr 0.1, stepping the scheduler after each epoch.
"""
import torch
from torch.optim import lr_scheduler

CASES = [
    ("step(step_size=3, gamma=0.5)", lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    ("exponential(gamma=0.9)", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9)),
    ("cosine(T_max=10, eta_min=0.001)", lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
]
for name, make in CASES:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make(opt)
    rates = []
    for epoch in range(10):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    print(name, rates)
