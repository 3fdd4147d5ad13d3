"""Reference for tests/e2e/test_warm_start.cpp: PyTorch trains from known weights, mlptrain must follow.

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/reference/warm_start.py > tests/reference/warm_start.json

For each case, torch builds a 4-16-16-3 network with its own default initialisation (seeded), and
the script writes those weights as an mlptrain model file, with a standardisation of iris'
features. scripts/to_torch.py then loads that model file back into the torch.nn.Sequential that
trains (so the mapping of docs/model-format.md is the one exercised), in float32, on iris,
standardised as mlptrain standardises (in double, rounded to float32), full-batch order (no
shuffling), batch 16, cross-entropy, 20 epochs. The per-epoch training loss is the mean of the
batch losses weighted by batch size, as mlptrain's metrics.csv reports it.

The test starts `mlptrain train` from each model file (train.init_from) with the same settings
and checks that its metrics.csv follows these losses to a relative 1e-5.
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import to_torch  # noqa: E402  (scripts/ is not a package)

EPOCHS, BATCH = 20, 16
# name, mlptrain activation (model.activation and the model file's layer), torch module, optimizer
CASES = [
    ("sgd_momentum_relu", {"name": "relu"}, {}, {"name": "sgd", "lr": 0.05, "momentum": 0.9}),
    ("sgd_momentum_tanh", {"name": "tanh"}, {}, {"name": "sgd", "lr": 0.05, "momentum": 0.9}),
    ("adam_silu", {"name": "silu"}, {}, {"name": "adam", "lr": 0.01}),
    ("adam_elu", {"name": "elu"}, {"alpha": 1.0}, {"name": "adam", "lr": 0.01}),
    ("adam_prelu", {"name": "prelu"}, {"num_parameters": 1, "init": 0.25}, {"name": "adam", "lr": 0.01}),
]
TORCH_NAMES = {"relu": "ReLU", "tanh": "Tanh", "silu": "SiLU", "elu": "ELU", "prelu": "PReLU"}


def read_iris():
    with open(ROOT / "data/iris.csv", newline="") as file:
        rows = list(csv.reader(file))
    header, rows = rows[0], [row for row in rows[1:] if row]
    target = header.index("species")
    features = [name for name in header if name != "species"]
    x = np.array([[np.float32(float(row[i])) for i, name in enumerate(header) if name != "species"] for row in rows],
                 dtype=np.float32)
    classes = sorted({row[target] for row in rows})
    y = np.array([classes.index(row[target]) for row in rows], dtype=np.int64)
    return features, classes, x, y


def standardisation(x):
    """A mean and scale for the model file: iris' own, rounded to float32 (any would do)."""
    x64 = x.astype(np.float64)
    return x64.mean(axis=0).astype(np.float32), x64.std(axis=0).astype(np.float32)


def standardise(x, mean, scale):
    # As mlptrain: in double, from the float32 values, rounded back to float32.
    return ((x.astype(np.float64) - mean.astype(np.float64)) / scale.astype(np.float64)).astype(np.float32)


def floats(tensor):
    return [float(v) for v in tensor.detach().reshape(-1)]


def model_file(seed, activation, params, features, classes, mean, scale):
    """An mlptrain model file holding torch's initial weights for a 4-16-16-3 network."""
    torch.manual_seed(seed)
    sizes = [len(features), 16, 16, len(classes)]
    layers = []
    for i in range(3):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        layers.append({"type": "linear", "in_features": sizes[i], "out_features": sizes[i + 1],
                       "weight": [floats(row) for row in linear.weight], "bias": floats(linear.bias)})
        if i < 2:
            layer = {"type": "activation", "name": activation["name"],
                     "torch": "torch.nn." + TORCH_NAMES[activation["name"]], "units": sizes[i + 1],
                     "params": params}
            if activation["name"] == "prelu":
                layer["weight"] = [params["init"]] * params["num_parameters"]
            layers.append(layer)
    return {"format": "mlptrain-model", "version": 1, "task": "classification",
            "features": {"names": features, "mean": floats(torch.from_numpy(mean)),
                         "scale": floats(torch.from_numpy(scale))},
            "targets": ["species"], "classes": classes, "layers": layers}


def train(model, optimizer, x, y):
    net = to_torch.build_sequential(model).train()
    kwargs = {key: value for key, value in optimizer.items() if key != "name"}
    make = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer["name"]]
    opt = make(net.parameters(), foreach=False, **kwargs)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    losses = []
    for _ in range(EPOCHS):
        total = 0.0
        for first in range(0, len(xt), BATCH):
            xb, yb = xt[first:first + BATCH], yt[first:first + BATCH]
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            total += float(loss) * len(xb)
        losses.append(total / len(xt))
    return losses


def main():
    torch.set_num_threads(1)
    features, classes, x, y = read_iris()
    mean, scale = standardisation(x)
    xs = standardise(x, mean, scale)
    cases = []
    for seed, (name, activation, params, optimizer) in enumerate(CASES):
        model = model_file(seed, activation, params, features, classes, mean, scale)
        cases.append({"name": name, "activation": activation, "optimizer": optimizer, "model": model,
                      "train_loss": train(model, optimizer, xs, y)})
    json.dump({"generated_by": f"tests/reference/warm_start.py, torch {torch.__version__}",
               "data": "data/iris.csv", "target": "species", "epochs": EPOCHS, "batch_size": BATCH,
               "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
