#include "mlp/checkpoint.hpp"

#include "io/json_node.hpp"

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

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

std::optional<double> read_optional(const JsonNode& node) {
  if (node.json().is_null()) return std::nullopt;
  return node.number();
}

Json evaluation_json(const Evaluation& e) {
  Json per_class = Json::array();
  for (const ClassMetrics& m : e.per_class) {
    per_class.push_back({{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1}, {"support", m.support}});
  }
  return {{"loss", e.loss},
          {"samples", e.samples},
          {"accuracy", optional_json(e.accuracy)},
          {"confusion", e.confusion},
          {"per_class", per_class},
          {"mse", optional_json(e.mse)},
          {"rmse", optional_json(e.rmse)},
          {"mae", optional_json(e.mae)},
          {"r2", optional_json(e.r2)}};
}

Evaluation read_evaluation(const JsonNode& node) {
  Evaluation e;
  e.loss = node["loss"].number();
  e.samples = node["samples"].integer();
  e.accuracy = read_optional(node["accuracy"]);
  const JsonNode confusion = node["confusion"];
  for (std::size_t t = 0; t < confusion.size(); ++t) {
    std::vector<Index> row;
    for (std::size_t p = 0; p < confusion[t].size(); ++p) row.push_back(confusion[t][p].integer());
    e.confusion.push_back(std::move(row));
  }
  const JsonNode per_class = node["per_class"];
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    const JsonNode m = per_class[c];
    e.per_class.push_back({m["precision"].number(), m["recall"].number(), m["f1"].number(), m["support"].integer()});
  }
  e.mse = read_optional(node["mse"]);
  e.rmse = read_optional(node["rmse"]);
  e.mae = read_optional(node["mae"]);
  e.r2 = read_optional(node["r2"]);
  return e;
}

Json epoch_json(const EpochMetrics& m) {
  return {{"epoch", m.epoch},
          {"train_loss", m.train_loss},
          {"val", m.val ? evaluation_json(*m.val) : Json(nullptr)},
          {"lr", m.lr},
          {"seconds", m.seconds}};
}

EpochMetrics read_epoch(const JsonNode& node) {
  EpochMetrics m;
  m.epoch = static_cast<int>(node["epoch"].integer());
  m.train_loss = node["train_loss"].number();
  if (!node["val"].json().is_null()) m.val = read_evaluation(node["val"]);
  m.lr = node["lr"].number();
  m.seconds = node["seconds"].number();
  return m;
}

Json state_json(const TrainerState& state) {
  Json history = Json::array();
  for (const EpochMetrics& m : state.history) history.push_back(epoch_json(m));
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

TrainerState read_state(const JsonNode& node) {
  TrainerState state;
  state.epochs_done = static_cast<int>(node["epochs_done"].integer());
  const JsonNode history = node["history"];
  for (std::size_t i = 0; i < history.size(); ++i) state.history.push_back(read_epoch(history[i]));
  if (state.history.size() != static_cast<std::size_t>(state.epochs_done)) {
    history.fail("expected one entry per finished epoch (" + std::to_string(state.epochs_done) + ")");
  }
  const std::optional<double> best = read_optional(node["best_monitored"]);
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

}  // namespace

std::string checkpoint_text(const RunOrigin& origin, const Model& model, const TrainerState& state) {
  Json overrides = Json::array();
  for (const auto& [path, value] : origin.overrides) overrides.push_back({path, value});
  const Json checkpoint = {
      {"format", kCheckpointFormat},
      {"version", kCheckpointFormatVersion},
      {"origin",
       {{"config_path", origin.config_path.string()}, {"config_text", origin.config_text}, {"overrides", overrides}}},
      {"model", model_to_json(model)},
      {"trainer", state_json(state)}};
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
  return {std::move(run), std::move(model), read_state(root["trainer"])};
}

}  // namespace mlp
