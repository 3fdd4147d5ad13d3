// The run configuration: a JSON file (plus --set overrides) parsed and validated once into a
// plain, const Settings value. Nothing after parse_config sees JSON or argv.
//
// Every key is declared once in config.cpp (name, type, default, range, description); that
// declaration drives parsing, validation, "did you mean" suggestions, the defaulted-value echo
// in the run summary, and docs/config.md (see config_reference_markdown).
#pragma once

#include "mlp/activation.hpp"
#include "mlp/dataset.hpp"
#include "mlp/init.hpp"
#include "mlp/loss.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/schedule.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlp {

struct ModelSettings {
  // The hidden part of the network, expanded from the compact form (hidden: [16, 16] with
  // model.activation) or taken from an explicit layer list; the output linear layer, sized from
  // the data, is added when the network is built.
  std::vector<LayerSpec> hidden;
  Activation activation;  // the hidden activation (layers may override it)
  Initializer init;
};

struct EarlyStopping {
  int patience = 0;  // epochs without improvement of the validation loss before stopping; 0: off
  double min_delta = 0;
  bool restore_best = true;
};

struct TrainSettings {
  int epochs = 100;
  Index batch_size = 32;
  bool shuffle = true;
  std::uint64_t seed = 42;
  std::optional<Loss> loss;  // nothing: "auto", chosen from the task once the data is known
  OptimizerConfig optimizer;
  Schedule schedule;
  double clip_grad_norm = 0;  // 0: no clipping
  EarlyStopping early_stopping;
  std::optional<std::filesystem::path> init_from;  // start from this model's weights
  int checkpoint_every = 0;                        // epochs between checkpoints; 0: none
};

struct OutputSettings {
  std::filesystem::path dir;  // relative to the current directory
};

// How `compare` treats weight initialisation: the config's scheme for every activation, or the
// one each activation recommends (kaiming for the ReLU family, xavier for tanh/sigmoid, lecun
// for selu).
enum class CompareInit { kSame, kAuto };

struct CompareSettings {
  std::vector<Activation> activations;  // default: identity, sigmoid, tanh, relu, leaky_relu, prelu, silu
  std::vector<std::uint64_t> seeds;     // default: train.seed
  std::vector<double> lr_grid;          // empty: the optimizer's lr only
  std::string baseline = "relu";
  CompareInit init = CompareInit::kSame;
};

struct Settings {
  std::filesystem::path config_path;  // as given ("<none>" when built from --set only)
  DataSettings data;
  ModelSettings model;
  TrainSettings train;
  OutputSettings output;
  CompareSettings compare;

  // The whole configuration with every default filled in, for summary.json, and the JSON paths
  // of the values that were defaulted (echoed in the run summary).
  nlohmann::json resolved;
  std::vector<std::string> defaulted;
};

// Parses and validates a config. `overrides` are --set PATH=VALUE pairs applied to the JSON
// before validation (VALUE parsed as JSON, else taken as a string). Data paths are resolved
// relative to the config file's folder. Throws InputError with the file and the JSON path:
//   "configs/x.json: train.optimizer.lr: must be > 0, got -0.1"
Settings parse_config(const std::filesystem::path& config_path,
                      const std::vector<std::pair<std::string, std::string>>& overrides = {});

// The same from JSON text (tests, fuzzing); `source` names it in messages and `base_dir` is what
// relative data paths are resolved against.
Settings parse_config_text(std::string_view text, const std::string& source, const std::filesystem::path& base_dir,
                           const std::vector<std::pair<std::string, std::string>>& overrides = {});

// Parses one activation written as text, "relu" or "leaky_relu(negative_slope=0.2)", as
// `compare --activations` and compare.activations take it. Throws InputError.
Activation parse_activation(std::string_view text);

// docs/config.md, generated from the key declarations (a test keeps the checked-in file equal).
std::string config_reference_markdown();

}  // namespace mlp
