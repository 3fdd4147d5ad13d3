#!/usr/bin/env python3
"""Load an mlptrain model.json as the equivalent torch.nn.Sequential.

Layer i of the model file is module i of the Sequential: "linear" -> torch.nn.Linear, "dropout"
-> torch.nn.Dropout, "activation" -> the torch.nn module that mlptrain's activation table names
(the layer's "torch" key), built with the layer's "params" as keyword arguments, or a formula
activation built from torch ops (FormulaActivation). Weights, biases
and learned activation values are loaded with load_state_dict (strict), so every parameter of
every module must come from the file. See docs/model-format.md.

Needs PyTorch (the Debian python3-torch package provides /usr/bin/python3 with it).

  to_torch.py runs/iris/model.json                        print the module
  to_torch.py runs/iris/model.json --csv data/iris.csv    print its outputs, one row per sample
  to_torch.py runs/iris/model.json --save iris.pt         save the state_dict

With --csv, each row's feature columns (picked by name) become the network's inputs as mlptrain
makes them: version 3 files describe each column (features.columns): a numeric value, or the
column's fill for an empty cell, then a 0/1 missing indicator when the column has one; a
categorical column one-hot over its levels, then its missing and "other" inputs (see
docs/model-format.md); then every input is standardised with features.mean and features.scale.
encode_rows() does this for rows already split into fields.

Outputs are the network's raw outputs (logits for classification; for regression, values in the
data's units: the model's target scaling, targets.mean and targets.scale, is undone), or
probabilities with --probabilities (softmax, or sigmoid for a single logit), printed with 9
significant digits, enough to tell float32 values apart.
"""

import argparse
import ast
import csv
import json
import re
import sys

import torch

MODEL_FORMAT = "mlptrain-model"
# 2: "targets" is an object with names and regression scaling; 3: "features" has "columns"
MODEL_FORMAT_VERSIONS = (1, 2, 3)
ACTIVATION_KEYS = {"type", "name", "torch", "units", "params"}

# Activations whose table entry names no torch.nn module taking their parameters: the name in
# the model file -> a function that builds an equivalent module from those parameters. The
# module's state_dict keys must be the names of the learned values in the file.
class Swish(torch.nn.Module):
    """x * sigmoid(beta * x) with beta learned: one shared value, or one per unit (like PReLU)."""

    def __init__(self, num_parameters=1, beta=1.0):
        super().__init__()
        self.beta = torch.nn.Parameter(torch.full((int(num_parameters),), float(beta)))

    def forward(self, x):
        # Samples are rows in torch, so one value per unit broadcasts along the last dimension.
        return x * torch.sigmoid(self.beta * x)


CUSTOM_ACTIVATIONS = {"swish": Swish}


def fail(message):
    sys.exit(f"to_torch.py: {message}")


def activation_module(layer, index):
    name, params = layer["name"], layer["params"]
    if name in CUSTOM_ACTIVATIONS:
        return CUSTOM_ACTIVATIONS[name](**params)
    match = re.match(r"torch\.nn\.(\w+)", layer.get("torch", ""))
    module_class = getattr(torch.nn, match.group(1), None) if match else None
    if module_class is None:
        fail(f"layers[{index}]: no torch.nn module for activation {name!r} "
             f"(its table entry says {layer.get('torch')!r}); add one to CUSTOM_ACTIVATIONS")
    # JSON has no tuples; a pair parameter (an array of two numbers) is a tuple in torch.
    kwargs = {key: tuple(value) if isinstance(value, list) else value for key, value in params.items()}
    try:
        return module_class(**kwargs)
    except TypeError as error:
        fail(f"layers[{index}]: torch.nn.{match.group(1)}{tuple(kwargs.items())}: {error}; "
             "add the activation to CUSTOM_ACTIVATIONS")


FORMULA_KEYS = {"type", "name", "formula", "units", "params", "learn", "per_unit", "learned"}
FORMULA_FUNCTIONS = {
    "exp": torch.exp, "log": torch.log, "log1p": torch.log1p, "sqrt": torch.sqrt, "abs": torch.abs,
    "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "softplus": torch.nn.functional.softplus, "erf": torch.erf,
    "min": torch.minimum, "max": torch.maximum, "where": torch.where,
}
FORMULA_OPERATORS = {ast.Add: torch.add, ast.Sub: torch.sub, ast.Mult: torch.mul, ast.Div: torch.div,
                     ast.Pow: torch.pow}
FORMULA_COMPARISONS = {ast.Lt: torch.lt, ast.LtE: torch.le, ast.Gt: torch.gt, ast.GtE: torch.ge,
                       ast.Eq: torch.eq, ast.NotEq: torch.ne}


