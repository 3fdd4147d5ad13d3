"""The benchmark suite's results as Markdown: the machine and its anchors, training throughput and its
share of the anchors, the other measurements, the issues' targets met or missed, and the exact
commands."""

import json
import os
import re
import subprocess

import anchors
import measure
import targets
from measure import BUILD, PYTHON

NA = "–"
# The packages whose versions the results record.
PACKAGES = ["libeigen3-dev", "libopenblas-dev", "libopenblas0-pthread", "libopenblas0-serial", "libbenchmark-dev",
            "python3-torch", "python3-numpy", "python3-pandas"]


def fmt(value, digits=3):
    """A number with `digits` significant digits (thousands grouped when larger); NA for nothing."""
    if value is None:
        return NA
    if abs(value) >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def ratio(a, b):
    return a / b if a and b else None


def command_output(cmd, env=None):
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, env={**measure.BASE_ENV, **(env or {})})
        return result.stdout.strip() if result.returncode == 0 else ""
    except OSError:
        return ""


def cpuinfo(key):
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        match = re.search(rf"^{key}\s*:\s*(.*)$", f.read(), re.M)
    return match.group(1) if match else "unknown"


def package_versions(names):
    found = command_output(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *names])
    return ", ".join(found.splitlines()) or "unknown"


def build_flags():
    """The flags trainer.cpp was compiled with, from compile_commands.json."""
    try:
        with open(BUILD / "compile_commands.json", encoding="utf-8") as f:
            entries = json.load(f)
    except OSError:
        return "unknown"
    command = next((e["command"] for e in entries if e["file"].endswith("trainer.cpp")), "")
    return " ".join(t for t in command.split() if re.match(r"-(O|march|mtune|std|f|DNDEBUG)", t))


OPENBLAS_CORE = ("import ctypes; lib = ctypes.CDLL('libopenblas.so.0'); "
                 "lib.openblas_get_corename.restype = ctypes.c_char_p; print(lib.openblas_get_corename().decode())")


def peak_line(peak):
    """The FMA peak as measured by bench/fma_peak, one clause per thread count."""
    if not peak:
        return "- FMA peak: not measured (no training workload in --only)"
    first = next(iter(peak.values()))
    figures = "; ".join(f"{t} thread{'s' if t > 1 else ''}: {fmt(p['gflops'])} GFLOP/s at {p['ghz']:.2f} GHz per core "
                        f"({p['flops_per_cycle']:.0f} FLOP per cycle and core)" for t, p in peak.items())
    return (f"- FMA peak (bench/fma_peak: {first['chains']} independent {first['isa']} FMA chains per thread, "
            f"each thread's CPU time; clock from a dependent add chain): {figures}")


def machine(torch, pandas, load_info, peak):
    loads, other_cores = load_info
    flags = cpuinfo("flags").split()
    compiler = command_output([cpuinfo_compiler(), "--version"]).splitlines()
    blas = command_output(["update-alternatives", "--query", "libblas.so.3-x86_64-linux-gnu"])
    blas = next((line[7:] for line in blas.splitlines() if line.startswith("Value: ")), "unknown")
    core = command_output([PYTHON, "-c", OPENBLAS_CORE]) or "unknown (no libopenblas.so.0)"
    torch_version = command_output([PYTHON, "-c", "import torch; print(torch.__version__)"]) if torch else None
    lines = [
        f"- CPU: {cpuinfo('model name')} (family {cpuinfo('cpu family')}, model {cpuinfo('model')}), "
        f"{os.cpu_count()} cores, {cpuinfo('cpu MHz')} MHz nominal; AVX-512: "
        f"{'yes' if 'avx512f' in flags else 'no'}; "
        f"{'KVM guest' if 'hypervisor' in flags else 'bare metal'}",
        peak_line(peak),
        f"- Memory: {meminfo_gib():.1f} GiB; kernel {os.uname().release}",
        f"- Compiler: {compiler[0] if compiler else 'unknown'}; flags of the library: `{build_flags()}`",
        f"- Packages: {package_versions(PACKAGES)}",
        f"- PyTorch: {torch_version or 'not installed (apt-get install python3-torch python3-pandas)'}; "
        f"pandas: {'yes' if pandas else 'not installed'}",
        f"- BLAS behind PyTorch: {blas}; OpenBLAS picks its `{core}` kernels on this CPU as installed "
        + (f"(the suite's commands run without this shell's `OPENBLAS_CORETYPE={measure.INHERITED_CORETYPE}`, "
           "which would override that choice; " if measure.INHERITED_CORETYPE else "(")
        + "the `OPENBLAS_CORETYPE=SkylakeX` column forces its AVX-512 kernels; "
        "bench/gemm_bound uses those on an AVX-512 CPU)",
        f"- Machine load: 1-minute load average {loads[0][0]:.2f} before the run, "
        + ", ".join(f"{load[0]:.2f}" for load in loads[1:])
        + f" during it (these count the suite itself); other work used {other_cores:.2f} of "
        f"{os.cpu_count()} cores on average while the suite ran",
    ]
    return "\n".join(lines)


