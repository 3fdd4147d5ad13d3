// Checkpoints: everything an interrupted training run needs to continue so that its result is
// byte-identical to a run that was never interrupted — the config it was started with, the
// model's weights, and the trainer's state (optimizer moments and step count, random generator
// states, early-stopping state, metrics so far).
#pragma once

#include "mlp/model_file.hpp"
#include "mlp/trainer.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mlp {

// What a run was started from: enough to rebuild its settings exactly.
struct RunOrigin {
  std::filesystem::path config_path;
  std::string config_text;
  std::vector<std::pair<std::string, std::string>> overrides;
};

inline constexpr const char* kCheckpointFormat = "mlptrain-checkpoint";
// Version 2: epochs and evaluations written as summary.json writes them (records.hpp). An epoch
// holds "diagnostics" when its run kept them (a sweep task's); read when present.
inline constexpr int kCheckpointFormatVersion = 2;

// The checkpoint as JSON text (doubles and floats written so that they read back exactly).
std::string checkpoint_text(const RunOrigin& origin, const Model& model, const TrainerState& state);

struct Checkpoint {
  RunOrigin origin;
  Model model;
  TrainerState state;
};

// Reads a checkpoint file. Throws InputError naming the path and JSON path when it is missing,
// truncated, of another format or version, or inconsistent.
Checkpoint load_checkpoint(const std::filesystem::path& path);

// A resumed run must see the data it started with (same columns, classes and standardisation,
// bit for bit), or it could not match the run it continues: throws InputError naming the
// checkpoint file when `now` (the data's schema as prepared for the resumed run) differs from
// `before` (the checkpoint's model's).
void check_checkpoint_data(const DataSchema& now, const DataSchema& before, const std::filesystem::path& checkpoint);

}  // namespace mlp