class FormulaActivation(torch.nn.Module):
    """mlptrain's formula activation ({"formula": "x * sigmoid(beta * x)", ...}), built from torch
    ops. The formula language is Python's expression syntax with ^ for ** (same precedence: -x^2
    is -(x^2)), so Python's own parser reads it; only its numbers, x, the parameters, + - * / ^,
    the language's functions and a comparison inside where() are accepted. Learned parameters are
    torch.nn.Parameters of one value (shared) or one per unit, named as in the file."""

    def __init__(self, layer, index):
        super().__init__()
        self.where = f"layers[{index}]"
        self.constants = {name: float(value) for name, value in layer["params"].items()
                          if name not in layer["learn"]}
        count = int(layer["units"]) if layer["per_unit"] else 1
        for name in layer["learn"]:
            self.register_parameter(name, torch.nn.Parameter(torch.full((count,), float(layer["params"][name]))))
        try:
            self.tree = ast.parse(layer["formula"].replace("^", "**"), mode="eval").body
        except SyntaxError as error:
            fail(f"{self.where}.formula: {error.msg}")

    def forward(self, x):
        return self.evaluate(self.tree, x)

    def evaluate(self, node, x):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return torch.tensor(float(node.value), dtype=x.dtype)
        if isinstance(node, ast.Name):
            if node.id == "x":
                return x
            if node.id in self.constants:
                return torch.tensor(self.constants[node.id], dtype=x.dtype)
            if node.id in self._parameters:
                return self._parameters[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.evaluate(node.operand, x)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and type(node.op) in FORMULA_OPERATORS:
            return FORMULA_OPERATORS[type(node.op)](self.evaluate(node.left, x), self.evaluate(node.right, x))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORMULA_FUNCTIONS:
            args = [self.condition(node.args[0], x)] if node.func.id == "where" else []
            args += [self.evaluate(arg, x) for arg in node.args[len(args):]]
            return FORMULA_FUNCTIONS[node.func.id](*args)
        fail(f"{self.where}.formula: cannot build {ast.unparse(node)!r} from torch ops")

    def condition(self, node, x):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in FORMULA_COMPARISONS):
            fail(f"{self.where}.formula: where() needs one comparison, got {ast.unparse(node)!r}")
        compare = FORMULA_COMPARISONS[type(node.ops[0])]
        return compare(self.evaluate(node.left, x), self.evaluate(node.comparators[0], x))


class CategoricalEmbedding(torch.nn.Module):
    """mlptrain's "embedding" layer: the inputs in parts, each copied through (dim 0) or, for a
    categorical column's one-hot inputs, multiplied by its torch.nn.Embedding's weight (one row per
    level): the row of the level that is hot, zeros for a cell with no input of its own."""

    def __init__(self, parts):
        super().__init__()
        self.parts = [(part["inputs"], part["dim"]) for part in parts]
        self.embeddings = torch.nn.ModuleList(
            torch.nn.Embedding(inputs, dim) for inputs, dim in self.parts if dim > 0)

    def forward(self, x):
        pieces, first, k = [], 0, 0
        for inputs, dim in self.parts:
            part = x[:, first:first + inputs]
            if dim > 0:
                part = part @ self.embeddings[k].weight
                k += 1
            pieces.append(part)
            first += inputs
        return torch.cat(pieces, dim=1)


def as_tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def build_sequential(model):
    """The model's layers as a torch.nn.Sequential in evaluation mode, weights loaded."""
    if model.get("format") != MODEL_FORMAT:
        fail(f"not an mlptrain model file (format {model.get('format')!r})")
    if model.get("version") not in MODEL_FORMAT_VERSIONS:
        fail(f"model format version {model.get('version')} is not supported (reads {MODEL_FORMAT_VERSIONS})")
    modules, state = [], {}
    for i, layer in enumerate(model["layers"]):
        kind = layer["type"]
        if kind == "linear":
            modules.append(torch.nn.Linear(layer["in_features"], layer["out_features"]))
            state[f"{i}.weight"] = as_tensor(layer["weight"])
            state[f"{i}.bias"] = as_tensor(layer["bias"])
        elif kind == "activation" and "formula" in layer:
            if set(layer) != FORMULA_KEYS:
                fail(f"layers[{i}]: a formula activation has the keys {sorted(FORMULA_KEYS)}, got {sorted(layer)}")
            module = FormulaActivation(layer, i)
            for key, values in layer["learned"].items():
                state[f"{i}.{key}"] = as_tensor(values)
            modules.append(module)
        elif kind == "activation":
            module = activation_module(layer, i)
            learned = set(layer) - ACTIVATION_KEYS
            if learned != set(module.state_dict()):
                fail(f"layers[{i}]: the file has learned values {sorted(learned)} but "
                     f"{type(module).__name__} has {sorted(module.state_dict())}")
            for key in learned:
                state[f"{i}.{key}"] = as_tensor(layer[key])
            modules.append(module)
        elif kind == "dropout":
            modules.append(torch.nn.Dropout(layer["p"]))
        elif kind == "embedding":
            module = CategoricalEmbedding(layer["parts"])
            embedded = [part for part in layer["parts"] if part["dim"] > 0]
            for k, part in enumerate(embedded):
                state[f"{i}.embeddings.{k}.weight"] = as_tensor(part["weight"])
            modules.append(module)
        else:
            fail(f"layers[{i}]: unknown layer type {kind!r}")
    sequential = torch.nn.Sequential(*modules)
    sequential.load_state_dict(state, strict=True)
    return sequential.eval()


