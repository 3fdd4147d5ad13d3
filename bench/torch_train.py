#!/usr/bin/python3
"""The PyTorch side of the benchmark suite: trains the network an mlptrain config describes, the
way mlptrain trains it, and times the epoch loop.

    /usr/bin/python3 bench/torch_train.py CONFIG.json [--threads N]

Reads the same JSON config and the same CSV file as `mlptrain --config CONFIG.json`, builds the
equivalent torch.nn.Sequential (Linear layers with PyTorch's default initialisation, the hidden
activation after each hidden Linear), the same loss with reduction 'mean' (CrossEntropyLoss for
classification, MSELoss for regression), the same optimizer with the same hyper-parameters, the
same batch size and number of epochs, and reshuffles the samples every epoch. Features are
standardised with the population standard deviation, as mlptrain does.

Prints one JSON line: train_seconds (the epoch loop only, as mlptrain's summary.json reports it),
samples_per_second, load_seconds (reading and preparing the CSV) and the last epoch's mean
training loss. The whole process is timed from outside by bench/run.

Only what the suite's configs use is supported (bench/configs/*.json); anything else is an error
rather than a silently different run. Use /usr/bin/python3: Debian's python3-torch imports only
there.
"""

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

# mlptrain activation name -> torch.nn module, for the activations the suite's configs use
# (each with its default parameters, which mlptrain takes from PyTorch).
ACTIVATIONS = {
    "identity": torch.nn.Identity,
    "sigmoid": torch.nn.Sigmoid,
    "tanh": torch.nn.Tanh,
    "relu": torch.nn.ReLU,
    "leaky_relu": torch.nn.LeakyReLU,
    "elu": torch.nn.ELU,
    "gelu": torch.nn.GELU,
    "silu": torch.nn.SiLU,
    "softplus": torch.nn.Softplus,
    "mish": torch.nn.Mish,
}


def fail(message):
    sys.exit(f"torch_train.py: {message}")


def named(value):
    """A config value that is a name or an object with a name -> (name, parameters)."""
    if isinstance(value, str):
        return value, {}
    params = dict(value)
    return params.pop("name"), params


def load_data(config, config_dir):
    data = config["data"]
    if data.get("val_fraction", 0.2) != 0 or data.get("val") or data.get("test"):
        fail("the suite's configs train without validation or test sets (data.val_fraction 0)")
    path = (config_dir / data["train"]).resolve()
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    target = data.get("target") or header[-1]
    values = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    column = header.index(target)
    features = np.delete(values, column, axis=1)
    targets = values[:, column]
    if data.get("standardize", True):
        mean = features.mean(axis=0)
        scale = features.std(axis=0)  # population standard deviation, as mlptrain's
        scale[scale == 0] = 1
        features = (features - mean) / scale
    task = data.get("task", "auto")
    if task == "classification":
        _, labels = np.unique(targets, return_inverse=True)
        y = torch.from_numpy(labels.astype(np.int64))
        outputs = int(labels.max()) + 1
    elif task == "regression":
        y = torch.from_numpy(targets.astype(np.float32)).reshape(-1, 1)
        outputs = 1
    else:
        fail("data.task must be given (classification or regression)")
    return torch.from_numpy(features.astype(np.float32)), y, outputs, task


def build_model(config, inputs, outputs):
    model = config["model"]
    if model.get("init", "default") != "default" or "layers" in model or model.get("dropout", 0):
        fail("only model.hidden with the default init and no dropout is supported")
    name, params = named(model.get("activation", "relu"))
    if name not in ACTIVATIONS or params:
        fail(f"activation {name!r} with parameters {params} is not supported")
    layers, width = [], inputs
    for units in model.get("hidden", [64, 64]):
        layers += [torch.nn.Linear(width, units), ACTIVATIONS[name]()]
        width = units
    layers.append(torch.nn.Linear(width, outputs))
    return torch.nn.Sequential(*layers)


def build_optimizer(train, parameters):
    name, params = named(train.get("optimizer", "adam"))
    known = {"adam": (torch.optim.Adam, {"lr", "betas", "eps", "weight_decay", "amsgrad"}),
             "sgd": (torch.optim.SGD, {"lr", "momentum", "dampening", "weight_decay", "nesterov"})}
    if name not in known or not set(params) <= known[name][1]:
        fail(f"optimizer {name!r} with parameters {sorted(params)} is not supported")
    if name == "sgd":
        params.setdefault("lr", 0.01)  # torch.optim.SGD has no default; mlptrain's is 0.01
    return known[name][0](parameters, **params)


def train_loop(model, loss_fn, optimizer, x, y, train):
    """The epochs; returns (seconds, last epoch's mean loss)."""
    epochs, batch = train.get("epochs", 100), train.get("batch_size", 32)
    generator = torch.Generator().manual_seed(train.get("seed", 42))
    n = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator) if train.get("shuffle", True) else torch.arange(n)
        total = 0.0
        for first in range(0, n, batch):
            index = order[first:first + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
            total += loss.item() * index.shape[0]
    return time.perf_counter() - start, total / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = json.loads(args.config.read_text(encoding="utf-8"))
    train = config.get("train", {})
    if train.get("loss", "auto") != "auto" or train.get("schedule", "constant") != "constant":
        fail("only train.loss auto and the constant schedule are supported")

    load_start = time.perf_counter()
    x, y, outputs, task = load_data(config, args.config.parent)
    load_seconds = time.perf_counter() - load_start
    torch.manual_seed(train.get("seed", 42))
    model = build_model(config, x.shape[1], outputs)
    loss_fn = torch.nn.CrossEntropyLoss() if task == "classification" else torch.nn.MSELoss()
    optimizer = build_optimizer(train, model.parameters())
    seconds, loss = train_loop(model, loss_fn, optimizer, x, y, train)
    samples = x.shape[0] * train.get("epochs", 100)
    print(json.dumps({"train_seconds": seconds, "samples_per_second": samples / seconds,
                      "load_seconds": load_seconds, "final_train_loss": loss, "threads": args.threads,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
