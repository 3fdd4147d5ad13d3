#!/usr/bin/python3
"""pandas.read_csv's time on a file, to set beside mlptrain's CSV loader (bench/csv_load.cpp).

    /usr/bin/python3 bench/pandas_read_csv.py FILE [TRIALS]

Reads the file once untimed (so it is in the page cache, as csv_load does), then prints one JSON
line with the median seconds of TRIALS (default 3) calls of pandas.read_csv(FILE) with its
defaults, the frame's shape and pandas' version. Import time is not counted.
"""

import json
import statistics
import sys
import time

import pandas


def main():
    path, trials = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    pandas.read_csv(path)
    times = []
    for _ in range(trials):
        start = time.perf_counter()
        frame = pandas.read_csv(path)
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": statistics.median(times), "rows": frame.shape[0], "columns": frame.shape[1],
                      "version": pandas.__version__}))


if __name__ == "__main__":
    main()