def is_empty(text, na_values=()):
    # mlptrain drops blanks at either end of a field; a cell of blanks only, or one of the model's
    # na_values ("NA", "?", ...), is empty.
    text = text.strip(" \t")
    return text == "" or text in na_values


def number(text, name):
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"column {name!r}: {text!r} is not a finite number")
    return value


def column_encoder(column, na_values):
    """A function from one cell's text to the inputs of a version 3 feature column, unscaled."""
    name = column["name"]
    if column["type"] == "numeric":
        def numeric(text):
            empty = is_empty(text, na_values)
            value = column["fill"] if empty else number(text, name)
            return [value, 1.0 if empty else 0.0] if column["indicator"] else [value]
        return numeric
    levels = column["levels"]
    slot_of = {level: k for k, level in enumerate(levels)}
    # Inputs: one per level (in the file's order, which is byte order), then an empty cell's when
    # missing_level, then "other" when other_level. A cell that has no input of its own goes to
    # "other" when there is one, else to no input at all (every input of the column 0).
    width = len(levels) + column["missing_level"] + column["other_level"]
    missing = len(levels) if column["missing_level"] else None
    other = width - 1 if column["other_level"] else None

    def categorical(text):
        inputs = [0.0] * width
        slot = missing if is_empty(text, na_values) else slot_of.get(text.strip(" \t"))
        slot = other if slot is None else slot
        if slot is not None:
            inputs[slot] = 1.0
        return inputs
    return categorical


def plain_number(name):
    """A version 1 or 2 feature: one input, its value; an empty cell is an error, as in mlptrain."""
    return lambda text: [number(text, name)]


def encode_rows(model, header, rows):
    """The network's inputs for rows of CSV fields (`header` names the fields): each feature column
    picked by name and encoded as the model says, then standardised, in float32 as mlptrain does.
    Raises KeyError for a feature column missing from the header, ValueError for a bad value."""
    features = model["features"]
    columns = features.get("columns") or [None] * len(features["names"])
    na_values = frozenset(features.get("na_values", []))
    encoders = [column_encoder(c, na_values) if c else plain_number(name)
                for c, name in zip(columns, features["names"])]
    field = [header.index(name) for name in features["names"]]
    x = as_tensor([[value for j, encode in zip(field, encoders) for value in encode(row[j])] for row in rows])
    x = x.reshape(-1, len(features["mean"]))
    # x' = (x - mean) / scale, per input (identity for 0/1 inputs: mean 0, scale 1).
    return (x - as_tensor(features["mean"])) / as_tensor(features["scale"])


def read_features(path, model, delimiter):
    """The network's inputs for the rows of a CSV file (see encode_rows)."""
    with open(path, newline="") as file:
        rows = [row for row in csv.reader(file, delimiter=delimiter) if row]
    if not rows:
        fail(f"{path}: empty file")
    header = [name.strip(" \t") for name in rows[0]]
    missing = [name for name in model["features"]["names"] if name not in header]
    if missing:
        fail(f"{path}: missing feature columns {missing}")
    try:
        return encode_rows(model, header, rows[1:])
    except (ValueError, IndexError) as error:
        fail(f"{path}: {error}")


def target_names(model):
    targets = model["targets"]
    return targets if isinstance(targets, list) else targets["names"]


def in_target_units(model, y):
    """Regression outputs in the data's units: y * scale + mean (version 2 files), in double."""
    targets = model["targets"]
    if model["task"] != "regression" or isinstance(targets, list):
        return y
    mean = torch.tensor(targets["mean"], dtype=torch.float32).double()
    scale = torch.tensor(targets["scale"], dtype=torch.float32).double()
    return (y.double() * scale + mean).float()


def output_names(model, outputs):
    if model["task"] == "regression":
        return target_names(model)
    classes = model["classes"]
    # A single logit (bce_with_logits) is the score of the second class.
    return classes if outputs == len(classes) else classes[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="model.json written by mlptrain")
    parser.add_argument("--csv", help="print the outputs for the rows of this CSV file")
    parser.add_argument("--delimiter", default=",", help="CSV delimiter (default: ,)")
    parser.add_argument("--probabilities", action="store_true",
                        help="classification: print probabilities instead of logits")
    parser.add_argument("--save", help="save the state_dict (torch.save) to this file")
    args = parser.parse_args()

    with open(args.model) as file:
        model = json.load(file)
    sequential = build_sequential(model)
    if args.save:
        torch.save(sequential.state_dict(), args.save)
    if not args.csv:
        print(sequential)
        return
    with torch.no_grad():
        y = in_target_units(model, sequential(read_features(args.csv, model, args.delimiter)))
    if args.probabilities and model["task"] == "classification":
        y = torch.sigmoid(y) if y.shape[1] == 1 else torch.softmax(y, dim=1)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(output_names(model, y.shape[1]))
    for row in y.tolist():
        writer.writerow(f"{value:.9g}" for value in row)


if __name__ == "__main__":
    main()
