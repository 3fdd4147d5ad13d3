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


APPLICANT_JOBS = {  # job: (share, effect on the log-odds, effect per 10 weekly hours over 40)
    "clerical": (0.17, -0.2, 0.0), "sales": (0.16, 0.0, 0.5), "technician": (0.15, 0.3, 0.2),
    "manager": (0.13, 0.8, 0.8), "professional": (0.14, 0.9, 0.6), "service": (0.14, -0.7, -0.7),
    "craft": (0.10, -0.1, -0.6), "military": (0.01, 1.2, 0.0),
}
APPLICANT_EDUCATION = {  # education: (share, effect on the log-odds, log income premium)
    "primary": (0.10, -0.9, -0.3), "secondary": (0.32, -0.3, -0.1), "vocational": (0.20, 0.0, 0.0),
    "bachelor": (0.24, 0.5, 0.2), "master": (0.11, 0.8, 0.35), "doctorate": (0.03, 1.0, 0.5),
}
APPLICANT_MARITAL = {"single": (0.36, -0.3), "married": (0.44, 0.4), "divorced": (0.14, -0.2), "widowed": (0.06, 0.0)}
# A region code is a name written as a number: its effect does not grow with the code, so reading
# it as a number fits worse than one input per region. Region 19 exists only in the test file.
APPLICANT_REGIONS = {11: 0.4, 12: -0.6, 13: 0.0, 14: 0.9, 15: -0.3, 16: 0.2, 17: -0.9, 18: 0.5}


def pick(rng, table):
    """A key of table drawn with the probabilities given by the first field of its values."""
    keys = list(table)
    return rng.choices(keys, weights=[table[k][0] for k in keys])[0]


def applicants(rng, rows=2000, new_region_share=0.0):
    """An "adult income"-like table of loan applicants, numbers and words mixed, with gaps:
    age, hours_per_week, income (about 10 % empty), region (a numeric code: declare it
    categorical), job (8 levels, "military" rare at about 1 %), education (about 6 % empty),
    marital; the target approved (yes/no, about 39 % yes) is drawn from a logistic model:

    log-odds = 1.8 (job + education + marital + region - ((age - 45) / 12)^2 + 1.2 log(income / 40000)
                    + job's hours slope * (hours - 40) / 10 + 0.4 (the income field left empty) - 0.3)

    (the U in age and the sign of hours depending on the job are what a linear model misses;
    income is drawn from age, education and job, so it is partly predictable when missing; region
    19 counts 0). Even knowing the model, the best possible accuracy is about 0.85 (0.61 by always
    saying "no"). new_region_share: the share of rows from region 19, which the training file
    never has.
    """
    out = []
    for _ in range(rows):
        age = min(80, max(18, round(rng.gauss(42, 13))))
        job = pick(rng, APPLICANT_JOBS)
        education = pick(rng, APPLICANT_EDUCATION)
        marital = pick(rng, APPLICANT_MARITAL)
        region = 19 if rng.random() < new_region_share else rng.choice(list(APPLICANT_REGIONS))
        hours = min(80, max(5, round(rng.gauss(40, 9))))
        job_effect, hours_slope = APPLICANT_JOBS[job][1:]
        edu_effect, income_premium = APPLICANT_EDUCATION[education][1:]
        age_income = 0.25 * (1 - ((age - 50) / 30) ** 2)
        income = 40000 * math.exp(income_premium + 0.4 * job_effect + age_income + rng.gauss(0, 0.35))
        income = round(income, -2)
        income_missing = rng.random() < (0.16 if job in ("sales", "service") else 0.07)
        logit = 1.8 * (job_effect + edu_effect + APPLICANT_MARITAL[marital][1] + APPLICANT_REGIONS.get(region, 0.0)
                       - ((age - 45) / 12) ** 2 + 1.2 * math.log(income / 40000) + hours_slope * (hours - 40) / 10
                       + 0.4 * income_missing - 0.3)
        approved = "yes" if rng.random() < 1 / (1 + math.exp(-logit)) else "no"
        out.append([age, hours, "" if income_missing else f"{income:.0f}", region, job,
                    "" if rng.random() < 0.06 else education, marital, approved])
    return ["age", "hours_per_week", "income", "region", "job", "education", "marital", "approved"], out


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
        "applicants.csv": applicants(random.Random(4)),
        "applicants_test.csv": applicants(random.Random(5), rows=1000, new_region_share=0.03),
    }
    for name, (header, rows) in sets.items():
        write_csv(args.out / name, header, rows)
        print(f"wrote {args.out / name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
