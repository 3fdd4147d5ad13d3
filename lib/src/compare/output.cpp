// compare.json: everything a comparison found. compare.csv and the tables for people are laid out
// from its document (csv_table.cpp, summary_table.cpp).
#include "mlp/compare.hpp"

#include "io/json_optional.hpp"
#include "mlp/dataset.hpp"
#include "mlp/records.hpp"
#include "mlp/trainer.hpp"
#include "run/epoch_record.hpp"

#include <cmath>

namespace mlp {
namespace {

nlohmann::json stat_json(const Stat& s) {
  if (s.count == 0) return nullptr;
  return {{"mean", s.mean}, {"std", s.std}, {"median", s.median}, {"min", s.min}, {"max", s.max}, {"count", s.count}};
}

nlohmann::json stat_json(const std::optional<Stat>& s) { return s ? stat_json(*s) : nlohmann::json(nullptr); }

// NaN (no value: a diverged run's final loss) as the null it would be written as anyway.
nlohmann::json finite_json(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

const char* metric_name(Task task) { return task == Task::kClassification ? "val_accuracy" : "val_r2"; }
const char* test_metric_name(Task task) { return task == Task::kClassification ? "test_accuracy" : "test_r2"; }

nlohmann::json epoch_json(const EpochMetrics& m, Task task) {
  nlohmann::json j = {{"epoch", m.epoch}, {"train_loss", m.train_loss}, {"lr", m.lr}};
  if (m.val) {
    j["val_loss"] = m.val->loss;
    j[metric_name(task)] = optional_json(task == Task::kClassification ? m.val->accuracy : m.val->r2);
  }
  if (m.diagnostics) j.update(diagnostics_json(*m.diagnostics));
  return j;
}

nlohmann::json summary_json(const CompareResult& result, const ActivationSummary& s) {
  nlohmann::json j = {{"activation", result.activations[s.activation].describe()},
                      {"name", result.activations[s.activation].name()},
                      {"lr", s.lr},
                      {"init", s.init},
                      {"final_val_loss", stat_json(s.final_val_loss)},
                      {"best_val_loss", stat_json(s.best_val_loss)},
                      {metric_name(result.task), stat_json(s.metric)},
                      {test_metric_name(result.task), stat_json(s.test_metric)},
                      {"epochs_to_target", stat_json(s.epochs_to_target)},
                      {"dead_fraction", stat_json(s.dead_fraction)},
                      {"saturated_fraction", stat_json(s.saturated_fraction)},
                      {"grad_ratio", stat_json(s.grad_ratio)},
                      {"diverged", s.diverged},
                      {"timing", {{"seconds_per_epoch", stat_json(s.seconds_per_epoch)}}}};
  if (s.vs_baseline) {
    j["vs_baseline"] = {
        {"wins", s.vs_baseline->wins},
        {"seeds", s.vs_baseline->seeds},
        {"difference", stat_json(s.vs_baseline->difference)},
        {"interval95", s.vs_baseline->interval95 ? nlohmann::json::array({s.vs_baseline->interval95->first,
                                                                          s.vs_baseline->interval95->second})
                                                 : nlohmann::json(nullptr)}};
  } else {
    j["vs_baseline"] = nullptr;
  }
  return j;
}

// The run's figures under the keys of the summary's statistics of them (summary_json), so that
// each statistic can be checked against the runs it was computed from.
void add_run_figures(nlohmann::json& run, const RunFigures& f, Task task) {
  run["final_val_loss"] = finite_json(f.final_val_loss);
  run["best_val_loss"] = finite_json(f.best_val_loss);
  run[metric_name(task)] = finite_json(f.metric);
  run[test_metric_name(task)] = optional_json(f.test_metric);
  run["epochs_to_target"] = optional_json(f.epochs_to_target);
  run["dead_fraction"] = optional_json(f.dead_fraction);
  run["saturated_fraction"] = optional_json(f.saturated_fraction);
  run["grad_ratio"] = optional_json(f.grad_ratio);
}

}  // namespace

nlohmann::json compare_json(const CompareResult& result, const Settings& settings) {
  nlohmann::json j;
  j["format"] = "mlptrain-compare";
  j["version"] = 1;
  j["mlptrain_version"] = MLP_VERSION;
  j["config_file"] = settings.config_path.string();
  j["config"] = nlohmann::json::parse(settings.resolved_json);
  j["task"] = task_name(result.task);
  j["metric"] = metric_name(result.task);
  nlohmann::json activations = nlohmann::json::array();
  for (const Activation& a : result.activations) activations.push_back(a.describe());
  j["activations"] = activations;
  j["seeds"] = result.seeds;
  j["lr_grid"] = result.lr_grid;
  j["baseline"] = result.baseline < result.activations.size()
                      ? nlohmann::json(result.activations[result.baseline].describe())
                      : nlohmann::json(nullptr);
  j["chance_loss"] = result.chance_loss;
  j["loss_target"] = result.loss_target;
  nlohmann::json summary = nlohmann::json::array();
  for (const ActivationSummary& s : result.summary) summary.push_back(summary_json(result, s));
  j["summary"] = summary;
  DataSchema schema;  // what the evaluations' JSON needs: the task and the class labels
  schema.task = result.task;
  schema.classes = result.classes;
  nlohmann::json runs = nlohmann::json::array();
  for (const CompareRun& run : result.runs) {
    nlohmann::json epochs = nlohmann::json::array();
    std::vector<double> seconds;
    for (const EpochMetrics& m : run.result.history) {
      epochs.push_back(epoch_json(m, result.task));
      seconds.push_back(m.seconds);
    }
    nlohmann::json record = {{"activation", result.activations[run.activation].describe()},
                             {"name", result.activations[run.activation].name()},
                             {"seed", run.seed},
                             {"lr", run.lr},
                             {"init", run.init.describe()},
                             {"stop_reason", stop_reason_name(run.result.reason)},
                             {"message", run.result.message},
                             {"best_epoch", run.result.best_epoch},
                             {"test", run.test ? evaluation_json(*run.test, schema) : nlohmann::json(nullptr)},
                             {"epochs", epochs},
                             {"timing", {{"train_seconds", run.result.train_seconds}, {"epoch_seconds", seconds}}}};
    add_run_figures(record, run_figures(run, result.loss_target), result.task);
    runs.push_back(std::move(record));
  }
  j["runs"] = runs;
  // Spreading the runs over more or fewer threads changes their wall time only.
  j["timing"] = {{"jobs", result.jobs}, {"threads_per_run", result.threads}};
  return j;
}

}  // namespace mlp
