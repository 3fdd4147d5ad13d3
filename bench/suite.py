#!/usr/bin/python3
"""The benchmark suite of issues 6 and 15: mlptrain against PyTorch and against the machine's limits
(its FMA peak and the best-GEMM bound).

Run through bench/run, which installs what is missing and builds build/bench first. Options:

    --reps N       repetitions of each timed process; the median is reported (default 3)
    --quick        one repetition and shorter micro-benchmarks: checks the suite, not the figures
    --only LIST    a subset of the measurements, e.g. --only a,b,micro (a b c d e f g h i micro);
                   --only backends runs the matrix-product backends of issue 15 (bench/gemm_backends,
                   not part of the default run) and writes bench/results/gemm-backends-<date>.md
    --no-torch     mlptrain's columns only, even when PyTorch is installed
    --out FILE     where to write the results (default bench/results/<date>.md; with --quick,
                   bench/work/<date>-quick.md)

Standard library only; PyTorch (python3-torch) and pandas (python3-pandas) are optional.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from dataclasses import dataclass

import measure
import report
from measure import CONFIGS, PYTHON, TOOLS, WORK, progress

THREADS = (1, 2)
ALL = ("a", "b", "c", "d", "e", "f", "g", "h", "i", "micro")
# Only on request: about 10 minutes on its own, and a study of libraries rather than of mlptrain.
EXTRA = ("backends",)


@dataclass
class Workload:
    key: str
    title: str
    config: str


TRAINING = [
    Workload("a", "(a) 64-64-64-10, batch 32, Adam, relu", "a_small.json"),
    Workload("b", "(b) 784-256-256-10, batch 256, SGD momentum 0.9, relu", "b_gemm.json"),
    Workload("c", "(c) 64-32x10-10 deep narrow, batch 32, Adam, tanh", "c_deep.json"),
    Workload("d", "(d) 16-64-64-1 regression, batch 64, Adam, tanh", "d_regression.json"),
]


def parse_args():
    parser = argparse.ArgumentParser(description="mlptrain's benchmark suite (issues 6 and 15)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    if not args.only <= set(ALL) | set(EXTRA):
        parser.error(f"--only: choose from {','.join(ALL + EXTRA)}")
    if args.quick:
        args.reps = 1
    return args


def has_module(name):
    return subprocess.run([PYTHON, "-c", f"import {name}"], capture_output=True).returncode == 0


def ensure_data():
    """Writes the data sets when missing or older than their generator."""
    stamp = WORK / "data" / ".generated"
    if stamp.exists() and stamp.stat().st_mtime >= (TOOLS / "bench_data").stat().st_mtime:
        return
    progress("generating bench/work/data (deterministic)")
    measure.run([TOOLS / "bench_data", WORK / "data"])
    stamp.touch()


class CpuMeter:
    """CPU time the rest of the machine used while the suite ran: all busy time (/proc/stat) minus
    the suite's own and its children's. The load average cannot tell: it counts the suite too."""

    def __init__(self):
        self.start = self.sample()

    @staticmethod
    def sample():
        with open("/proc/stat", encoding="utf-8") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait
        own = os.times()
        return time.monotonic(), busy, own.user + own.system + own.children_user + own.children_system

    def other_cores(self):
        """Cores' worth of CPU the rest of the machine used on average since the start."""
        wall, busy, own = (b - a for a, b in zip(self.start, self.sample()))
        return max(busy - own, 0) / wall


def network_shape(summary):
    """[inputs, hidden..., outputs] of a run, from its summary.json."""
    data = summary["data"]
    hidden = [layer["units"] for layer in summary["config"]["model"]["layers"] if layer["type"] == "linear"]
    outputs = len(data["classes"]) if data["task"] == "classification" else len(data["targets"])
    return [len(data["features"])] + hidden + [outputs]


def training_workload(workload, args, torch):
    config = CONFIGS / workload.config
    rows = []
    bound = None
    for threads in THREADS:
        mine = measure.mlptrain_train(config, threads, args.reps, f"{workload.key}-t{threads}")
        if bound is None:
            shape = network_shape(mine["summary"])
            batch = mine["summary"]["config"]["train"]["batch_size"]
            bound = measure.gemm_bound(shape, batch, THREADS, args.quick)
        theirs = measure.torch_train(config, threads, args.reps) if torch else None
        skylake = None
        if torch and workload.key == "b":
            note = "OPENBLAS_CORETYPE=SkylakeX"
            skylake = measure.torch_train(config, threads, args.reps, env={"OPENBLAS_CORETYPE": "SkylakeX"},
                                          env_note=note)
        rows.append({"workload": workload, "threads": threads, "mlptrain": mine, "torch": theirs,
                     "torch_skylake": skylake, "bound": bound[threads]})
    return rows


