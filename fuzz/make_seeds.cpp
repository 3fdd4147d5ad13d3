// Writes the seed corpora of the model and checkpoint fuzz targets, made by the library itself
// so that they always have the current format: mlp_fuzz_seeds SOURCE_DIR OUTPUT_DIR writes
// OUTPUT_DIR/model/*.json and OUTPUT_DIR/checkpoint/*.json (checkpoints of short runs on
// SOURCE_DIR/data/xor.csv, the way `train` writes them).
#include "mlp/checkpoint.hpp"
#include "mlp/config.hpp"
#include "mlp/experiment.hpp"
#include "mlp/files.hpp"

#include "model_samples.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace mlp;

// One feature, two classes, and a width-1 linear layer before each activation of the table
// (parameters off their defaults) and two formulas: every activation the loader knows, in a few KB.
Model every_activation_model() {
  std::vector<LayerSpec> specs;
  for (const ActivationSpec& spec : activations()) {
    specs.push_back(LayerSpec::linear(1));
    specs.push_back(LayerSpec::activation_of(test::off_default(spec)));
  }
  // And the formulas of model_samples.hpp, which use every function of the language.
  for (const std::string_view formula : test::kSampleFormulas) {
    specs.push_back(LayerSpec::linear(1));
    specs.push_back(LayerSpec::activation_of(Activation::of_formula(FormulaActivation::make(
        "", std::string(formula),
        {{.name = "alpha", .value = 1.25}, {.name = "beta", .value = 0.75}, {.name = "gamma", .value = 0.1}}, {"beta"},
        true))));
  }
  specs.push_back(LayerSpec::dropout(0.125));
  DataSchema schema;
  schema.feature_names = {"x"};
  schema.target_names = {"label"};
  schema.classes = {"no", "yes"};
  schema.standardizer = Standardizer::identity(1);
  return {schema, Network::build(1, specs, 2, Initializer::pytorch_default(), 3)};
}

Model regression_model() {
  DataSchema schema;
  schema.task = Task::kRegression;
  schema.feature_names = {"a", "b"};
  schema.target_names = {"y", "z"};
  schema.standardizer.mean = (Vector(2) << 1.5f, -2.0f).finished();
  schema.standardizer.scale = (Vector(2) << 0.5f, 3.0f).finished();
  const LayerSpec specs[] = {LayerSpec::linear(2), LayerSpec::activation_of(Activation::with_defaults("tanh"))};
  return {schema, Network::build(2, specs, 2, Initializer::pytorch_default(), 5)};
}

// Trains on data/xor.csv as `train` would with `config` (a config in SOURCE_DIR/configs) and
// returns the text of the last checkpoint written.
std::string checkpoint_of_run(const std::filesystem::path& source_dir, const std::string& config) {
  const RunOrigin origin{"configs/xor.json", config, {{"train.seed", "5"}}};
  const Settings settings = parse_config_text(config, "configs/xor.json", source_dir / "configs", origin.overrides);
  const Experiment experiment = load_experiment(settings);
  Model model{experiment.data.schema, build_network(settings.model, settings.model.init, experiment, 5)};
  Trainer trainer(settings.train, model.network, experiment.loss, experiment.task(), experiment.classes());
  std::string text;
  TrainerOptions options;
  options.on_checkpoint = [&](const TrainerState& state) { text = checkpoint_text(origin, model, state); };
  const Dataset* val = experiment.data.val ? &*experiment.data.val : nullptr;
  trainer.fit(experiment.data.train, val, options);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: mlp_fuzz_seeds SOURCE_DIR OUTPUT_DIR\n");
    return 2;
  }
  const std::filesystem::path source_dir = argv[1];
  const std::filesystem::path out = argv[2];
  try {
    std::filesystem::create_directories(out / "model");
    std::filesystem::create_directories(out / "checkpoint");
    write_file_atomically(out / "model" / "small.json", model_text(test::small_model()));
    write_file_atomically(out / "model" / "every_activation.json", model_text(every_activation_model()));
    write_file_atomically(out / "model" / "regression.json", model_text(regression_model()));
    write_file_atomically(out / "checkpoint" / "adam_dropout_val.json",
                          checkpoint_of_run(source_dir, R"({"data": {"train": "../data/xor.csv", "val_fraction": 0.5},
 "model": {"hidden": [2], "dropout": 0.25},
 "train": {"epochs": 2, "batch_size": 2, "checkpoint_every": 1, "early_stopping": {"patience": 1}}})"));
    write_file_atomically(out / "checkpoint" / "sgd_regression.json",
                          checkpoint_of_run(source_dir, R"({"data": {"train": "../data/xor.csv", "task": "regression",
 "val_fraction": 0}, "model": {"hidden": [3], "activation": "prelu"},
 "train": {"epochs": 3, "checkpoint_every": 2, "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9},
 "schedule": "cosine"}})"));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mlp_fuzz_seeds: %s\n", error.what());
    return 1;
  }
  return 0;
}
