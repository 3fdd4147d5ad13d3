#!/usr/bin/env python3
"""Checks exported ONNX models with the ONNX checker and writes the cases run_cases.js runs.

  make_cases.py LIST MANIFEST

LIST has one line per exported model, tab-separated: a name, the model.json, the exported .onnx,
a CSV of inputs and the predictions `mlptrain predict` wrote for that CSV. Each .onnx must pass
onnx.checker.check_model with full_check (which also runs ONNX's shape inference); then its case
holds the CSV's feature columns as the ONNX graph takes them (docs/model-format.md, "ONNX"): the
numeric columns in one float tensor "features" [N, k] in the model's order, an empty cell (or one
of the model's na_values) as NaN; each categorical column a string tensor [N, 1] of the cells'
texts without their surrounding blanks. The expected outputs are predict's: "probabilities"
(prob_<class> columns) and "label" (the prediction column), or "predictions".
"""

import csv
import json
import sys

import onnx

TOLERANCE = 1e-5  # absolute, on probabilities and on predictions in the data's units


def read_csv(path):
    with open(path, newline="") as file:
        rows = [row for row in csv.reader(file) if row]
    header = [name.strip(" \t") for name in rows[0]]
    return header, rows[1:]


def graph_inputs(model, header, rows):
    features = model["features"]
    columns = features.get("columns") or [{"name": n, "type": "numeric"} for n in features["names"]]
    na_values = set(features.get("na_values", []))
    numeric, inputs = [], {}
    for column in columns:
        j = header.index(column["name"])
        texts = [row[j].strip(" \t") if j < len(row) else "" for row in rows]
        if column["type"] == "numeric":
            numeric.append([None if t == "" or t in na_values else float(t) for t in texts])
        else:
            inputs[column["name"]] = {"type": "string", "dims": [len(rows), 1], "data": texts}
    if numeric:
        data = [column[i] for i in range(len(rows)) for column in numeric]
        inputs["features"] = {"type": "float32", "dims": [len(rows), len(numeric)], "data": data}
    return inputs


def expected_outputs(model, predictions):
    header, rows = read_csv(predictions)
    regression = model["task"] == "regression"
    numbers = [j for j, name in enumerate(header) if name.startswith("prediction" if regression else "prob_")]
    data = [float(row[j]) for row in rows for j in numbers]
    if regression:
        return {"predictions": {"data": data}}
    label = header.index("prediction")
    return {"probabilities": {"data": data}, "label": {"data": [row[label] for row in rows]}}


def main():
    list_path, manifest_path = sys.argv[1:]
    cases = []
    with open(list_path) as listing:
        for line in listing:
            name, model_path, onnx_path, data_path, predictions = line.rstrip("\n").split("\t")
            onnx.checker.check_model(onnx.load(onnx_path), full_check=True)
            with open(model_path) as file:
                model = json.load(file)
            header, rows = read_csv(data_path)
            cases.append({"name": name, "model": onnx_path, "inputs": graph_inputs(model, header, rows),
                          "expected": expected_outputs(model, predictions), "atol": TOLERANCE, "rtol": 0})
    with open(manifest_path, "w") as file:
        json.dump({"cases": cases}, file)
    print(f"onnx.checker.check_model(full_check=True): {len(cases)} models passed")


if __name__ == "__main__":
    main()
