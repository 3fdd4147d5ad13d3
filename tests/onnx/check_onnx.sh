#!/usr/bin/env bash
# mlptrain export --format onnx, checked for real: trains small models through the real binary
# (every activation of the table and formula activations, classification and regression; a table with categorical columns
# and empty cells, one-hot and embedded, with one logit and with two), exports each, checks each
# .onnx with onnx.checker.check_model(full_check=True) (Debian's python3-onnx), then runs each in
# onnxruntime (onnxruntime-node, under node) on a few hundred rows and compares with what
# `mlptrain predict` wrote for them: within 1e-5 (make_cases.py, run_cases.js). The formula
# activations' mapping is run the same way, against formula::Kernel<double> (formula_cases.cpp).
#
#   check_onnx.sh MLPTRAIN FORMULA_CASES WORKDIR RUNTIME_DIR
#
# Exits 77 (CTest's skip), saying why, when node, python3-onnx or the runtime is missing
# (scripts/test installs them all: tests/onnx/install_runtime.sh RUNTIME_DIR).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 MLPTRAIN FORMULA_CASES WORKDIR RUNTIME_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
mlptrain=$1 formula_cases=$2 runtime=$4
# Debian's Python, which python3-onnx installs into (a python3 earlier on PATH may be another).
python=/usr/bin/python3

skip() { echo "skipped: $1 (scripts/test installs it)"; exit 77; }
command -v node >/dev/null || skip "node is not installed (apt-get install nodejs)"
"$python" -c 'import onnx' 2>/dev/null || skip "python3-onnx is not installed (apt-get install python3-onnx)"
[ -d "$runtime/node_modules/onnxruntime-node" ] ||
  skip "onnxruntime-node is not in $runtime (tests/onnx/install_runtime.sh $runtime)"

rm -rf "$3" && mkdir -p "$3"
work=$(cd "$3" && pwd)
data=$source_dir/data
# A few hundred rows to predict: iris whole (150), the first 300 of the others.
head -n 301 "$data/regression.csv" >"$work/regression.csv"
head -n 301 "$data/applicants_test.csv" >"$work/applicants_test.csv"

run() {  # runs mlptrain quietly; on failure prints what it said and stops
  if ! "$mlptrain" "$@" -q >"$work/last.log" 2>&1; then
    echo "FAIL: mlptrain $*:" >&2 && cat "$work/last.log" >&2 && exit 1
  fi
}

# Trains NAME from CONFIG with the --set values given, exports it, predicts CSV with it, and lists
# the case for make_cases.py.
model_case() {
  local name=$1 config=$2 csv=$3
  shift 3
  local sets=() value
  for value in "$@"; do sets+=(--set "$value"); done
  run train --config "$source_dir/configs/$config" --out "$work/$name" "${sets[@]}"
  run export --model "$work/$name/model.json" --format onnx --output "$work/$name/model.onnx"
  run predict --model "$work/$name/model.json" --input "$csv" --output "$work/$name/predictions.csv"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$work/$name/model.json" "$work/$name/model.onnx" "$csv" \
    "$work/$name/predictions.csv" >>"$work/models.tsv"
}

: >"$work/models.tsv"
# Every activation of the table, with its defaults, in a classifier and a regressor; learned
# values one per unit in the classifier (num_parameters = the 8 units of each hidden layer).
activations=$("$mlptrain" activations --format json |
  "$python" -c 'import json, sys; print(" ".join(a["name"] for a in json.load(sys.stdin)))')
for name in $activations; do
  activation=$name
  if "$mlptrain" activations --format json | "$python" -c "import json, sys
sys.exit(0 if any(a['name'] == '$name' and any(p['name'] == 'num_parameters' for p in a['parameters'])
                  for a in json.load(sys.stdin)) else 1)"; then
    activation="{\"name\": \"$name\", \"num_parameters\": 8}"
  fi
  model_case "iris_$name" iris.json "$data/iris.csv" "model.activation=$activation" "model.hidden=[8, 8]" \
    train.epochs=5
  model_case "regression_$name" regression.json "$work/regression.csv" "model.activation=$name" \
    "model.hidden=[8, 8]" train.epochs=3
done
# Parameters away from their defaults, where the mapping reads them.
model_case iris_gelu_tanh iris.json "$data/iris.csv" 'model.activation={"name": "gelu", "approximate": "tanh"}' \
  train.epochs=5
model_case iris_softplus_sharp iris.json "$data/iris.csv" \
  'model.activation={"name": "softplus", "beta": 2, "threshold": 1}' train.epochs=5
# Categorical columns (an unseen region, rare levels as "other"), empty cells (fill + indicator),
# a binary head with two logits (softmax) and with one (sigmoid), embeddings and dropout.
model_case applicants applicants.json "$work/applicants_test.csv" train.epochs=3 data.min_frequency=30
model_case applicants_logit_embedding applicants.json "$work/applicants_test.csv" train.epochs=3 \
  train.loss=bce_with_logits model.categorical=embedding model.activation=gelu
# Formula activations through the real binary: two learned parameters one per unit, and a
# formula with where() and a learned parameter shared by the layer, in a regressor.
model_case iris_formula_per_unit iris.json "$data/iris.csv" \
  'model.activation={"formula": "x * sigmoid(beta * x) + gamma * tanh(x)", "params": {"beta": 1, "gamma": 0.1}, "learn": ["beta", "gamma"], "per_unit": true}' \
  train.epochs=5
model_case regression_formula_where regression.json "$work/regression.csv" train.epochs=3 \
  'model.activation={"formula": "where(x < 0, alpha * (exp(x) - 1), x) + log1p(abs(x)) / 4", "params": {"alpha": 1}, "learn": ["alpha"]}'
model_case regression_dropout_targets regression.json "$work/regression.csv" train.epochs=3 model.hidden=null \
  'model.layers=[{"type": "linear", "units": 8}, {"type": "activation", "activation": "elu"}, {"type": "dropout", "p": 0.3}]'

"$python" "$here/make_cases.py" "$work/models.tsv" "$work/models.json"
"$formula_cases" "$work/formula"
"$python" - "$work"/formula/*.onnx <<'PY'
import sys
import onnx
for path in sys.argv[1:]:
    onnx.checker.check_model(onnx.load(path), full_check=True)
print(f"onnx.checker.check_model(full_check=True): {len(sys.argv) - 1} formula models passed")
PY
node "$here/run_cases.js" "$runtime" "$work/models.json" "$work/formula/formula_cases.json"
