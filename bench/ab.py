#!/usr/bin/env python3
"""Two or more mlptrain binaries on one config, interleaved: the median and minimum of their
summary.json train_seconds, and each one's speed-up over the first. For measuring a change
against the build before it on a machine that is never quite idle (runs alternate, so drifts in
the machine's speed hit every binary alike).

  bench/ab.py --config bench/configs/a_small.json --threads 1 --reps 7 OLD NEW [-- --set train.epochs=60]

OpenBLAS's own kernel choice is used (OPENBLAS_CORETYPE is removed from the environment, as
bench/run does). Standard library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    parser.add_argument("--threads", default="1")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    config = Path(args.config).resolve()
    binaries = [str(Path(b).resolve()) for b in args.binaries]
    seconds = {b: [] for b in binaries}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.reps):
            for binary in binaries:
                subprocess.run([binary, "--config", str(config), "--threads", args.threads, "--out", out, "--quiet"]
                               + extra, check=True, env=env)
                seconds[binary].append(json.loads((Path(out) / "summary.json").read_text())["train_seconds"])
    first = statistics.median(seconds[binaries[0]])
    for binary in binaries:
        median = statistics.median(seconds[binary])
        print(f"{binary}: median {median:.4f} s, min {min(seconds[binary]):.4f} s, "
              f"speed-up over the first {first / median:.3f}x")


if __name__ == "__main__":
    main()
