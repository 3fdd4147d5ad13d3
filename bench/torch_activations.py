#!/usr/bin/python3
"""PyTorch's cost per element of each activation's forward + backward pass, to set beside
mlptrain's (bench/micro.cpp, `activation/<name>`), measured the same way: a 256 x 4096 float32
batch with inputs uniform in [-4, 4], one thread.

    build/bench/mlptrain activations --format json | /usr/bin/python3 bench/torch_activations.py

Reads mlptrain's activation list (its name and matching torch module, "torch.nn.ReLU") from
standard input, so there is no second list of names here; each module is built with its default
parameters, which are mlptrain's defaults too. Prints one JSON object: name -> nanoseconds per
element (median of 5 timings), plus "copy", a plain clone of the batch, the floor of any
elementwise pass. Activations whose torch entry names no module are left out.
"""

import json
import re
import sys
import time

import torch

ROWS, COLS = 256, 4096


def ns_per_element(step, min_seconds=0.1):
    step()  # warm up
    repeats = 1
    while True:
        start = time.perf_counter()
        for _ in range(repeats):
            step()
        if time.perf_counter() - start >= min_seconds / 5 or repeats >= 1 << 16:
            break
        repeats *= 2
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            step()
        timings.append((time.perf_counter() - start) / repeats / (ROWS * COLS) * 1e9)
    return sorted(timings)[2]


def main():
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(7)
    x = (torch.rand(ROWS, COLS, generator=generator) * 8 - 4).requires_grad_()
    grad = torch.rand(ROWS, COLS, generator=generator) * 2 - 1
    costs = {"copy": ns_per_element(lambda: x.detach().clone())}
    for entry in json.load(sys.stdin):
        match = re.match(r"torch\.nn\.(\w+)", entry["torch"])
        if not match or not hasattr(torch.nn, match.group(1)):
            continue
        module = getattr(torch.nn, match.group(1))()

        def step():
            module(x).backward(grad)
            x.grad = None

        costs[entry["name"]] = ns_per_element(step)
    print(json.dumps(costs))


if __name__ == "__main__":
    main()
