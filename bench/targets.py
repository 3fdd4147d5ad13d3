"""The speed targets of issues 6 and 15, each checked against this run's figures: met, or missed by how
much.

Ratios are measured side by side in one run; an absolute figure (the iris run's seconds) depends on
the machine. A target whose inputs were not measured (no PyTorch, a subset of --only) says so.
"""

import anchors

# PyTorch 1.13's forward + backward per element (1 thread, 256 x 4096 float32), ns, as issue 6
# quotes them from another machine; used when PyTorch is not installed here.
ISSUE_TORCH_NS = {"relu": 0.20, "sigmoid": 0.58, "tanh": 2.1, "elu": 1.07, "gelu": 1.2, "silu": 1.0,
                  "softplus": 2.6, "mish": 14, "prelu": 5.5, "copy": 0.08}

# "Well under a second" for the whole iris run, read as at most half a second.
IRIS_SECONDS = 0.5
# Issue 15's no-regression goals: the whole iris run, and compare --jobs 2 against --jobs 1.
ISSUE15_IRIS_SECONDS = 0.05
ISSUE15_COMPARE_SPEEDUP = 1.65


def verdict(value, goal, unit="×", higher_is_better=True):
    if value is None:
        return "not measured"
    met = value >= goal if higher_is_better else value <= goal
    shown = f"{value:.3g}{unit}"
    if met:
        return f"met ({shown})"
    return f"**missed** ({shown} against {goal:g}{unit})"


def ratio(a, b):
    return a / b if a and b else None


def row_of(rows, key, threads):
    return next((r for r in rows if r["workload"].key == key and r["threads"] == threads), None)


def sps(row, side):
    return row and (row[side] or {}).get("samples_per_second")


def training_targets(rows):
    a1, b1, b2 = row_of(rows, "a", 1), row_of(rows, "b", 1), row_of(rows, "b", 2)
    # Issue 6's bound was Eigen's alone; issue 15's best-GEMM bound is reported with the anchors.
    b_bound = b1 and 100 * sps(b1, "mlptrain") / b1["bound"]["eigen"]["samples_per_second"]
    return [
        ("(a) small net, 1 thread: ≥ 10× PyTorch's samples/s",
         verdict(ratio(sps(a1, "mlptrain"), sps(a1, "torch")), 10)),
        ("(b) GEMM-bound net, 1 thread: ≥ 85 % of the GEMM-only bound (Eigen's)", verdict(b_bound, 85, " %")),
        ("(b) 1 thread: ≥ 1.6× PyTorch as installed", verdict(ratio(sps(b1, "mlptrain"), sps(b1, "torch")), 1.6)),
        ("(b) 1 thread: ≥ PyTorch with OPENBLAS_CORETYPE=SkylakeX",
         verdict(ratio(sps(b1, "mlptrain"), sps(b1, "torch_skylake")), 1)),
        ("(b) 2 threads: ≥ 1.5× the 1-thread samples/s", verdict(ratio(sps(b2, "mlptrain"), sps(b1, "mlptrain")), 1.5)),
    ]


def activation_target(others):
    micro = others.get("micro")
    if not micro:
        return [("every activation's forward+backward at least as fast per element as PyTorch's", "not measured")]
    theirs = others.get("torch_activations") or ISSUE_TORCH_NS
    slower = []
    compared = 0
    for name, entry in micro.items():
        short = name.removeprefix("activation/")
        if name.startswith("activation/") and short in theirs:
            compared += 1
            if entry["ns_per_element"] > theirs[short]:
                slower.append(f"{short} {entry['ns_per_element']:.3g} vs {theirs[short]:.3g} ns")
    source = "this run's PyTorch" if others.get("torch_activations") else "issue 6's PyTorch figures"
    if compared == 0:
        return [("every activation's forward+backward at least as fast per element as PyTorch's", "not measured")]
    status = (f"met ({compared} activations, against {source})" if not slower
              else f"**missed** by {len(slower)} of {compared} ({source}): " + "; ".join(slower))
    return [("every activation's forward+backward at least as fast per element as PyTorch's", status)]


def compare_target(others, goal):
    compare = others.get("compare")
    return (f"`compare` --jobs 2 ≥ {goal:g}× faster than --jobs 1 (7 runs of equal cost on 2 jobs take 4 rounds: "
            "at most 1.75×)", verdict(compare and ratio(compare[1], compare[2]), goal))


def csv_target(others):
    csv, pandas = others.get("csv"), others.get("pandas")
    return ("CSV loading ≥ 2× pandas.read_csv",
            verdict(csv and pandas and ratio(csv["load_mb_per_second"], csv["bytes"] / 1e6 / pandas["seconds"]), 2))


def iris_target(others, seconds):
    return (f"whole iris run ≤ {seconds:g} s", verdict(others.get("iris"), seconds, " s", higher_is_better=False))


def other_targets(others):
    csv, run = others.get("csv"), others.get("big_run")
    rss = None
    if csv and run:
        data_mb = csv["rows"] * csv["columns"] * 4 / 2**20
        rss = run["max_rss_mb"] / (data_mb + run["summary"]["parameters"] * 4 / 2**20)
    digits = others.get("digits")
    iris, iris_status = iris_target(others, IRIS_SECONDS)
    return [
        compare_target(others, 1.8),
        csv_target(others),
        ("peak RSS ≤ 2× the in-memory data plus the model", verdict(rss, 2, higher_is_better=False)),
        (f"{iris} (\"well under a second\")", iris_status),
        ("digits-sized whole process ≥ 10× faster than PyTorch's",
         verdict(digits and ratio((digits["torch"] or {}).get("wall"), digits["mlptrain"]["wall"]), 10)),
    ]


def issue15_training_targets(anchored):
    b1, b2 = anchors.find(anchored, "b", 1), anchors.find(anchored, "b", 2)
    targets = [
        ("(b) 1 thread: ≥ 85 % of the 1-thread FMA peak",
         verdict(b1 and anchors.percent_of_peak(b1.mlptrain, b1), 85, " %")),
        ("(b) 1 thread: ≥ 1.5× PyTorch + OpenBLAS at 1 thread",
         verdict(b1 and ratio(b1.mlptrain["samples_per_second"], anchors.samples_per_second(b1.torch)), 1.5)),
        ("(b) 2 threads: ≥ 1.8× one thread's samples/s",
         verdict(b1 and b2 and ratio(b2.mlptrain["samples_per_second"], b1.mlptrain["samples_per_second"]), 1.8)),
    ]
    for key in ("a", "c", "d"):
        one = anchors.find(anchored, key, 1)
        targets.append((f"({key}) 1 thread: ≥ 60 % of the 1-thread FMA peak",
                        verdict(one and anchors.percent_of_peak(one.mlptrain, one), 60, " %")))
    return targets


def issue15_table(anchored, others):
    no_regression = activation_target(others) + [csv_target(others), compare_target(others, ISSUE15_COMPARE_SPEEDUP),
                                                 iris_target(others, ISSUE15_IRIS_SECONDS)]
    return render(issue15_training_targets(anchored) + [(f"no regression: {t}", st) for t, st in no_regression])


def render(targets):
    """(target, status) pairs as a Markdown table."""
    return "\n".join(["| target | status |", "|---|---|"] + [f"| {target} | {status} |" for target, status in targets])


def table(rows, others):
    """Issue 6's targets."""
    return render(training_targets(rows) + activation_target(others) + other_targets(others))