def other_measurements(args, torch, pandas):
    results = {}
    if "e" in args.only:
        config = CONFIGS / "e_compare.json"
        results["compare"] = {jobs: measure.compare_wall(config, jobs, args.reps) for jobs in (1, 2)}
    if {"f", "g"} & args.only:
        big = WORK / "data" / "big.csv"
        results["csv"] = measure.csv_load(big, "y", args.reps)
        results["csv_2_threads"] = measure.csv_load(big, "y", args.reps, threads=2)
        results["big_run"] = measure.mlptrain_train(CONFIGS / "f_big.json", 1, args.reps, "f-big")
        # The model just trained, applied to the same file: reading it again and writing one
        # prediction per row.
        predict = [measure.MLPTRAIN, "predict", "--model", WORK / "runs" / "f-big" / "model.json", "--input", big,
                   "--output", WORK / "runs" / "f-big" / "predictions.csv"]
        results["big_predict"] = measure.whole_process(predict, args.reps, "mlptrain predict on big.csv")
        if pandas:
            results["pandas"] = measure.pandas_read_csv(big, args.reps)
    if "h" in args.only:
        iris = measure.ROOT / "configs" / "iris.json"
        cmd = [measure.MLPTRAIN, "--config", iris, "--out", WORK / "runs" / "iris"]
        results["iris"] = measure.whole_process(cmd, max(args.reps, 5), "mlptrain --config configs/iris.json")
    if "i" in args.only:
        config = CONFIGS / "i_digits.json"
        mine = measure.mlptrain_train(config, 1, max(args.reps, 5), "i-digits")
        bound = measure.gemm_bound(network_shape(mine["summary"]), mine["summary"]["config"]["train"]["batch_size"],
                                   (1,), args.quick)
        results["digits"] = {"mlptrain": mine, "bound": bound[1],
                             "torch": measure.torch_train(config, 1, max(args.reps, 5)) if torch else None}
    if "micro" in args.only:
        results["micro"] = measure.micro(args.quick)
        results["torch_activations"] = measure.torch_activations() if torch else None
    return results


def reference_blas():
    """True when the libblas.so.3 that PyTorch loads is Netlib's reference BLAS."""
    probe = ("import torch, os; torch.ones(8, 8) @ torch.ones(8, 8); "
             "maps = open('/proc/self/maps').read(); "
             "libs = {line.split()[-1] for line in maps.splitlines() if 'blas' in line.split()[-1]}; "
             "print(' '.join(sorted(os.path.realpath(path) for path in libs)))")
    loaded = subprocess.run([measure.PYTHON, "-c", probe], capture_output=True, text=True).stdout
    return "/blas/libblas.so" in loaded and "openblas" not in loaded and "blis" not in loaded


def gemm_backends(args):
    """Issue 15's matrix-product backends: all libraries as they choose their kernels themselves,
    then OpenBLAS with OPENBLAS_CORETYPE=SkylakeX and BLIS with BLIS_ARCH_TYPE=0 (its skx
    sub-configuration: on a CPU it does not know, Debian's BLIS 0.9 falls back to its generic C
    kernels). Both variables are read when the library loads, so each takes a process of its own.
    One report, bench/results/gemm-backends-<date>.md."""
    flags = ["--quick"] if args.quick else ["--reps", str(max(args.reps, 5))]
    own = {key: value for key, value in os.environ.items() if key != "OPENBLAS_CORETYPE"}
    runs = [(own, []), (dict(own, OPENBLAS_CORETYPE="SkylakeX"), ["--backends", "openblas"]),
            (dict(own, BLIS_ARCH_TYPE="0"), ["--backends", "blis"])]
    texts = []
    for env, extra in runs:
        chosen = " ".join(f"{key}={env[key]}" for key in ("OPENBLAS_CORETYPE", "BLIS_ARCH_TYPE") if key in env)
        progress(f"gemm_backends {' '.join(flags + extra)} {chosen}")
        texts.append(subprocess.run([TOOLS / "gemm_backends", *flags, *extra], env=env, check=True, text=True,
                                    stdout=subprocess.PIPE).stdout)
    text = "\n".join(texts)
    folder = WORK if args.quick else measure.ROOT / "bench" / "results"
    out = folder / f"gemm-backends-{datetime.date.today().isoformat()}{'-quick' if args.quick else ''}.md"
    os.makedirs(folder, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {measure.rel(out)}", file=sys.stderr)


def main():
    args = parse_args()
    if "backends" in args.only:
        gemm_backends(args)
        args.only.discard("backends")
        if not args.only:
            return
    torch = not args.no_torch and has_module("torch")
    pandas = has_module("pandas")
    if torch and reference_blas():
        # PyTorch on Netlib's reference BLAS runs ~30x slower than on OpenBLAS: a ratio against
        # it would flatter mlptrain by that much (issue 15 saw "21x" that way).
        print("note: PyTorch runs on the reference BLAS (libblas3) here, so no PyTorch ratio is printed; "
              "install libopenblas0-pthread (bench/run does) or select it with update-alternatives",
              file=sys.stderr)
        torch = False
    if not torch:
        print("note: PyTorch columns left empty (install with: apt-get install python3-torch python3-pandas)",
              file=sys.stderr)
    os.chdir(measure.ROOT)
    loads = [os.getloadavg()]
    meter = CpuMeter()
    ensure_data()
    print("measuring (machine load, 1/5/15 min: {:.2f} {:.2f} {:.2f})".format(*loads[0]), file=sys.stderr)
    # The FMA peak anchors every training workload's GFLOP/s (issue 15).
    peak = measure.fma_peak(THREADS, args.quick) if args.only & {"a", "b", "c", "d", "i"} else None
    rows = []
    for workload in TRAINING:
        if workload.key in args.only:
            rows += training_workload(workload, args, torch)
            loads.append(os.getloadavg())
    others = other_measurements(args, torch, pandas)
    if peak:
        others["fma_peak"] = peak
    loads.append(os.getloadavg())

    date = datetime.date.today().isoformat()
    text = report.markdown(date, args, rows, others, (loads, meter.other_cores()), torch, pandas)
    # A quick run checks the suite; its figures are not results, so they stay in bench/work.
    folder = WORK if args.quick else measure.ROOT / "bench" / "results"
    out = args.out or folder / f"{date}{'-quick' if args.quick else ''}.md"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    print(f"wrote {measure.rel(out)}", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except measure.SuiteError as e:
        sys.exit(f"bench: {e}")
