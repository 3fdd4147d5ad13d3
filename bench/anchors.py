"""The two anchors of issue 15 that training speed is measured against, and each run's share of them.

- FMA peak: bench/fma_peak, the GFLOP/s of nothing but independent fused multiply-adds on 1 or 2
  threads (the 1-thread peak for 1-thread runs, the 2-thread peak for 2-thread runs).
- Best-GEMM bound: bench/gemm_bound, the GFLOP/s of a step made only of its matrix products, timed
  with Eigen and with OpenBLAS; the better of the two.

A run's GFLOP/s counts the same products (bench/README.md), so its share of the bound is also its
samples/s over the bound's samples/s.
"""

from dataclasses import dataclass


@dataclass
class Anchored:
    key: str  # the workload's letter
    title: str
    threads: int
    mlptrain: dict
    torch: dict  # None without PyTorch
    bound: dict  # gemm_bound's result for this thread count
    peak: dict  # fma_peak's result for this thread count; None when not measured


def samples_per_second(run):
    """A training run's samples/s (mlptrain's or PyTorch's); None when it was not measured."""
    return (run or {}).get("samples_per_second")


def gflops(run, bound):
    """GFLOP/s of a training run: its samples/s times the step's FLOPs."""
    sps = samples_per_second(run)
    return sps * bound["flops_per_sample"] * 1e-9 if sps else None


def percent_of_peak(run, anchored):
    value = gflops(run, anchored.bound)
    return 100 * value / anchored.peak["gflops"] if value and anchored.peak else None


def percent_of_bound(run, anchored):
    value = gflops(run, anchored.bound)
    return 100 * value / anchored.bound["gflops"] if value else None


def runs(rows, others):
    """Every training run the suite measured, with its anchors: workloads (a)-(d) at 1 and 2
    threads, and (i) at 1 thread."""
    peaks = others.get("fma_peak") or {}
    anchored = [Anchored(row["workload"].key, row["workload"].title, row["threads"], row["mlptrain"], row["torch"],
                         row["bound"], peaks.get(row["threads"])) for row in rows]
    digits = others.get("digits")
    if digits:
        anchored.append(Anchored("i", "(i) digits-sized 64-64-64-10, batch 32, Adam, relu", 1, digits["mlptrain"],
                                 digits["torch"], digits["bound"], peaks.get(1)))
    return anchored


def find(anchored, key, threads):
    return next((a for a in anchored if a.key == key and a.threads == threads), None)
