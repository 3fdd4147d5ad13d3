# Sourced by the cluster tests: iris_sweep DIR SEEDS EPOCHS writes DIR/c.json and DIR/sweep.json
# (relu and tanh, rates 0.01 and 0.03, the given seeds), and compare_iris SEEDS OUT runs `compare`
# over the same grid into OUT, from DIR (the config named as the sweep file names it).
iris_sweep() {
  local dir=$1 seeds=$2 epochs=$3
  cat >"$dir/c.json" <<JSON
{"data": {"train": "$source_dir/data/iris.csv", "target": "species", "val_fraction": 0.2},
 "model": {"hidden": [8], "activation": "relu"},
 "train": {"epochs": $epochs, "batch_size": 16, "seed": 42, "optimizer": {"name": "adam", "lr": 0.01}},
 "output": {"dir": "out"}}
JSON
  cat >"$dir/sweep.json" <<JSON
{"config": "c.json",
 "grid": {"model.activation": ["relu", "tanh"], "train.optimizer.lr": [0.01, 0.03], "train.seed": [$seeds]}}
JSON
}

compare_iris() {
  local seeds=$1 out=$2
  "$mlptrain" compare --config c.json --activations relu,tanh --lr-grid 0.01,0.03 --seed-list "$seeds" \
    --out "$out" --quiet >/dev/null
}
