#!/usr/bin/env python3
"""same_as_compare.py SWEEP_DIR COMPARE_DIR: exits 0 when `sweep collect`'s files equal those of
`compare` over the same grid apart from timing (compare.json without its "timing" members; the CSVs
without their wall-time columns; runs.csv without the sweep's leading task column), else 1 naming
the first file that differs."""
import csv
import io
import json
import sys


def without_timing(value):
    if isinstance(value, dict):
        return {k: without_timing(v) for k, v in value.items() if k != "timing"}
    if isinstance(value, list):
        return [without_timing(v) for v in value]
    return value


def csv_rows(path, skip=0):
    with open(path, newline="") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    keep = [c >= skip and "seconds" not in name for c, name in enumerate(rows[0])]
    return [[field for field, k in zip(row, keep) if k] for row in rows]


def main(sweep, compared):
    with open(f"{sweep}/compare.json") as a, open(f"{compared}/compare.json") as b:
        if without_timing(json.load(a)) != without_timing(json.load(b)):
            print("compare.json differs")
            return 1
    for name in ("compare.csv", "curves.csv"):
        if csv_rows(f"{sweep}/{name}") != csv_rows(f"{compared}/{name}"):
            print(f"{name} differs")
            return 1
    if csv_rows(f"{sweep}/runs.csv", 1) != csv_rows(f"{compared}/runs.csv"):
        print("runs.csv differs")
        return 1
    print(f"{sweep}: the same as {compared} apart from timing")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
