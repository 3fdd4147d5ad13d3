// Config parsing: the settings a config gives, defaults, layers, paths, and the generated
// reference. --set and the defaulted record are in test_config_overrides.cpp, errors in
// test_config_errors.cpp.
#include "config/keys.hpp"
#include "config_test_util.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace mlp;
using namespace mlp::test;

namespace {

std::vector<std::string> layer_summary(const std::vector<LayerSpec>& layers) {
  std::vector<std::string> text;
  for (const LayerSpec& layer : layers) {
    switch (layer.type) {
      case LayerSpec::Type::kLinear:
        text.push_back("linear " + std::to_string(layer.units));
        break;
      case LayerSpec::Type::kActivation:
        text.push_back(layer.activation.describe());
        break;
      case LayerSpec::Type::kDropout:
        text.push_back("dropout " + std::to_string(layer.p));
        break;
      case LayerSpec::Type::kEmbedding:
        text.push_back("embedding of " + std::to_string(layer.parts.size()) + " columns");
        break;
    }
  }
  return text;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::ranges::find(list, item) != list.end();
}

// A fresh empty folder under the system's temporary directory.
std::filesystem::path temp_dir(std::string_view name) {
  const auto dir = std::filesystem::temp_directory_path() / ("mlp_test_config_" + std::to_string(getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("config: the sample config parses into the expected settings") {
  const Settings s = parse(kSample);
  CHECK(s.config_path == kSource);
  CHECK(s.data.train == "data/iris.csv");  // configs/../data/iris.csv
  CHECK(s.data.targets == std::vector<std::string>{"species"});
  REQUIRE(s.data.task.has_value());
  CHECK(*s.data.task == Task::kClassification);
  CHECK(s.data.val_fraction == 0.2);
  CHECK_FALSE(s.data.val.has_value());
  CHECK_FALSE(s.data.test.has_value());
  CHECK(s.data.standardize);
  CHECK(layer_summary(s.model.hidden) == std::vector<std::string>{"linear 16", "relu", "linear 16", "relu"});
  CHECK(resolved(s)["model"]["activation"]["name"] == "relu");
  CHECK(s.model.init.spec->name == "default");
  CHECK(s.train.epochs == 100);
  CHECK(s.train.batch_size == 16);
  CHECK(s.train.shuffle);
  CHECK(s.train.seed == 42);
  CHECK_FALSE(s.train.loss.has_value());
  CHECK(s.train.optimizer.spec->name == "adam");
  CHECK(s.train.optimizer.lr() == 0.01);
  ParamValues adam = default_values(s.train.optimizer.spec->param_specs());
  adam[0] = 0.01;
  CHECK(s.train.optimizer.params == adam);
  CHECK(s.output.dir == "runs/iris");
  // The resolved config has every parameter filled in.
  CHECK(resolved(s)["train"]["optimizer"]["betas"] == nlohmann::json::array({0.9, 0.999}));
  CHECK(resolved(s)["model"]["layers"].size() == 4);
}

TEST_CASE("config: every default") {
  const Settings s = parse(R"j({"data": {"train": "a.csv"}})j");
  CHECK(s.data.train == "configs/a.csv");
  CHECK(s.data.targets.empty());
  CHECK_FALSE(s.data.task.has_value());
  CHECK(s.data.features.empty());
  CHECK(s.data.exclude.empty());
  CHECK(s.data.val_fraction == 0.2);
  CHECK_FALSE(s.data.val.has_value());
  CHECK_FALSE(s.data.test.has_value());
  CHECK(s.data.standardize);
  CHECK(s.data.stratify);
  CHECK(s.data.csv.delimiter == ',');
  CHECK(s.data.csv.missing == MissingPolicy::kImpute);
  CHECK(s.data.impute == ImputeStrategy::kMedian);
  CHECK(s.data.impute_value == 0);
  CHECK(s.data.categorical.empty());
  CHECK(s.data.numeric.empty());
  CHECK(s.data.min_frequency == 1);

  CHECK(layer_summary(s.model.hidden) == std::vector<std::string>{"linear 64", "relu", "linear 64", "relu"});
  CHECK(resolved(s)["model"]["activation"]["name"] == "relu");
  CHECK(s.model.init.spec->name == "default");
  CHECK(s.model.init.params.empty());
  CHECK(s.model.init.bias == BiasInit::kDefault);

  CHECK(s.train.epochs == 100);
  CHECK(s.train.batch_size == 32);
  CHECK(s.train.shuffle);
  CHECK(s.train.seed == 42);
  CHECK_FALSE(s.train.loss.has_value());
  CHECK(s.train.optimizer.spec->name == "adam");
  CHECK(s.train.optimizer.params == default_values(s.train.optimizer.spec->param_specs()));
  CHECK(s.train.optimizer.lr() == 0.001);  // torch.optim.Adam's
  CHECK(s.train.schedule.spec->name == "constant");
  CHECK(s.train.schedule.warmup_epochs == 0);
  CHECK(s.train.clip_grad_norm == 0);
  CHECK(s.train.early_stopping.patience == 0);
  CHECK(s.train.early_stopping.min_delta == 0);
  CHECK(s.train.early_stopping.restore_best);
  CHECK_FALSE(s.train.init_from.has_value());
  CHECK(s.train.checkpoint_every == 0);

  CHECK(s.output.dir == "runs/x");

  std::vector<std::string> compared;
  for (const Activation& a : s.compare.activations) compared.push_back(a.describe());
  CHECK(compared == std::vector<std::string>{"identity", "sigmoid", "tanh", "relu", "leaky_relu(negative_slope=0.01)",
                                             "prelu(num_parameters=1, init=0.25)", "silu"});
  CHECK(s.compare.seeds == std::vector<std::uint64_t>{42});
  CHECK(s.compare.lr_grid.empty());
  CHECK(s.compare.baseline == 3);  // relu's place in the list
  CHECK(s.compare.init == CompareInit::kSame);

  // The structs' own initialisers agree with the declared defaults.
  const TrainSettings train;
  CHECK(s.train.epochs == train.epochs);
  CHECK(s.train.batch_size == train.batch_size);
  CHECK(s.train.seed == train.seed);
  CHECK(s.data.val_fraction == DataSettings{}.val_fraction);

  // Everything but data.train was defaulted, and is listed, in the order of the key table.
  std::vector<std::string> all_defaulted;
  for (const schema::Key& key : config_keys()) {
    if (key.path != "data.train") all_defaulted.emplace_back(key.path);
  }
  CHECK(s.defaulted == all_defaulted);
}

// summary.json records the resolved config, every key written out: read back, it must be
// accepted and mean the same (a key written at its default is not a key "given" for nothing).
TEST_CASE("config: a resolved config reads back as itself") {
  for (const std::string_view text :
       {std::string_view(kSample), std::string_view(R"j({"data": {"train": "a.csv"}})j")}) {
    CAPTURE(text);
    nlohmann::json written = resolved(parse(text));
    written["model"]["hidden"] = nullptr;  // model.layers holds the expanded layers
    written["model"]["dropout"] = 0;
    const Settings again = parse_config_text(written.dump(), "resolved.json", "", {});
    CHECK(resolved(again) == written);
  }
}

TEST_CASE("config: values of every kind are read into the settings") {
  const Settings s = parse(R"j({
    "data": {"train": "/abs/a.csv", "target": ["y1", "y2"], "task": "regression", "exclude": "id",
             "val": "v.csv", "test": "t.csv", "standardize": false, "stratify": false, "delimiter": ";",
             "missing": "drop"},
    "model": {"hidden": [], "init": {"name": "kaiming_uniform", "a": 0, "nonlinearity": "relu"}, "bias_init": "zeros"},
    "train": {"epochs": 1e2, "seed": 7, "loss": {"name": "huber", "delta": 2},
              "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": true},
              "schedule": {"name": "step", "step_size": 5, "warmup_epochs": 3}, "clip_grad_norm": 1.5,
              "early_stopping": {"patience": 4, "min_delta": 0.01, "restore_best": false},
              "init_from": "../models/m.json", "checkpoint_every": 10},
    "output": {"dir": "out/here"},
    "compare": {"activations": ["tanh", "leaky_relu(negative_slope=0.2)", {"name": "elu", "alpha": 0.5}],
                "seeds": 3, "lr_grid": [0.1, 0.01], "baseline": "tanh", "init": "auto"}
  })j");
  CHECK(s.data.train == "/abs/a.csv");
  CHECK(s.data.targets == std::vector<std::string>{"y1", "y2"});
  CHECK(*s.data.task == Task::kRegression);
  CHECK(s.data.exclude == std::vector<std::string>{"id"});
  CHECK(s.data.val_fraction == 0);  // a validation file replaces the split
  CHECK(*s.data.val == "configs/v.csv");
  CHECK(*s.data.test == "configs/t.csv");
  CHECK_FALSE(s.data.standardize);
  CHECK_FALSE(s.data.stratify);
  CHECK(s.data.csv.delimiter == ';');
  CHECK(s.data.csv.missing == MissingPolicy::kDrop);
  CHECK(s.model.hidden.empty());
  CHECK(s.model.init.describe() == "kaiming_uniform(a=0, mode=fan_in, nonlinearity=relu), bias zeros");
  CHECK(s.train.epochs == 100);
  CHECK(s.train.seed == 7);
  REQUIRE(s.train.loss.has_value());
  CHECK(s.train.loss->describe() == "huber(delta=2)");
  CHECK(s.train.optimizer.spec->name == "sgd");
  CHECK(s.train.optimizer.params == ParamValues{0.1, 0.9, 0, 0, 1});  // lr, momentum, dampening, weight_decay, nesterov
  CHECK(s.train.schedule.spec->name == "step");
  CHECK(s.train.schedule.params == ParamValues{5, 0.1});
  CHECK(s.train.schedule.warmup_epochs == 3);
  CHECK(s.train.clip_grad_norm == 1.5);
  CHECK(s.train.early_stopping.patience == 4);
  CHECK(s.train.early_stopping.min_delta == 0.01);
  CHECK_FALSE(s.train.early_stopping.restore_best);
  CHECK(*s.train.init_from == "models/m.json");
  CHECK(s.train.checkpoint_every == 10);
  CHECK(s.output.dir == "out/here");  // relative to the current directory, not the config's
  REQUIRE(s.compare.activations.size() == 3);
  CHECK(s.compare.activations[1].describe() == "leaky_relu(negative_slope=0.2)");
  CHECK(s.compare.activations[2].describe() == "elu(alpha=0.5)");
  CHECK(s.compare.seeds == std::vector<std::uint64_t>{7, 8, 9});
  CHECK(s.compare.lr_grid == std::vector<double>{0.1, 0.01});
  CHECK(s.compare.baseline == 0);  // tanh
  CHECK(s.compare.init == CompareInit::kAuto);
  CHECK(resolved(s)["compare"]["seeds"] == nlohmann::json::array({7, 8, 9}));
}

TEST_CASE("config: compact and explicit layers give the same network") {
  const Settings compact =
      parse(with_train(R"j(, "model": {"hidden": [8, 4], "activation": "tanh", "dropout": 0.25})j"));
  const Settings explicit_layers = parse(with_train(R"j(, "model": {"activation": "tanh", "layers": [
      {"type": "linear", "units": 8}, {"type": "activation"}, {"type": "dropout", "p": 0.25},
      {"type": "linear", "units": 4}, {"type": "activation", "activation": "tanh"}, {"type": "dropout", "p": 0.25}]})j"));
  const std::vector<std::string> expected = {"linear 8", "tanh", "dropout 0.250000",
                                             "linear 4", "tanh", "dropout 0.250000"};
  CHECK(layer_summary(compact.model.hidden) == expected);
  CHECK(layer_summary(explicit_layers.model.hidden) == expected);
  CHECK(resolved(compact)["model"]["layers"] == resolved(explicit_layers)["model"]["layers"]);
  CHECK(resolved(explicit_layers)["model"]["hidden"].is_null());
  CHECK(contains(explicit_layers.defaulted, "model.layers[1].activation"));
  // compare swaps the activations that follow model.activation, not the ones a layer names.
  CHECK(compact.model.hidden[1].follows_model_activation);
  CHECK(compact.model.hidden[4].follows_model_activation);
  CHECK(explicit_layers.model.hidden[1].follows_model_activation);
  CHECK_FALSE(explicit_layers.model.hidden[4].follows_model_activation);

  SUBCASE("a layer's own activation, and dropout's PyTorch default p") {
    const Settings s = parse(with_train(R"j(, "model": {"layers": [{"type": "linear", "units": 3},
        {"type": "activation", "activation": {"name": "leaky_relu", "negative_slope": 0.3}}, {"type": "dropout"}]})j"));
    CHECK(layer_summary(s.model.hidden) ==
          std::vector<std::string>{"linear 3", "leaky_relu(negative_slope=0.3)", "dropout 0.500000"});
    CHECK(resolved(s)["model"]["activation"]["name"] == "relu");
  }
  SUBCASE("no dropout layers without model.dropout") {
    const Settings s = parse(with_train(R"j(, "model": {"hidden": [5]})j"));
    CHECK(layer_summary(s.model.hidden) == std::vector<std::string>{"linear 5", "relu"});
  }
}

