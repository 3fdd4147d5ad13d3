// Each record of a run written once: an epoch (metrics.csv, summary.json, checkpoints), an
// evaluation (summary.json, `evaluate`, checkpoints) and the run summary; and read back from a
// checkpoint by the same definitions.
#include "mlp/records.hpp"

#include "mlp/model_file.hpp"

#include "epoch_record.hpp"
#include "io/json_optional.hpp"
#include "mlp/text.hpp"

#include <cmath>
#include <cstdio>

namespace mlp {

namespace {

std::string optional_cell(const std::optional<double>& value) { return value ? format_number(*value) : ""; }

}  // namespace

std::string metrics_csv(const std::vector<EpochMetrics>& history, Task task) {
  const bool classification = task == Task::kClassification;
  std::string csv = classification ? "epoch,train_loss,val_loss,val_accuracy,lr,seconds\n"
                                   : "epoch,train_loss,val_loss,val_r2,val_rmse,lr,seconds\n";
  for (const EpochMetrics& m : history) {
    csv += std::to_string(m.epoch) + "," + format_number(m.train_loss) + ",";
    if (m.val) {
      csv += format_number(m.val->loss) + ",";
      csv += classification ? optional_cell(m.val->accuracy) + ","
                            : optional_cell(m.val->r2) + "," + optional_cell(m.val->rmse) + ",";
    } else {
      csv += classification ? ",," : ",,,";
    }
    csv += format_number(m.lr) + "," + format_number(m.seconds) + "\n";
  }
  return csv;
}

nlohmann::json evaluation_json(const Evaluation& e, const DataSchema& schema) {
  nlohmann::json j = {{"loss", e.loss}, {"samples", e.samples}};
  if (schema.task == Task::kClassification) {
    j["accuracy"] = optional_json(e.accuracy);
    j["classes"] = schema.classes;
    j["confusion_matrix"] = e.confusion;  // rows: true class, columns: predicted class
    nlohmann::json per_class = nlohmann::json::object();
    for (std::size_t c = 0; c < e.per_class.size(); ++c) {
      const ClassMetrics& m = e.per_class[c];
      per_class[schema.classes[c]] = {
          {"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1}, {"support", m.support}};
    }
    j["per_class"] = per_class;
  } else {
    j["mse"] = optional_json(e.mse);
    j["rmse"] = optional_json(e.rmse);
    j["mae"] = optional_json(e.mae);
    j["r2"] = optional_json(e.r2);
  }
  return j;
}

// In the terminal's formats (format_table_number, format_table_fraction): a value reads the same
// here as in train's epoch table and test line.
std::string evaluation_text(const Evaluation& e, const DataSchema& schema) {
  char line[256];
  std::string text = "samples  " + std::to_string(e.samples) + "\nloss     " + format_table_number(e.loss) + "\n";
  if (schema.task == Task::kRegression) {
    text += "mse      " + format_table_number(e.mse.value_or(NAN)) + "\n";
    text += "rmse     " + format_table_number(e.rmse.value_or(NAN)) + "\n";
    text += "mae      " + format_table_number(e.mae.value_or(NAN)) + "\n";
    return text + "r2       " + format_table_number(e.r2.value_or(NAN)) + "\n";
  }
  text += "accuracy " + format_table_fraction(e.accuracy.value_or(NAN)) + "\n\n";
  std::size_t width = 9;  // "precision"
  for (const std::string& label : schema.classes) width = std::max(width, label.size());
  const int w = static_cast<int>(width);
  std::snprintf(line, sizeof line, "%-*s  %9s  %9s  %9s  %9s\n", w, "class", "precision", "recall", "f1", "support");
  text += line;
  for (std::size_t c = 0; c < e.per_class.size(); ++c) {
    const ClassMetrics& m = e.per_class[c];
    std::snprintf(line, sizeof line, "%-*s  %9s  %9s  %9s  %9lld\n", w, schema.classes[c].c_str(),
                  format_table_fraction(m.precision).c_str(), format_table_fraction(m.recall).c_str(),
                  format_table_fraction(m.f1).c_str(), static_cast<long long>(m.support));
    text += line;
  }
  text += "\nconfusion matrix (rows: true class, columns: predicted)\n";
  std::snprintf(line, sizeof line, "%-*s", w, "");
  text += line;
  for (const std::string& label : schema.classes) {
    std::snprintf(line, sizeof line, "  %*s", w, label.c_str());
    text += line;
  }
  text += "\n";
  for (std::size_t t = 0; t < e.confusion.size(); ++t) {
    std::snprintf(line, sizeof line, "%-*s", w, schema.classes[t].c_str());
    text += line;
    for (const Index count : e.confusion[t]) {
      std::snprintf(line, sizeof line, "  %*lld", w, static_cast<long long>(count));
      text += line;
    }
    text += "\n";
  }
  return text;
}

nlohmann::json epoch_json(const EpochMetrics& m, const DataSchema& schema) {
  nlohmann::json j = {{"epoch", m.epoch}, {"train_loss", m.train_loss}, {"lr", m.lr}};
  if (m.val) j["val"] = evaluation_json(*m.val, schema);
  return j;
}

Evaluation read_evaluation(const JsonNode& node, const DataSchema& schema) {
  Evaluation e;
  e.loss = node["loss"].number();
  e.samples = node["samples"].integer();
  if (schema.task == Task::kRegression) {
    e.mse = node["mse"].optional_number();
    e.rmse = node["rmse"].optional_number();
    e.mae = node["mae"].optional_number();
    e.r2 = node["r2"].optional_number();
    return e;
  }
  e.accuracy = node["accuracy"].optional_number();
  const std::size_t classes = schema.classes.size();
  const JsonNode confusion = node["confusion_matrix"];
  confusion.expect_size(classes, "rows (one per class)");
  for (std::size_t t = 0; t < classes; ++t) {
    confusion[t].expect_size(classes, "counts (one per class)");
    std::vector<Index> row;
    for (std::size_t p = 0; p < classes; ++p) row.push_back(confusion[t][p].integer());
    e.confusion.push_back(std::move(row));
  }
  const JsonNode per_class = node["per_class"];
  for (const std::string& label : schema.classes) {
    const JsonNode m = per_class[label];
    e.per_class.push_back({m["precision"].number(), m["recall"].number(), m["f1"].number(), m["support"].integer()});
  }
  return e;
}

EpochMetrics read_epoch(const JsonNode& node, const DataSchema& schema) {
  EpochMetrics m;
  m.epoch = static_cast<int>(node["epoch"].integer());
  m.train_loss = node["train_loss"].number();
  m.lr = node["lr"].number();
  if (node.has("val")) m.val = read_evaluation(node["val"], schema);
  return m;
}

nlohmann::ordered_json history_entry_json(const EpochMetrics& m, const DataSchema& schema) {
  nlohmann::ordered_json j(epoch_json(m, schema));
  j["seconds"] = m.seconds;
  if (m.diagnostics) j["diagnostics"] = nlohmann::ordered_json(diagnostics_json(*m.diagnostics));
  return j;
}

EpochMetrics read_history_entry(const JsonNode& node, const DataSchema& schema) {
  EpochMetrics m = read_epoch(node, schema);
  m.seconds = node["seconds"].number();
  if (node.has("diagnostics")) m.diagnostics = read_diagnostics(node["diagnostics"]);
  return m;
}

nlohmann::json summary_json(const Settings& settings, const Experiment& experiment, const Network& network,
                            const TrainResult& result, const std::optional<Evaluation>& test, const RunInfo& info) {
  const DataSchema& schema = experiment.data.schema;
  nlohmann::json j;
  // What the file is and which layout of it, as model.json and compare.json say: a reader checks
  // both before anything else, and the version changes when a key changes meaning.
  j["format"] = "mlptrain-summary";
  j["version"] = 1;
  j["mlptrain_version"] = MLP_VERSION;
  j["command"] = info.command;
  j["config_file"] = settings.config_path.string();
  j["config"] = nlohmann::json::parse(settings.resolved_json);
  j["defaulted"] = settings.defaulted;
  j["data"] = {{"task", task_name(schema.task)},
               {"features", schema.feature_names},
               {"targets", schema.target_names},
               {"classes", schema.classes},
               {"train_samples", experiment.data.train.size()},
               {"val_samples", experiment.data.val ? experiment.data.val->size() : 0},
               {"test_samples", experiment.data.test ? experiment.data.test->size() : 0},
               {"notes", experiment.data.notes}};
  // How each feature column became network inputs, as model.json writes it (its fill, its levels).
  if (!schema.columns.empty()) {
    nlohmann::json columns = nlohmann::json::array();
    for (const FeatureColumn& column : schema.columns) columns.push_back(nlohmann::json(feature_column_json(column)));
    j["data"]["columns"] = std::move(columns);
    j["data"]["inputs"] = schema.input_width();
  }
  j["loss"] = experiment.loss.describe();
  j["parameters"] = network.parameter_count();
  j["seed"] = settings.train.seed;
  j["threads"] = info.threads;
  j["stop_reason"] = stop_reason_name(result.reason);
  if (!result.message.empty()) j["message"] = result.message;
  j["epochs_run"] = result.history.size();
  j["best_epoch"] = result.best_epoch;
  if (!result.history.empty()) j["final"] = epoch_json(result.history.back(), schema);
  if (result.best_epoch > 0) {
    j["best"] = epoch_json(result.history[static_cast<std::size_t>(result.best_epoch - 1)], schema);
  }
  j["test"] = test ? evaluation_json(*test, schema) : nlohmann::json(nullptr);
  j["train_seconds"] = result.train_seconds;
  j["samples_per_second"] = result.samples_per_second;
  return j;
}

}  // namespace mlp
