// What a run leaves behind, as text: metrics.csv rows, summary.json, and the evaluation report
// (text or JSON). Writing the files is the caller's job (atomically, see files.hpp).
#pragma once

#include "mlp/config.hpp"
#include "mlp/dataset.hpp"
#include "mlp/experiment.hpp"
#include "mlp/metrics.hpp"
#include "mlp/trainer.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlp {

// metrics.csv: a header and one row per epoch. The wall-time column (`seconds`) is last, so that
// two runs of the same config compare equal on everything before it.
std::string metrics_csv(const std::vector<EpochMetrics>& history, Task task);

// An evaluation as JSON: loss, samples, and accuracy, confusion_matrix, per_class
// (classification, keyed by class label) or mse, rmse, mae, r2 (regression).
nlohmann::json evaluation_json(const Evaluation& evaluation, const DataSchema& schema);
// The same for people: aligned text with the confusion matrix.
std::string evaluation_text(const Evaluation& evaluation, const DataSchema& schema);

// Facts about the process that are not in the settings.
struct RunInfo {
  int threads = 1;
  std::string command;  // the command line, for the record
};

// summary.json: format ("mlptrain-summary") and version (1), mlptrain's version, resolved config
// and the values that were defaulted, what the data loader decided, the stop reason, final and
// best metrics, the test evaluation, and timings (train_seconds: the finished epochs' training
// time, see TrainResult; samples_per_second). Documented in docs/outputs.md.
nlohmann::json summary_json(const Settings& settings, const Experiment& experiment, const Network& network,
                            const TrainResult& result, const std::optional<Evaluation>& test, const RunInfo& info);

}  // namespace mlp
