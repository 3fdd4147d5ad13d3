// One training run, from a config (or the checkpoint of an interrupted run) to the files it
// leaves in its output folder: model.json, metrics.csv (rewritten after every epoch, so a crash
// loses at most the epoch in progress), summary.json, and checkpoint.json every
// train.checkpoint_every epochs. `mlptrain train` only wires its options to this and prints what
// the callbacks report; the library itself never prints.
#pragma once

#include "mlp/checkpoint.hpp"
#include "mlp/experiment.hpp"
#include "mlp/metrics.hpp"
#include "mlp/settings.hpp"
#include "mlp/trainer.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlp {

// What a run starts from: settings parsed from a config and its --set overrides, or rebuilt
// from the checkpoint of an interrupted run, which also holds its model and trainer state.
struct RunStart {
  Settings settings;
  RunOrigin origin;  // what the checkpoints of this run record, to rebuild the settings exactly
  std::optional<Checkpoint> checkpoint;
};

// Reads the config file once and parses it with `overrides` (--set PATH=VALUE pairs); `out`,
// when not empty, replaces output.dir. Throws InputError naming the file and the JSON path.
RunStart start_from_config(const std::filesystem::path& config,
                           const std::vector<std::pair<std::string, std::string>>& overrides,
                           const std::filesystem::path& out);

// Continues the run in `dir` from its checkpoint.json, with the config and overrides it was
// started with. Throws InputError when there is no readable checkpoint there.
RunStart start_from_checkpoint(const std::filesystem::path& dir);

// What is about to run, for the caller to show before the first epoch.
struct RunPlan {
  const Settings& settings;
  const Experiment& experiment;
  const Network& network;
  int threads;
  int epochs_done;         // > 0 when resuming from a checkpoint
  std::string start_from;  // where the weights come from: the initializer, or the init_from model
};

// How a run executes; none of it changes what is computed.
struct RunOptions {
  int threads = 1;                              // matrix products and optimizer steps; results do not depend on it
  std::uint64_t memory_limit = UINT64_MAX;      // see check_training_memory
  std::string command;                          // the command line, recorded in summary.json
  const std::atomic<bool>* stop = nullptr;      // raised (by a signal handler): stop after the current batch
  std::function<void(const RunPlan&)> on_plan;  // once, after every check and before training
  std::function<void(const EpochMetrics&)> on_epoch;      // after each finished epoch's files are written
  std::function<void(Index done, Index total)> on_batch;  // samples done in the current epoch
};

struct RunOutcome {
  TrainResult result;
  std::optional<Evaluation> test;  // data.test, evaluated once with the final model
};

// Loads the data, checks the memory the run needs and that the output folder is writable (all
// before any file is written), builds or restores the network, trains, and writes the files.
// Throws InputError for bad data or too little memory, IoError when a file cannot be written. A
// run that diverged or was stopped still writes its files, from the last good epoch; the
// outcome's result.reason says which.
RunOutcome run_training(RunStart start, const RunOptions& options);

}  // namespace mlp
