// Config errors: each asserts the whole message, which holds the file, the JSON path (or the
// line and column) and the reason.
#include "config_test_util.hpp"

#include <doctest/doctest.h>

using namespace mlp;
using namespace mlp::test;

TEST_CASE("config: type, range and name errors give the JSON path and the reason") {
  struct Case {
    std::string config;
    std::string message;
  };
  const Case cases[] = {
      {with_train(R"j(, "train": {"optimizer": {"name": "adam", "lr": -0.1}})j"),
       "configs/x.json: train.optimizer.lr: must be > 0, got -0.1"},
      {with_train(R"j(, "model": {"activaton": "relu"})j"),
       "configs/x.json: model.activaton: unknown key; did you mean \"activation\"?"},
      {with_train(R"j(, "model": {"activation": "rleu"})j"),
       "configs/x.json: model.activation: unknown activation \"rleu\"; did you mean \"relu\"? valid: " +
           activations().names()},
      {with_train(R"j(, "model": {"activation": {"name": "rleu"}})j"),
       "configs/x.json: model.activation: unknown activation \"rleu\"; did you mean \"relu\"? valid: " +
           activations().names()},
      {with_train(R"j(, "model": {"activation": "zzzzzz"})j"),
       "configs/x.json: model.activation: unknown activation \"zzzzzz\"; valid: " + activations().names()},
      {with_train(R"j(, "model": {"activation": {"negative_slope": 0.1}})j"),
       "configs/x.json: model.activation: missing \"name\" (one of " + activations().names() + ")"},
      {with_train(R"j(, "model": {"activation": 3})j"),
       "configs/x.json: model.activation: must be a name or an object with \"name\" and parameters, got 3"},
      {with_train(R"j(, "model": {"activation": {"name": "leaky_relu", "negative_slop": 0.1}})j"),
       "configs/x.json: model.activation.negative_slop: unknown parameter of leaky_relu; did you mean "
       "\"negative_slope\"? valid: negative_slope"},
      {with_train(R"j(, "model": {"activation": {"name": "relu", "inplace": true}})j"),
       "configs/x.json: model.activation.inplace: unknown parameter; relu has no parameters"},
      {with_train(R"j(, "train": {"epochs": "ten"})j"),
       "configs/x.json: train.epochs: must be an integer, got \"ten\""},
      {with_train(R"j(, "train": {"epochs": 1.5})j"), "configs/x.json: train.epochs: must be an integer, got 1.5"},
      {with_train(R"j(, "train": {"epochs": 0})j"), "configs/x.json: train.epochs: must be in [1, 1000000], got 0"},
      {with_train(R"j(, "train": {"batch_size": 1e9})j"),
       "configs/x.json: train.batch_size: must be in [1, 16777216], got 1000000000.0"},
      {with_train(R"j(, "train": {"seed": -1})j"),
       "configs/x.json: train.seed: must be in [0, 9007199254740991], got -1"},
      {with_train(R"j(, "model": {"hidden": [16, 1e12]})j"),
       "configs/x.json: model.hidden[1]: must be in [1, 1048576], got 1000000000000.0"},
      {with_train(R"j(, "model": {"hidden": 16})j"),
       "configs/x.json: model.hidden: must be a list of integers, got 16"},
      {with_train(R"j(, "train": {"shuffle": 1})j"), "configs/x.json: train.shuffle: must be true or false, got 1"},
      {with_train(R"j(, "train": {"clip_grad_norm": -1})j"),
       "configs/x.json: train.clip_grad_norm: must be >= 0, got -1"},
      {with_train(R"j(, "train": {"optimizer": {"name": "adam", "betas": [0.9]}})j"),
       "configs/x.json: train.optimizer.betas: must be a list of 2 numbers, got [0.9]"},
      {with_train(R"j(, "train": {"optimizer": {"name": "adam", "betas": [0.9, 1]}})j"),
       "configs/x.json: train.optimizer.betas[1]: must be in [0, 1), got 1"},
      {with_train(R"j(, "train": {"optimizer": {"name": "sgd", "nesterov": "yes"}})j"),
       "configs/x.json: train.optimizer.nesterov: must be true or false, got \"yes\""},
      {with_train(R"j(, "train": {"loss": "cross_entropi"})j"),
       "configs/x.json: train.loss: unknown loss \"cross_entropi\"; did you mean \"cross_entropy\"? valid: " +
           losses().names()},
      {with_train(R"j(, "train": {"schedule": {"name": "cosine", "warmup_epochs": -2}})j"),
       "configs/x.json: train.schedule.warmup_epochs: must be in [0, 1000000], got -2"},
      {with_train(R"j(, "model": {"init": {"name": "kaiming_uniform", "mode": "fan_ot"}})j"),
       "configs/x.json: model.init.mode: unknown value \"fan_ot\"; did you mean \"fan_out\"? valid: fan_in, fan_out"},
      {R"j({"data": {"train": "a.csv", "task": "clasification"}})j",
       "configs/x.json: data.task: unknown value \"clasification\"; did you mean \"classification\"? valid: auto, "
       "classification, regression"},
      {R"j({"data": {"train": "a.csv", "delimiter": ";;"}})j",
       "configs/x.json: data.delimiter: must be a single character, got \";;\""},
      {R"j({"data": {"train": "a.csv", "val_fraction": 1}})j",
       "configs/x.json: data.val_fraction: must be in [0, 1), got 1"},
      {R"j({"data": {"train": ""}})j", "configs/x.json: data.train: must not be empty"},
      {R"j({"data": {"train": "a.csv", "features": ["x", 3]}})j",
       "configs/x.json: data.features[1]: must be a string, got 3"},
      {R"j({"data": {}})j", "configs/x.json: data.train: missing; this key is required"},
      {R"j({})j", "configs/x.json: data.train: missing; this key is required"},
      {with_train(R"j(, "traim": {})j"), "configs/x.json: traim: unknown key; did you mean \"train\"?"},
      {with_train(R"j(, "zzz": {})j"),
       "configs/x.json: zzz: unknown key; valid keys here: data, model, train, output, compare"},
      {with_train(R"j(, "train": 3)j"), "configs/x.json: train: must be an object, got 3"},
      {with_train(R"j(, "train": {"early_stopping": {"patiense": 3}})j"),
       "configs/x.json: train.early_stopping.patiense: unknown key; did you mean \"patience\"?"},
      {with_train(R"j(, "model": {"layers": [{"type": "linear", "unit": 3}]})j"),
       "configs/x.json: model.layers[0].unit: unknown key; did you mean \"units\"?"},
      {with_train(R"j(, "model": {"layers": [{"type": "lineer", "units": 3}]})j"),
       "configs/x.json: model.layers[0].type: unknown value \"lineer\"; did you mean \"linear\"? valid: linear, "
       "activation, dropout"},
      {with_train(R"j(, "model": {"layers": [{"units": 3}]})j"),
       "configs/x.json: model.layers[0]: missing \"type\" (one of linear, activation, dropout)"},
      {with_train(R"j(, "model": {"layers": [{"type": "linear"}]})j"),
       "configs/x.json: model.layers[0].units: missing; this key is required"},
      {with_train(R"j(, "model": {"layers": [{"type": "dropout", "p": 1}]})j"),
       "configs/x.json: model.layers[0].p: must be in [0, 1), got 1"},
      {with_train(R"j(, "model": {"layers": {"type": "linear"}})j"),
       "configs/x.json: model.layers: must be a list of layers, got {\"type\":\"linear\"}"},
      {with_train(R"j(, "compare": {"activations": []})j"), "configs/x.json: compare.activations: must not be empty"},
      {with_train(R"j(, "compare": {"activations": ["relu", "leaky_relu(negative_slope=x)"]})j"),
       "configs/x.json: compare.activations[1].negative_slope: must be a number, got \"x\""},
      {with_train(R"j(, "compare": {"activations": ["leaky_relu(0.2)"]})j"),
       "configs/x.json: compare.activations[0]: must be written name or name(param=value, ...), got "
       "\"leaky_relu(0.2)\""},
      {with_train(R"j(, "compare": {"seeds": 0})j"), "configs/x.json: compare.seeds: must be in [1, 10000], got 0"},
      {with_train(R"j(, "compare": {"seeds": [1, -2]})j"),
       "configs/x.json: compare.seeds[1]: must be in [0, 9007199254740991], got -2"},
      {with_train(R"j(, "compare": {"lr_grid": [0.1, 0]})j"), "configs/x.json: compare.lr_grid[1]: must be > 0, got 0"},
      {with_train(R"j(, "compare": {"baseline": "tahn"})j"),
       "configs/x.json: compare.baseline: unknown activation \"tahn\"; did you mean \"tanh\"? valid: " +
           activations().names()},
      {with_train(R"j(, "compare": {"init": "xavier"})j"),
       "configs/x.json: compare.init: unknown value \"xavier\"; valid: same, auto"},
      {"[1, 2]", "configs/x.json: a config must be a JSON object ({\"data\": ...}), got [1,2]"},
      // A line break in a key stays escaped: every message is one line.
      {with_train(R"j(, "model": {"hid\nden": [3]})j"),
       "configs/x.json: model.hid\\nden: unknown key; did you mean \"hidden\"?"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.config);
    CHECK(error_of(c.config) == c.message);
  }
}