def cpuinfo_compiler():
    try:
        with open(BUILD / "CMakeCache.txt", encoding="utf-8") as f:
            match = re.search(r"^CMAKE_CXX_COMPILER:\w+=(.*)$", f.read(), re.M)
        return match.group(1) if match else "c++"
    except OSError:
        return "c++"


def meminfo_gib():
    with open("/proc/meminfo", encoding="utf-8") as f:
        return int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1)) / 2**20


def training_table(rows):
    head = ("| workload | threads | mlptrain samples/s | PyTorch samples/s | ratio | PyTorch SkylakeX samples/s "
            "| mlptrain wall s | PyTorch wall s |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for row in rows:
        mine, theirs = row["mlptrain"], row["torch"] or {}
        sps = mine["samples_per_second"]
        skylake = (row["torch_skylake"] or {}).get("samples_per_second")
        lines.append(
            f"| {row['workload'].title} | {row['threads']} | {fmt(sps)} | {fmt(theirs.get('samples_per_second'))} "
            f"| {fmt(ratio(sps, theirs.get('samples_per_second')), 2)}× | {fmt(skylake)} "
            f"| {fmt(mine['wall'])} | {fmt(theirs.get('wall'))} |")
    return "\n".join(lines).replace(f"{NA}×", NA)


def anchor_table(anchored):
    """Each training run's GFLOP/s as a share of the FMA peak and of the best-GEMM bound (issue 15)."""
    lines = ["| workload | threads | FMA peak GFLOP/s | best-GEMM bound GFLOP/s (Eigen / OpenBLAS) "
             "| mlptrain GFLOP/s | of peak | of bound | PyTorch GFLOP/s | of peak | of bound |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for a in anchored:
        bound = a.bound
        libraries = f"{fmt(bound['eigen']['gflops'])} / {fmt(bound['openblas']['gflops'])}"
        cells = []
        for run in (a.mlptrain, a.torch):
            cells += [fmt(anchors.gflops(run, bound)), f"{fmt(anchors.percent_of_peak(run, a), 2)} %",
                      f"{fmt(anchors.percent_of_bound(run, a), 2)} %"]
        lines.append(f"| {a.title} | {a.threads} | {fmt(a.peak and a.peak['gflops'])} | {fmt(bound['gflops'])} "
                     f"({libraries}) | " + " | ".join(cells) + " |")
    return "\n".join(lines).replace(f"{NA} %", NA)


def loop_table(rows, others):
    """Where mlptrain's training-loop time goes: inside the epochs, or between them."""
    lines = ["| run | threads | train_seconds | in epochs s | between epochs s | share between |",
             "|---|---:|---:|---:|---:|---:|"]
    runs = [(row["workload"].title, row["threads"], row["mlptrain"]) for row in rows]
    if "digits" in others:
        runs.append(("(i) digits-sized, 50 epochs", 1, others["digits"]["mlptrain"]))
    if "big_run" in others:
        runs.append(("(f) 100 MB file, 1 epoch", 1, others["big_run"]))
    for title, threads, run in runs:
        between = run["between_epochs"]
        lines.append(f"| {title} | {threads} | {fmt(run['train_seconds'])} | {fmt(run['train_seconds'] - between)} "
                     f"| {fmt(between)} | {fmt(100 * between / run['train_seconds'], 2)} % |")
    return "\n".join(lines)


def thread_note(rows):
    """Samples/s at 2 threads over 1 thread, per workload, for both programs."""
    notes = []
    for row in rows:
        one = next((r for r in rows if r["workload"] is row["workload"] and r["threads"] == 1), None)
        if row["threads"] == 2 and one:
            mine = ratio(row["mlptrain"]["samples_per_second"], one["mlptrain"]["samples_per_second"])
            theirs = ratio((row["torch"] or {}).get("samples_per_second"),
                           (one["torch"] or {}).get("samples_per_second"))
            notes.append(f"{row['workload'].key}: mlptrain {fmt(mine, 2)}×, PyTorch {fmt(theirs, 2)}×")
    return ("Two threads against one (samples/s): " + "; ".join(notes) + ". PyTorch's OpenMP threads busy-wait "
            "between operators, which on 2 shared cores costs more than the second core gives.")


def other_table(others):
    lines = ["| measurement | mlptrain | PyTorch / pandas | ratio |", "|---|---:|---:|---:|"]
    if "compare" in others:
        jobs1, jobs2 = others["compare"][1], others["compare"][2]
        lines.append(f"| (e) `compare`, 7 activations on (a) at 5 epochs: wall s, --jobs 1 / --jobs 2 "
                     f"| {fmt(jobs1)} / {fmt(jobs2)} | | {fmt(ratio(jobs1, jobs2), 2)}× faster with 2 jobs |")
    if "csv" in others:
        csv, run = others["csv"], others["big_run"]
        mb = csv["bytes"] / 1e6
        pandas = others.get("pandas")
        pandas_mbs = pandas and mb / pandas["seconds"]
        lines.append(f"| (f) CSV loading of {fmt(mb)} MB ({csv['rows']:,} rows × {csv['columns']} columns): MB/s "
                     f"(mlptrain: `load_training_data` timed in one process; pandas: `read_csv`) "
                     f"| {fmt(csv['load_mb_per_second'])} | {fmt(pandas_mbs)} "
                     f"| {fmt(ratio(csv['load_mb_per_second'], pandas_mbs), 2)}× |")
        if "csv_2_threads" in others:
            two = others["csv_2_threads"]
            lines.append(f"| (f) the same on 2 threads (the file read in 2 parts at once, as `--threads 2` reads it), "
                         f"MB/s | {fmt(two['load_mb_per_second'])} | {fmt(pandas_mbs)} "
                         f"| {fmt(ratio(two['load_mb_per_second'], pandas_mbs), 2)}× "
                         f"({fmt(ratio(two['load_mb_per_second'], csv['load_mb_per_second']), 2)}× 1 thread) |")
        lines.append(f"| (f) the same, tokenizing only (no number parsed) / whole `mlptrain` process minus "
                     f"train_seconds, MB/s | {fmt(mb / csv['tokenize_seconds'])} / {fmt(mb / run['outside_loop'])} "
                     f"| | |")
        if "big_predict" in others:
            lines.append(f"| (f) `mlptrain predict` with that run's model on the same file ({csv['rows']:,} predictions "
                         f"written as CSV), whole process, s | {fmt(others['big_predict'])} | | |")
        data_mb = csv["rows"] * csv["columns"] * 4 / 2**20
        model_mb = run["summary"]["parameters"] * 4 / 2**20
        lines.append(f"| (g) peak RSS of `mlptrain` on that file, MiB (data in memory {fmt(data_mb)} MiB as float32, "
                     f"model {fmt(model_mb, 2)} MiB) | {fmt(run['max_rss_mb'])} | "
                     f"| {fmt(ratio(run['max_rss_mb'], data_mb + model_mb), 2)}× data + model |")
    if "iris" in others:
        lines.append(f"| (h) `mlptrain --config configs/iris.json`, whole process, s | {fmt(others['iris'])} | | |")
    if "digits" in others:
        mine, theirs = others["digits"]["mlptrain"], others["digits"]["torch"] or {}
        lines.append(f"| (i) digits-sized 64-64-64-10, 1797 samples, 50 epochs, Adam, batch 32: whole process, s "
                     f"| {fmt(mine['wall'])} | {fmt(theirs.get('wall'))} "
                     f"| {fmt(ratio(theirs.get('wall'), mine['wall']), 2)}× faster |")
        lines.append(f"| (i) the same, training loop: samples/s | {fmt(mine['samples_per_second'])} "
                     f"| {fmt(theirs.get('samples_per_second'))} "
                     f"| {fmt(ratio(mine['samples_per_second'], theirs.get('samples_per_second')), 2)}× |")
    return "\n".join(lines).replace(f"{NA}×", NA)


def activation_table(micro, torch_costs):
    lines = ["| activation | mlptrain ns/element | PyTorch ns/element (this run) | PyTorch (issue 6) | ratio |",
             "|---|---:|---:|---:|---:|"]
    for name, entry in micro.items():
        if not (name == "copy" or name.startswith("activation/")):
            continue
        short = name.removeprefix("activation/")
        theirs = (torch_costs or {}).get(short)
        issue = targets.ISSUE_TORCH_NS.get(short)
        if entry.get("passes_input_through"):
            # Skipped by the network: 0 ns, so no ratio (PyTorch's figure is autograd copying
            # the gradient into the benchmark's leaf tensor).
            lines.append(f"| {short} | 0 (passed through) | {fmt(theirs)} | {fmt(issue)} | {NA} |")
            continue
        mine = entry["ns_per_element"]
        lines.append(f"| {short} | {fmt(mine)} | {fmt(theirs)} | {fmt(issue)} "
                     f"| {fmt(ratio(theirs or issue, mine), 2)}× |")
    if any(entry.get("passes_input_through") for entry in micro.values()):
        lines += ["", "identity: a network hands the input on and the gradient back without a pass over them, "
                  "as a `torch.nn.Sequential` does with `torch.nn.Identity`; PyTorch's figure here is autograd "
                  "copying the gradient into the benchmark's input tensor."]
    return "\n".join(lines).replace(f"{NA}×", NA)


def layer_table(micro):
    lines = ["| micro-benchmark | µs per step | GFLOP/s | samples/s |", "|---|---:|---:|---:|"]
    for name, entry in micro.items():
        if name.startswith(("dense/", "network/")):
            lines.append(f"| {name} | {fmt(entry['real_time'])} | {fmt(entry.get('GFLOPs'))}"
                         f" | {fmt(entry.get('samples_per_second'))} |")
    return "\n".join(lines)


def markdown(date, args, rows, others, load_info, torch, pandas):
    parts = [f"# mlptrain benchmark results, {date}", "",
             f"`bench/run{' --quick' if args.quick else ''}`: medians of {args.reps} runs each "
             "(the iris and digits whole-process figures: of at least 5). Samples/s are the training loop's "
             "(mlptrain: `train_seconds` of summary.json; PyTorch: bench/torch_train.py's epoch loop); "
             "wall times are whole processes (start to exit). GFLOP/s counts the step's matrix products "
             "(forward and backward, 2·m·n·k each). Two anchors, measured on this machine: the FMA peak "
             "(bench/fma_peak: nothing but independent fused multiply-adds) and the best-GEMM bound (bench/gemm_bound: "
             "a step made of those products only, with Eigen and with OpenBLAS, the better of the two).", "",
             "## Machine", "", machine(torch, pandas, load_info, others.get("fma_peak")), ""]
    if rows:
        parts += ["## Training throughput", "", training_table(rows), "", thread_note(rows), ""]
    anchored = anchors.runs(rows, others)
    if anchored:
        parts += ["## Training against the machine's anchors (issue 15)", "", anchor_table(anchored), "",
                  "of peak: GFLOP/s over the FMA peak of as many threads; of bound: over the best-GEMM bound of as "
                  "many threads (its products split in halves of their result on two threads, as mlptrain can "
                  "split them). PyTorch runs with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to its thread count.",
                  ""]
    if any(k in others for k in ("compare", "csv", "iris", "digits")):
        parts += ["## Whole processes, compare, CSV loading, memory", "", other_table(others), ""]
    if "micro" in others:
        parts += ["## Activations: forward + backward, 256 × 4096 float32, 1 thread", "",
                  activation_table(others["micro"], others["torch_activations"]), "",
                  "ratio: PyTorch's time over mlptrain's (above 1: mlptrain is faster); PyTorch's from this run "
                  "when it is installed, else issue 6's figures (measured on another machine).", "",
                  "## Layer and network steps (mlp_micro_bench)", "", layer_table(others["micro"]), ""]
    if rows or "digits" in others or "big_run" in others:
        parts += ["## mlptrain's training loop: inside the epochs and between them", "", loop_table(rows, others), "",
                  "Between epochs: train_seconds minus the sum of metrics.csv's per-epoch `seconds`, i.e. the "
                  "per-epoch callbacks (metrics.csv rewritten atomically, with two fsyncs) and weight snapshots. "
                  "It is counted in train_seconds and so in samples/s.", ""]
    parts += ["## Targets of issue 6", "", targets.table(rows, others), ""]
    parts += ["## Targets of issue 15", "", targets.issue15_table(anchored, others), ""]
    parts += ["## Commands", "", "```sh", *measure.COMMANDS, "```", ""]
    return "\n".join(parts)