TEST_CASE("config: files, and paths relative to the config's folder") {
  const std::filesystem::path dir = temp_dir("files");
  std::filesystem::create_directories(dir / "configs");
  const std::filesystem::path config = dir / "configs" / "iris_small.json";
  write_file(config, R"j({"data": {"train": "../data/iris.csv", "val": "val.csv", "test": "/data/test.csv"},
                         "train": {"init_from": "models/start.json"}})j");
  const Settings s = parse_config(config);
  CHECK(s.config_path == config.string());
  CHECK(s.data.train == (dir / "data/iris.csv").string());
  CHECK(*s.data.val == (dir / "configs/val.csv").string());
  CHECK(*s.data.test == "/data/test.csv");
  CHECK(*s.train.init_from == (dir / "configs/models/start.json").string());
  CHECK(s.output.dir == "runs/iris_small");
  CHECK(resolved(s)["data"]["train"] == (dir / "data/iris.csv").string());

  SUBCASE("errors name the file") {
    write_file(dir / "bad.json", "{\"data\": {\"train\": \"a.csv\", \"tagret\": \"y\"}}");
    CHECK_THROWS_WITH_AS(parse_config(dir / "bad.json"),
                         ((dir / "bad.json").string() + ": data.tagret: unknown key; did you mean \"target\"?").c_str(),
                         InputError);
  }
  SUBCASE("a missing file, and a directory") {
    CHECK_THROWS_WITH_AS(
        parse_config(dir / "nope.json"),
        ((dir / "nope.json").string() + ": cannot read the config file: No such file or directory").c_str(),
        InputError);
    CHECK_THROWS_WITH_AS(parse_config(dir / "configs"),
                         ((dir / "configs").string() + ": is a directory, not a config file").c_str(), InputError);
  }
  SUBCASE("an unreadable file") {
    write_file(dir / "secret.json", "{}");
    std::filesystem::permissions(dir / "secret.json", std::filesystem::perms::none);
    if (geteuid() != 0) {  // root reads it anyway
      CHECK_THROWS_WITH_AS(
          parse_config(dir / "secret.json"),
          ((dir / "secret.json").string() + ": cannot open the config file: Permission denied").c_str(), InputError);
    }
  }
  std::filesystem::remove_all(dir.parent_path());
}

