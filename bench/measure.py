"""The measurements of the benchmark suite: each runs a process (mlptrain, the PyTorch script, one
of the suite's C++ instruments), times it from outside and returns the figures.

Every process is timed the same way: wall time from just before it is started to its exit, and its
peak resident set size from the kernel's own account (os.wait4, the call GNU time -v makes too).
Repeated measurements report the median. Standard library only.
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
MLPTRAIN = BUILD / "mlptrain"
TOOLS = BUILD / "bench"
WORK = ROOT / "bench" / "work"
CONFIGS = ROOT / "bench" / "configs"
PYTHON = "/usr/bin/python3"  # Debian's torch imports only from the system Python


class SuiteError(RuntimeError):
    pass


@dataclass
class Process:
    wall: float  # seconds, start to exit
    max_rss_mb: float  # peak resident set size, MiB
    stdout: str


# Every distinct command the suite ran, for the results file.
COMMANDS = []


def rel(path):
    """`path` relative to the repository root when it is inside it."""
    text = str(path)
    return text[len(str(ROOT)) + 1:] if text.startswith(str(ROOT) + "/") else text


def record(cmd, env_note=""):
    text = (env_note + " " if env_note else "") + shlex.join(rel(c) for c in cmd)
    if text not in COMMANDS:
        COMMANDS.append(text)


# OPENBLAS_CORETYPE in the environment overrides OpenBLAS's choice of kernels by CPU (these machines
# set it to Haswell, the AVX2 kernels, on an AVX-512 CPU whose own choice is Cooperlake). An anchor
# must not be lowered by a setting left in a shell, so every command runs without it, unless it sets
# it itself (PyTorch's SkylakeX column); the report says what was removed.
INHERITED_CORETYPE = os.environ.get("OPENBLAS_CORETYPE")
BASE_ENV = {key: value for key, value in os.environ.items() if key != "OPENBLAS_CORETYPE"}


def run(cmd, env=None, stdin=None, env_note=""):
    """Runs cmd in the repository root; raises SuiteError with its stderr when it fails."""
    cmd = [str(c) for c in cmd]
    record(cmd, env_note)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        source = open(stdin, "rb") if stdin else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            process = subprocess.Popen(cmd, stdin=source, stdout=out, stderr=err, cwd=ROOT,
                                       env={**BASE_ENV, **(env or {})})
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        finally:
            if stdin:
                source.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            message = err.read().decode(errors="replace")[-2000:]
            raise SuiteError(f"{shlex.join(cmd)} exited with {process.returncode}:\n{message}")
        return Process(wall, usage.ru_maxrss / 1024, out.read().decode())


def progress(text):
    print(f"  {text}", file=sys.stderr, flush=True)


def median_of(values):
    return statistics.median(values) if values else None


def epoch_seconds(metrics_csv):
    """The sum of metrics.csv's last column: each epoch's own time (training and validation)."""
    lines = metrics_csv.read_text().strip().splitlines()
    if not lines[0].endswith(",seconds"):
        raise SuiteError(f"{metrics_csv}: expected the last column to be seconds")
    return sum(float(line.rsplit(",", 1)[1]) for line in lines[1:])


def mlptrain_train(config, threads, reps, tag):
    """samples/s and train_seconds from summary.json, whole-process wall time, peak RSS."""
    out = WORK / "runs" / tag
    runs = []
    for rep in range(reps):
        progress(f"mlptrain {rel(config)} --threads {threads} ({rep + 1}/{reps})")
        process = run([MLPTRAIN, "--config", config, "--threads", str(threads), "--out", out, "--quiet"])
        summary = json.loads((out / "summary.json").read_text())
        summary["epoch_seconds"] = epoch_seconds(out / "metrics.csv")
        runs.append((process, summary))
    return {
        "samples_per_second": median_of([s["samples_per_second"] for _, s in runs]),
        "train_seconds": median_of([s["train_seconds"] for _, s in runs]),
        "wall": median_of([p.wall for p, _ in runs]),
        "outside_loop": median_of([p.wall - s["train_seconds"] for p, s in runs]),
        # The loop's time outside the epochs themselves: the per-epoch callbacks (metrics.csv
        # rewritten atomically, with fsync), weight snapshots.
        "between_epochs": median_of([s["train_seconds"] - s["epoch_seconds"] for _, s in runs]),
        "max_rss_mb": max(p.max_rss_mb for p, _ in runs),
        "summary": runs[-1][1],
    }


def torch_train(config, threads, reps, env=None, env_note=""):
    """The same training in PyTorch (bench/torch_train.py): loop time and whole-process wall time."""
    runs = []
    # torch.set_num_threads does not bind OpenBLAS, which otherwise starts a thread per core: the
    # "1 thread" row would run on every core (issue 15 saw 2 threads slower than 1 from that).
    env = {"OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads), **(env or {})}
    env_note = f"OMP_NUM_THREADS={threads} OPENBLAS_NUM_THREADS={threads}" + (f" {env_note}" if env_note else "")
    for rep in range(reps):
        progress(f"{env_note + ' ' if env_note else ''}torch_train.py {rel(config)} --threads {threads} "
                 f"({rep + 1}/{reps})")
        process = run([PYTHON, ROOT / "bench" / "torch_train.py", config, "--threads", str(threads)], env=env,
                      env_note=env_note)
        runs.append((process, json.loads(process.stdout.strip().splitlines()[-1])))
    return {
        "samples_per_second": median_of([r["samples_per_second"] for _, r in runs]),
        "train_seconds": median_of([r["train_seconds"] for _, r in runs]),
        "wall": median_of([p.wall for p, _ in runs]),
        "load_seconds": median_of([r["load_seconds"] for _, r in runs]),
    }


def fma_peak(threads, quick):
    """The FMA peak and clock of this machine (bench/fma_peak.cpp): {threads: result}."""
    progress("fma_peak")
    cmd = [TOOLS / "fma_peak", "--threads", ",".join(map(str, threads))]
    if quick:
        cmd += ["--min-time", "0.05", "--trials", "3"]
    lines = run(cmd).stdout.strip().splitlines()
    return {r["threads"]: r for r in map(json.loads, lines)}


def gemm_bound(shape, batch, threads, quick):
    """The GEMM-only bound of one training step with Eigen and OpenBLAS, and the best of the two
    (bench/gemm_bound.cpp): {threads: result}."""
    progress(f"gemm_bound {'-'.join(map(str, shape))} batch {batch}")
    cmd = [TOOLS / "gemm_bound", "--layers", ",".join(map(str, shape)), "--batch", str(batch),
           "--threads", ",".join(map(str, threads))]
    if quick:
        cmd += ["--min-time", "0.05", "--trials", "3"]
    # A bound must not depend on which AVX-512 kernels OpenBLAS picks for a CPU it may not know:
    # on an AVX-512 CPU its SkylakeX kernels are used.
    env = {"OPENBLAS_CORETYPE": "SkylakeX"} if "avx512f" in cpu_flags() else {}
    lines = run(cmd, env=env, env_note=" ".join(f"{k}={v}" for k, v in env.items())).stdout.strip().splitlines()
    return {r["threads"]: r for r in map(json.loads, lines)}


def cpu_flags():
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        return next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])


def compare_wall(config, jobs, reps):
    times = []
    for rep in range(reps):
        progress(f"mlptrain compare {rel(config)} --jobs {jobs} ({rep + 1}/{reps})")
        times.append(run([MLPTRAIN, "compare", "--config", config, "--jobs", str(jobs),
                          "--out", WORK / "runs" / f"compare-jobs{jobs}", "--quiet"]).wall)
    return median_of(times)


def csv_load(path, target, reps, threads=1):
    progress(f"csv_load {rel(path)} --threads {threads}")
    return json.loads(run([TOOLS / "csv_load", path, target, "--trials", str(max(reps, 3)),
                           "--threads", str(threads)]).stdout)


def pandas_read_csv(path, reps):
    progress(f"pandas.read_csv {rel(path)}")
    return json.loads(run([PYTHON, ROOT / "bench" / "pandas_read_csv.py", path, str(max(reps, 3))]).stdout)


def micro(quick):
    """Google Benchmark results of mlp_micro_bench, by name."""
    progress("mlp_micro_bench")
    cmd = [TOOLS / "mlp_micro_bench", "--benchmark_format=json",
           f"--benchmark_min_time={0.05 if quick else 0.3}"]
    # UseRealTime() adds "/real_time" to every name.
    return {b["name"].removesuffix("/real_time"): b for b in json.loads(run(cmd).stdout)["benchmarks"]}


def torch_activations():
    progress("torch_activations.py")
    listing = WORK / "activations.json"
    listing.write_text(run([MLPTRAIN, "activations", "--format", "json"]).stdout)
    one_thread = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return json.loads(run([PYTHON, ROOT / "bench" / "torch_activations.py"], stdin=listing, env=one_thread,
                          env_note="OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1").stdout)


def whole_process(cmd, reps, label):
    times = []
    for rep in range(reps):
        progress(f"{label} ({rep + 1}/{reps})")
        times.append(run(cmd).wall)
    return median_of(times)
