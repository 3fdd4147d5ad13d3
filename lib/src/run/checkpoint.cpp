#include "mlp/checkpoint.hpp"

#include "epoch_record.hpp"
#include "io/json_node.hpp"
#include "mlp/error.hpp"

#include <algorithm>
#include <cstdint>

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

Json vector_json(const Vector& v) {
  Json values = Json::array();
  for (Index i = 0; i < v.size(); ++i) values.push_back(static_cast<double>(v[i]));
  return values;
}

Vector read_vector(const JsonNode& node) {
  Vector v(static_cast<Index>(node.size()));
  node.scalars(v.data(), static_cast<std::size_t>(v.size()), "values");
  return v;
}

Json rng_json(const Rng::State& state) {
  return {{"s", {state.s[0], state.s[1], state.s[2], state.s[3]}},
          {"spare_normal", state.spare_normal},
          {"has_spare_normal", state.has_spare_normal}};
}

Rng::State read_rng(const JsonNode& node) {
  Rng::State state{};
  const JsonNode words = node["s"];
  words.expect_size(4, "words");
  for (std::size_t i = 0; i < 4; ++i) {
    if (!words[i].json().is_number_unsigned()) words[i].fail("expected an unsigned 64-bit integer");
    state.s[i] = words[i].json().get<std::uint64_t>();
  }
  state.spare_normal = node["spare_normal"].number();
  state.has_spare_normal = node["has_spare_normal"].boolean();
  return state;
}

Json state_json(const TrainerState& state, const DataSchema& schema) {
  Json history = Json::array();
  // With its time and diagnostics: resuming must give back the same history.
  for (const EpochMetrics& m : state.history) history.push_back(history_entry_json(m, schema));
  Json fallback = Json::array();
  for (const Vector& v : state.fallback_weights) fallback.push_back(vector_json(v));
  Json buffers = Json::array();
  for (const Vector& v : state.optimizer_buffers) buffers.push_back(vector_json(v));
  Json dropout = Json::array();
  for (const Rng::State& rng : state.dropout_rngs) dropout.push_back(rng_json(rng));
  // JSON has no infinity: "no best loss yet" is null.
  return {{"epochs_done", state.epochs_done},
          {"history", history},
          {"best_monitored", std::isfinite(state.best_monitored) ? Json(state.best_monitored) : Json(nullptr)},
          {"epochs_without_improvement", state.epochs_without_improvement},
          {"best_epoch", state.best_epoch},
          {"fallback_weights", fallback},
          {"optimizer_steps", state.optimizer_steps},
          {"optimizer_buffers", buffers},
          {"shuffle_rng", rng_json(state.shuffle_rng)},
          {"dropout_rngs", dropout}};
}

TrainerState read_state(const JsonNode& node, const DataSchema& schema) {
  TrainerState state;
  state.epochs_done = static_cast<int>(node["epochs_done"].integer());
  const JsonNode history = node["history"];
  for (std::size_t i = 0; i < history.size(); ++i) state.history.push_back(read_history_entry(history[i], schema));
  if (state.history.size() != static_cast<std::size_t>(state.epochs_done)) {
    history.fail("expected one entry per finished epoch (" + std::to_string(state.epochs_done) + ")");
  }
  const std::optional<double> best = node["best_monitored"].optional_number();
  state.best_monitored = best ? *best : INFINITY;
  state.epochs_without_improvement = static_cast<int>(node["epochs_without_improvement"].integer());
  state.best_epoch = static_cast<int>(node["best_epoch"].integer());
  const JsonNode fallback = node["fallback_weights"];
  for (std::size_t i = 0; i < fallback.size(); ++i) state.fallback_weights.push_back(read_vector(fallback[i]));
  state.optimizer_steps = node["optimizer_steps"].integer();
  const JsonNode buffers = node["optimizer_buffers"];
  for (std::size_t i = 0; i < buffers.size(); ++i) state.optimizer_buffers.push_back(read_vector(buffers[i]));
  state.shuffle_rng = read_rng(node["shuffle_rng"]);
  const JsonNode dropout = node["dropout_rngs"];
  for (std::size_t i = 0; i < dropout.size(); ++i) state.dropout_rngs.push_back(read_rng(dropout[i]));
  return state;
}