// docs/config.md is generated; this keeps the checked-in file equal to the generator's output.
// Rather than a separate tool target, the test that knows both the text and the path writes the
// file when asked: MLP_REGENERATE_DOCS=1 build/debug/tests/mlp_tests -tc="docs/config.md*"
TEST_CASE("docs/config.md is up to date") {
  const std::filesystem::path path = std::filesystem::path(MLP_SOURCE_DIR) / "docs" / "config.md";
  const std::string generated = config_reference_markdown();
  if (std::getenv("MLP_REGENERATE_DOCS") != nullptr) {
    write_file(path, generated);
    MESSAGE("wrote " << path.string());
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream checked_in;
  checked_in << file.rdbuf();
  // Name the first line that differs rather than printing both files.
  std::istringstream expected(generated);
  std::string line_in_file;
  std::string line_generated;
  int line = 0;
  checked_in.seekg(0);
  while (true) {
    ++line;
    const bool more_in_file = static_cast<bool>(std::getline(checked_in, line_in_file));
    const bool more_generated = static_cast<bool>(std::getline(expected, line_generated));
    if (!more_in_file && !more_generated) break;
    if (more_in_file != more_generated || line_in_file != line_generated) {
      FAIL_CHECK(path.string() << " differs from config_reference_markdown() at line " << line
                               << ":\n  file:      " << line_in_file << "\n  generated: " << line_generated
                               << "\nRegenerate it with MLP_REGENERATE_DOCS=1 build/debug/tests/mlp_tests "
                                  "-tc=\"docs/config.md*\" and review the diff.");
      break;
    }
  }
}