TEST_CASE("config: checks across keys") {
  struct Case {
    std::string config;
    std::string message;
  };
  const Case cases[] = {
      {with_train(R"j(, "model": {"activation": {"name": "hardtanh", "min_val": 1, "max_val": -1}})j"),
       "configs/x.json: model.activation.max_val: must be > min_val (1.0), got -1.0"},
      {R"j({"data": {"train": "a.csv", "val": "v.csv", "val_fraction": 0.1}})j",
       "configs/x.json: data.val_fraction: give data.val_fraction (a split of data.train) or data.val (a separate "
       "file), not both"},
      {with_train(R"j(, "train": {"optimizer": {"name": "sgd", "nesterov": true}})j"),
       "configs/x.json: train.optimizer.nesterov: needs momentum > 0 and dampening = 0, got momentum 0.0, dampening "
       "0.0"},
      {with_train(
           R"j(, "train": {"optimizer": {"name": "sgd", "momentum": 0.9, "dampening": 0.1, "nesterov": true}})j"),
       "configs/x.json: train.optimizer.nesterov: needs momentum > 0 and dampening = 0, got momentum 0.9, dampening "
       "0.1"},
      {with_train(R"j(, "train": {"optimizer": {"name": "sgd", "dampening": 0.5}})j"),
       "configs/x.json: train.optimizer.dampening: has no effect without momentum; set momentum > 0 (got momentum "
       "0.0)"},
      {with_train(R"j(, "model": {"init": {"name": "kaiming_normal", "a": 0.1, "nonlinearity": "relu"}})j"),
       "configs/x.json: model.init.a: is used only with nonlinearity leaky_relu, got nonlinearity \"relu\""},
      {with_train(R"j(, "model": {"hidden": [8], "activation": {"name": "prelu", "num_parameters": 4}})j"),
       "configs/x.json: model.activation.num_parameters: must be 1 or the layer's units (8), got 4"},
      {with_train(R"j(, "model": {"layers": [{"type": "linear", "units": 8},
           {"type": "activation", "activation": "prelu(num_parameters=4)"}]})j"),
       "configs/x.json: model.layers[1].activation.num_parameters: must be 1 or the layer's units (8), got 4"},
      {with_train(R"j(, "model": {"layers": [{"type": "linear", "units": 8},
           {"type": "activation", "activation": {"name": "prelu", "num_parameters": 4}}]})j"),
       "configs/x.json: model.layers[1].activation.num_parameters: must be 1 or the layer's units (8), got 4"},
      {with_train(R"j(, "model": {"hidden": [8, 4]}, "compare": {"activations": ["prelu(num_parameters=8)"]})j"),
       "configs/x.json: compare.activations[0].num_parameters: must be 1 or the units of every layer with "
       "model.activation (8, 4), "
       "got 8"},
      {with_train(R"j(, "model": {"hidden": [8], "layers": []})j"),
       "configs/x.json: model.layers: give model.hidden (the compact form) or model.layers (explicit layers), not "
       "both"},
      {with_train(R"j(, "model": {"dropout": 0.2, "layers": []})j"),
       "configs/x.json: model.dropout: applies to model.hidden only; with model.layers, add {\"type\": \"dropout\", "
       "\"p\": ...} entries"},
      {R"j({"data": {"train": "a.csv", "task": "classification", "standardize_target": true}})j",
       "configs/x.json: data.standardize_target: applies to regression targets; data.task is classification"},
      {with_train(R"j(, "train": {"early_stopping": {"restore_best": false}})j"),
       "configs/x.json: train.early_stopping.restore_best: has no effect without early stopping; set "
       "train.early_stopping.patience > 0"},
      {with_train(R"j(, "train": {"early_stopping": {"patience": 0, "min_delta": 0.1}})j"),
       "configs/x.json: train.early_stopping.min_delta: has no effect without early stopping; set "
       "train.early_stopping.patience > 0"},
      {R"j({"data": {"train": "a.csv", "val_fraction": 0}, "train": {"early_stopping": {"patience": 5}}})j",
       "configs/x.json: train.early_stopping.patience: needs a validation set to watch: data.val_fraction > 0 or "
       "data.val"},
      {R"j({"data": {"train": "a.csv", "features": ["a"], "exclude": ["b"]}})j",
       "configs/x.json: data.exclude: give data.features (the columns to use) or data.exclude (the columns to leave "
       "out), not both"},
      {R"j({"data": {"train": "a.csv", "task": "regression"}, "train": {"loss": "cross_entropy"}})j",
       "configs/x.json: train.loss: cross_entropy is a classification loss, but data.task is regression"},
      {R"j({"data": {"train": "a.csv", "task": "classification"}, "train": {"loss": "mse"}})j",
       "configs/x.json: train.loss: mse is a regression loss, but data.task is classification"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.config);
    CHECK(error_of(c.config) == c.message);
  }
  // Only layers that follow model.activation take compare's activations.
  const std::string mixed = with_train(R"j(, "model": {"layers": [{"type": "linear", "units": 8},
      {"type": "activation", "activation": "tanh"}, {"type": "linear", "units": 4}, {"type": "activation"}]},
      "compare": {"activations": ["prelu(num_parameters=4)"]})j");
  CHECK(error_of(mixed) == "no error");
  std::string mismatched = mixed;
  mismatched.replace(mismatched.find("num_parameters=4"), 16, "num_parameters=8");
  CHECK(error_of(mismatched) ==
        "configs/x.json: compare.activations[0].num_parameters: must be 1 or the units of every layer with "
        "model.activation (4), got 8");
  // The same settings without the conflict are fine.
  CHECK_NOTHROW(parse(with_train(R"j(, "model": {"hidden": [8, 8], "activation": "prelu(num_parameters=8)"})j")));
}

