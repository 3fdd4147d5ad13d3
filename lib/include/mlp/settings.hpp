// The validated settings of a run, one struct per config section: what parse_config (config.hpp)
// makes of a config file and its --set overrides. Every later stage reads these plain values and
// nothing else: no JSON, no argv.
#pragma once

#include "mlp/activation.hpp"
#include "mlp/dataset.hpp"
#include "mlp/init.hpp"
#include "mlp/loss.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/schedule.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlp {

struct ModelSettings {
  // The hidden part of the network, expanded from the compact form (hidden: [16, 16] with
  // model.activation) or taken from an explicit layer list; the output linear layer, sized from
  // the data, is added when the network is built.
  std::vector<LayerSpec> hidden;
  Initializer init;
  // model.categorical "embedding": the network starts with an EmbeddingLayer (embedding_parts).
  bool embed_categorical = false;
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
  // The entry of `activations` the others are paired against; none when compare.baseline was left
  // at its default (relu) and the list has no relu.
  std::optional<std::size_t> baseline;
  CompareInit init = CompareInit::kSame;
};

struct Settings {
  std::filesystem::path config_path;  // as given ("<none>" when built from --set only)
  DataSettings data;
  ModelSettings model;
  TrainSettings train;
  OutputSettings output;
  CompareSettings compare;

  // The whole configuration with every default filled in, as JSON text, for the record
  // (summary.json, compare.json), and the JSON paths of the values that were defaulted.
  std::string resolved_json;
  std::vector<std::string> defaulted;
};

}  // namespace mlp
