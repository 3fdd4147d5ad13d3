"""Reference for configs/applicants.json: scikit-learn's MLPClassifier on the same table, to compare
held-out accuracy with mlptrain's (issue 14: mlptrain's should be at least scikit-learn's).

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/reference/applicants_sklearn.py [--seeds 5]
     [--epochs N] [--lr X] [--mlptrain build/release/mlptrain]

Needs scikit-learn and pandas (Debian: python3-sklearn). Reads the network, optimizer and columns
from the config, so both tools see the same settings:

- the preprocessing mlptrain fits on its training split, as a ColumnTransformer: numeric columns
  SimpleImputer(median, add_indicator=True) + StandardScaler; categorical columns (text, and those
  in data.categorical, here the region code) SimpleImputer(constant "missing") +
  OneHotEncoder(handle_unknown="ignore"), so a level absent from training (region 19 of the test
  file) gets no input, as in mlptrain (which with data.min_frequency 1 has no "other" input);
- MLPClassifier(hidden_layer_sizes = model.hidden, activation, adam with train.optimizer.lr,
  batch_size, max_iter = train.epochs, alpha = 0 as mlptrain's weight_decay 0, no early stopping
  and no stop on a training-loss plateau: n_iter_no_change = max_iter);
- trained on every row of data.train: mlptrain holds out data.val_fraction for validation, so its
  runs here set data.val_fraction=0 and train.early_stopping.patience=0 (no validation split, the
  same rows, the same fixed number of epochs);
- evaluated once on data.test; prints the accuracy of each seed and the mean +- sample std.

Differences that remain: scikit-learn uses one logistic output for two classes (mlptrain a softmax
of two), Glorot-uniform initial weights (mlptrain torch.nn.Linear's), and also standardises the
0/1 missing indicator (mlptrain leaves 0/1 inputs as they are).

With --mlptrain BINARY it also trains and evaluates mlptrain with the same settings for each seed:
  BINARY --config CONFIG --set data.val_fraction=0 --set train.early_stopping.patience=0
         --set train.seed=S [--set train.epochs=N --set train.optimizer.lr=X] --out DIR -q
  BINARY evaluate --model DIR/model.json --data TEST --format json
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = Path(__file__).resolve().parents[2]


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def column_types(frame, features, categorical):
    """mlptrain's rule: numeric when the first non-empty value is a number, unless listed in
    data.categorical."""
    numeric = []
    for name in features:
        values = [v for v in frame[name] if v.strip()]
        if name not in categorical and values and is_number(values[0]):
            numeric.append(name)
    return numeric, [name for name in features if name not in numeric]


def read(path, target, numeric):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    x = frame.drop(columns=[target])
    for name in x.columns:
        if name in numeric:
            x[name] = pd.to_numeric(x[name].replace("", None))
        else:
            x[name] = x[name].replace("", None)
    return x, frame[target]


def sklearn_accuracy(config, seed, x_train, y_train, x_test, y_test, numeric, categorical):
    prep = ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numeric),
        ("categorical", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
    ])
    train = config["train"]
    epochs = train["epochs"]
    net = MLPClassifier(hidden_layer_sizes=tuple(config["model"]["hidden"]), activation=config["model"]["activation"],
                        solver="adam", learning_rate_init=train["optimizer"]["lr"], batch_size=train["batch_size"],
                        alpha=0.0, max_iter=epochs, shuffle=True, early_stopping=False, tol=0.0,
                        n_iter_no_change=epochs, random_state=seed)
    model = make_pipeline(prep, net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: that is the plan
        model.fit(x_train, y_train)
    return float((model.predict(x_test) == y_test).mean())


def mlptrain_accuracy(binary, config_path, seed, overrides, test):
    with tempfile.TemporaryDirectory() as out:
        sets = ["data.val_fraction=0", "train.early_stopping.patience=0", f"train.seed={seed}"] + overrides
        args = [binary, "--config", str(config_path), "--out", out, "-q"]
        for item in sets:
            args += ["--set", item]
        subprocess.run(args, check=True)
        result = subprocess.run([binary, "evaluate", "--model", f"{out}/model.json", "--data", str(test),
                                 "--format", "json"], check=True, capture_output=True, text=True)
        return float(json.loads(result.stdout)["accuracy"])


def summary(name, accuracies):
    spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
    values = ", ".join(f"{a:.4f}" for a in accuracies)
    print(f"{name}: accuracy {statistics.mean(accuracies):.4f} +- {spread:.4f} over {len(accuracies)} seeds ({values})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs/applicants.json")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. N-1")
    parser.add_argument("--epochs", type=int, help="instead of the config's train.epochs")
    parser.add_argument("--lr", type=float, help="instead of the config's train.optimizer.lr")
    parser.add_argument("--mlptrain", help="also measure this mlptrain binary the same way")
    args = parser.parse_args()

    config = json.loads(args.config.read_text())
    overrides = []
    if args.epochs is not None:
        config["train"]["epochs"] = args.epochs
        overrides.append(f"train.epochs={args.epochs}")
    if args.lr is not None:
        config["train"]["optimizer"]["lr"] = args.lr
        overrides.append(f"train.optimizer.lr={args.lr}")
    data = config["data"]
    train_path, test_path = args.config.parent / data["train"], args.config.parent / data["test"]
    target = data["target"]
    header = pd.read_csv(train_path, dtype=str, keep_default_na=False)
    features = [name for name in header.columns if name != target]
    numeric, categorical = column_types(header, features, data.get("categorical", []))
    x_train, y_train = read(train_path, target, numeric)
    x_test, y_test = read(test_path, target, numeric)

    train = config["train"]
    print(f"{train_path.name}: {len(x_train)} training rows, {test_path.name}: {len(x_test)} test rows; "
          f"numeric {numeric}, categorical {categorical}; hidden {config['model']['hidden']} "
          f"{config['model']['activation']}, adam lr {train['optimizer']['lr']}, batch {train['batch_size']}, "
          f"{train['epochs']} epochs")
    seeds = range(args.seeds)
    summary("scikit-learn", [sklearn_accuracy(config, s, x_train, y_train, x_test, y_test, numeric, categorical)
                             for s in seeds])
    if args.mlptrain:
        summary("mlptrain", [mlptrain_accuracy(args.mlptrain, args.config, s, overrides, test_path) for s in seeds])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