TEST_CASE("config: JSON syntax errors give line and column") {
  CHECK(error_of("{\"data\": {\"train\": \"a.csv\",}\n}") ==
        "configs/x.json:1:27: trailing comma before '}' (JSON allows none)");
  CHECK(error_of("{\"data\": {\"train\": \"a.csv\"},\n \"model\": {\"hidden\": [1, 2, ]}}") ==
        "configs/x.json:2:27: trailing comma before ']' (JSON allows none)");
  CHECK(error_of("{\n  // the data\n  \"data\": {\"train\": \"a.csv\"}\n}") ==
        "configs/x.json:2:3: comments are not allowed (a config is plain JSON, so any JSON tool can read it)");
  CHECK(error_of("{\"data\": {\"train\": \"a.csv\"} /* why */}") ==
        "configs/x.json:1:29: comments are not allowed (a config is plain JSON, so any JSON tool can read it)");
  CHECK(error_of("{\"data\": {\"train\": \"a.csv\"}\n \"model\": {}}") ==
        "configs/x.json:2:8: syntax error while parsing object - unexpected string literal; expected '}'");
  CHECK(error_of("") ==
        "configs/x.json:1:1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a "
        "literal");
  CHECK(error_of(with_train(R"j(, "train": {"clip_grad_norm": 1e400})j")) ==
        "configs/x.json:1:58: the number 1e400 is beyond the range of a double");
  // A number-like string before it is not the number (the scan skips strings).
  CHECK(error_of("{\"data\": {\"train\": \"1e999\"},\n \"train\": {\"epochs\": -2e999}}") ==
        "configs/x.json:2:22: the number -2e999 is beyond the range of a double");
  // Raw bytes that are not UTF-8 are shown escaped, so the message stays printable.
  CHECK(error_of("{\"data\": {\"train\": \"a\xff.csv\"}}") ==
        "configs/x.json:1:22: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: "
        "'\"a\\xFF'");
  CHECK(error_of("{\"data\": {\"train\": tru}}") ==
        "configs/x.json:1:23: syntax error while parsing value - invalid literal; last read: '\"train\": tru}'");
  // The config's name is one line too: a checkpoint brings it back from the path a run was started
  // with, which may hold a line break (found by fuzzing the checkpoint loader).
  for (const char* text : {"{\"data\": tru}", "[1]", "{\"model\": {\"hidden\": 3}}"}) {
    CAPTURE(text);
    try {
      parse_config_text(text, "runs/a\nb\r.json", "runs", {});
      FAIL("no error");
    } catch (const InputError& error) {
      CHECK(std::string(error.what()).rfind("runs/a\\nb\\r.json:", 0) == 0);
    }
  }

  SUBCASE("a key given twice names its path") {
    CHECK(error_of(R"j({"data": {"train": "a.csv", "train": "b.csv"}})j") ==
          "configs/x.json: data.train: duplicate key (only one value can count; remove the other)");
    CHECK(error_of(with_train(
              R"j(, "model": {"layers": [{"type": "linear"}, {"type": "linear", "units": 1, "units": 2}]})j")) ==
          "configs/x.json: model.layers[1].units: duplicate key (only one value can count; remove the other)");
  }
  SUBCASE("nesting deeper than 64 levels is refused before parsing") {
    const auto nested = [](int depth) {
      return with_train(", \"model\": {\"hidden\": " + std::string(static_cast<std::size_t>(depth - 2), '[') +
                        std::string(static_cast<std::size_t>(depth - 2), ']') + "}");
    };
    // 64 levels parse (and fail the type check); 65 do not parse.
    CHECK(error_of(nested(64)).starts_with("configs/x.json: model.hidden[0]: must be an integer"));
    CHECK(error_of(nested(65)) == "configs/x.json:1:112: nesting deeper than 64 levels of arrays and objects");
    // A hostile file: a million brackets must give an error, not a stack overflow.
    CHECK(error_of(std::string(1'000'000, '[')) ==
          "configs/x.json:1:65: nesting deeper than 64 levels of arrays and objects");
    // Brackets inside strings do not count.
    CHECK(error_of(
              R"j({"data": {"train": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[.csv"}})j") ==
          "no error");
  }
}
