#include "task_record.hpp"

#include "claim.hpp"
#include "io/json_node.hpp"
#include "mlp/records.hpp"
#include "run/epoch_record.hpp"

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kTaskFormat = "mlptrain-sweep-task";
constexpr int kTaskVersion = 1;

DataSchema schema_of(Task task, const std::vector<std::string>& classes) {
  DataSchema schema;
  schema.task = task;
  schema.classes = classes;
  return schema;
}

Json history_json(const TrainResult& result, const DataSchema& schema) {
  Json history = Json::array();
  for (const EpochMetrics& m : result.history) history.push_back(history_entry_json(m, schema));
  return history;
}

template <class Enum, std::size_t N>
Enum named(const JsonNode& node, const Enum (&values)[N], const char* (*name)(Enum)) {
  const std::string text = node.string();
  for (const Enum value : values) {
    if (text == name(value)) return value;
  }
  node.fail("unknown value \"" + text + "\"");
}

}  // namespace

std::string task_record_text(const SweepTask& task, const CompareResult& result) {
  const CompareRun& run = result.runs.front();
  const DataSchema schema = schema_of(result.task, result.classes);
  const Json record = {{"format", kTaskFormat},
                       {"version", kTaskVersion},
                       {"id", task.id},
                       {"values", task.values},
                       {"worker", worker_name()},
                       {"activation", result.activations[run.activation].describe()},
                       {"seed", run.seed},
                       {"lr", run.lr},
                       {"task", task_name(result.task)},
                       {"classes", result.classes},
                       {"chance_loss", result.chance_loss},
                       {"stop_reason", stop_reason_name(run.result.reason)},
                       {"message", run.result.message},
                       {"best_epoch", run.result.best_epoch},
                       {"train_seconds", run.result.train_seconds},
                       {"samples_per_second", run.result.samples_per_second},
                       {"history", history_json(run.result, schema)},
                       {"test", run.test ? Json(evaluation_json(*run.test, schema)) : Json(nullptr)}};
  return record.dump() + "\n";
}

TaskRecord read_task_record(const std::filesystem::path& file) {
  const Json json = read_json_file(file, "sweep task record");
  const std::string source = file.string();
  const JsonNode root(json, source);
  if (root["format"].string() != kTaskFormat) root["format"].fail(std::string("expected \"") + kTaskFormat + "\"");
  if (root["version"].integer() != kTaskVersion) root["version"].fail("this mlptrain reads version 1");
  TaskRecord record;
  record.id = root["id"].string();
  record.activation = root["activation"].string();
  record.task = named(root["task"], {Task::kClassification, Task::kRegression}, task_name);
  const JsonNode classes = root["classes"];
  for (std::size_t i = 0; i < classes.size(); ++i) record.classes.push_back(classes[i].string());
  record.chance_loss = root["chance_loss"].number();
  CompareRun& run = record.run;
  if (!root["seed"].json().is_number_unsigned()) root["seed"].fail("expected an unsigned integer");
  run.seed = root["seed"].json().get<std::uint64_t>();
  run.lr = root["lr"].number();
  run.result.reason =
      named(root["stop_reason"],
            {StopReason::kCompleted, StopReason::kEarlyStopped, StopReason::kDiverged, StopReason::kInterrupted},
            stop_reason_name);
  run.result.message = root["message"].string();
  run.result.best_epoch = static_cast<int>(root["best_epoch"].integer());
  run.result.train_seconds = root["train_seconds"].number();
  run.result.samples_per_second = root["samples_per_second"].number();
  const DataSchema schema = schema_of(record.task, record.classes);
  const JsonNode history = root["history"];
  for (std::size_t i = 0; i < history.size(); ++i) run.result.history.push_back(read_history_entry(history[i], schema));
  if (!root["test"].json().is_null()) run.test = read_evaluation(root["test"], schema);
  return record;
}

}  // namespace mlp
