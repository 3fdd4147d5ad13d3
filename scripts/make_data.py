#!/usr/bin/env python3
"""Writes the small generated data sets that mlptrain ships in data/.

Deterministic: each file comes from its own seeded random.Random, so running the script again
rewrites the same bytes (Python's Mersenne Twister and float formatting are the same everywhere).
Standard library only.

    scripts/make_data.py            # writes into data/ next to this script's folder
    scripts/make_data.py --out DIR
"""

import argparse
import csv
import math
import random
from pathlib import Path


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def fmt(value):
    return f"{value:.6f}"


def regression(rng, rows=2000):
    """8 features uniform in [-1, 1]; a smooth nonlinear target with noise of std 0.05.

    y = sin(pi x1) + x2^2 - x3 x4 + 0.5 cos(2 x5) + 0.3 x6 + tanh(2 x7) + 0.1 x8 + noise.
    The signal's variance is about 1.3 against 0.0025 for the noise, so the best possible R^2
    is about 0.998; a small MLP reaches 0.95 easily.
    """
    out = []
    for _ in range(rows):
        x = [rng.uniform(-1, 1) for _ in range(8)]
        y = (math.sin(math.pi * x[0]) + x[1] ** 2 - x[2] * x[3] + 0.5 * math.cos(2 * x[4]) + 0.3 * x[5]
             + math.tanh(2 * x[6]) + 0.1 * x[7] + rng.gauss(0, 0.05))
        out.append([fmt(v) for v in x] + [fmt(y)])
    return [f"x{i + 1}" for i in range(8)] + ["y"], out


def xor():
    """The four rows of the XOR truth table: not linearly separable, so it needs a hidden layer."""
    return ["x1", "x2", "y"], [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]


def simplenet(rng, rows=1000, features=10, hidden=5):
    """Teacher-student regression: the target is a fixed 10-5-1 tanh network of the features
    (weights drawn from N(0, 1/fan_in)) plus noise of std 0.01, so an MLP of that shape can
    recover it almost exactly."""
    w1 = [[rng.gauss(0, 1 / math.sqrt(features)) for _ in range(features)] for _ in range(hidden)]
    b1 = [rng.gauss(0, 0.1) for _ in range(hidden)]
    w2 = [rng.gauss(0, 1 / math.sqrt(hidden)) for _ in range(hidden)]
    out = []
    for _ in range(rows):
        x = [rng.gauss(0, 1) for _ in range(features)]
        h = [math.tanh(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(w1, b1)]
        y = sum(w * hi for w, hi in zip(w2, h)) + rng.gauss(0, 0.01)
        out.append([fmt(v) for v in x] + [fmt(y)])
    return [f"x{i + 1}" for i in range(features)] + ["y"], out


def spirals(rng, per_class=300, classes=3):
    """Three interleaved spiral arms in the plane (as in Stanford's CS231n notes): class k's
    points have radius r in [0, 1] and angle 4k + 4r plus noise of std 0.2. No straight line
    separates two arms, so a linear model stays near chance."""
    out = []
    for k in range(classes):
        for i in range(per_class):
            r = i / (per_class - 1)
            t = 4 * k + 4 * r + rng.gauss(0, 0.2)
            out.append([fmt(r * math.sin(t)), fmt(r * math.cos(t)), k])
    return ["x1", "x2", "class"], out


def main():
    default_out = Path(__file__).resolve().parent.parent / "data"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out, help=f"output folder (default: {default_out})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sets = {
        "regression.csv": regression(random.Random(1)),
        "xor.csv": xor(),
        "simplenet.csv": simplenet(random.Random(2)),
        "spirals.csv": spirals(random.Random(3)),
    }
    for name, (header, rows) in sets.items():
        write_csv(args.out / name, header, rows)
        print(f"wrote {args.out / name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