// The columns fitted now against a checkpoint's. A checkpoint written before columns were fitted
// (its model of format version 2) has none: it read plain numbers, which the columns fitted now
// still are when every one is numeric without a missing-value indicator (no cell was empty).
bool same_columns(const std::vector<FeatureColumn>& now, const std::vector<FeatureColumn>& before) {
  if (before.empty()) {
    return std::ranges::all_of(now,
                               [](const FeatureColumn& c) { return c.type == ColumnType::kNumeric && !c.indicator; });
  }
  return now == before;
}

}  // namespace

void check_checkpoint_data(const DataSchema& now, const DataSchema& before, const std::filesystem::path& checkpoint) {
  const bool same = now.task == before.task && now.feature_names == before.feature_names &&
                    same_columns(now.columns, before.columns) && now.target_names == before.target_names &&
                    now.classes == before.classes && now.standardizer.mean == before.standardizer.mean &&
                    now.standardizer.scale == before.standardizer.scale &&
                    now.target_scaling.mean == before.target_scaling.mean &&
                    now.target_scaling.scale == before.target_scaling.scale;
  if (!same) {
    throw InputError(checkpoint.string() +
                     ": the training data has changed since this checkpoint was written; a resumed run must see "
                     "the same data");
  }
}

std::string checkpoint_text(const RunOrigin& origin, const Model& model, const TrainerState& state) {
  Json overrides = Json::array();
  for (const auto& [path, value] : origin.overrides) overrides.push_back({path, value});
  const Json checkpoint = {
      {"format", kCheckpointFormat},
      {"version", kCheckpointFormatVersion},
      {"origin",
       {{"config_path", origin.config_path.string()}, {"config_text", origin.config_text}, {"overrides", overrides}}},
      {"model", model_to_json(model)},
      {"trainer", state_json(state, model.schema)}};
  return checkpoint.dump() + "\n";
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && std::filesystem::is_directory(path.parent_path(), ec)) {
    throw InputError(path.string() +
                     ": no checkpoint in this folder; a run writes one only with train.checkpoint_every > 0");
  }
  const Json json = read_json_file(path, "checkpoint");
  const std::string source = path.string();
  const JsonNode root(json, source);
  // The format first, so that a model file or any other JSON given by mistake is named as such
  // rather than by its first unknown key.
  const JsonNode format = root["format"];
  if (format.string() != kCheckpointFormat) {
    format.fail("expected \"" + std::string(kCheckpointFormat) + "\", got " + json_text(format.json()) +
                ": not an mlptrain checkpoint");
  }
  root.check_keys({"format", "version", "origin", "model", "trainer"});
  if (root["version"].integer() != kCheckpointFormatVersion) {
    root["version"].fail("checkpoint version " + std::to_string(root["version"].integer()) +
                         " is not supported by this build (reads version " + std::to_string(kCheckpointFormatVersion) +
                         ")");
  }
  const JsonNode origin = root["origin"];
  RunOrigin run{origin["config_path"].string(), origin["config_text"].string(), {}};
  const JsonNode overrides = origin["overrides"];
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    overrides[i].expect_size(2, "PATH and VALUE");
    run.overrides.emplace_back(overrides[i][0].string(), overrides[i][1].string());
  }
  // Through the node, so that a missing "model" is "<path>: model: missing", not nlohmann's throw.
  Model model = model_from_json(root["model"].json(), source + ": model");
  TrainerState state = read_state(root["trainer"], model.schema);
  return {std::move(run), std::move(model), std::move(state)};
}

}  // namespace mlp
