// An epoch's record as JSON, written once for summary.json (its final and best epochs) and for
// checkpoints and sweep task records (every epoch so far, with its time and diagnostics), and read back from a
// checkpoint by the same definition. Private to the run module; records.hpp has the public records.
#pragma once

#include "io/json_node.hpp"
#include "mlp/dataset.hpp"
#include "mlp/diagnostics.hpp"
#include "mlp/metrics.hpp"
#include "mlp/trainer.hpp"

#include <nlohmann/json.hpp>

namespace mlp {

// {"epoch", "train_loss", "lr", and "val": evaluation_json when there was validation}.
nlohmann::json epoch_json(const EpochMetrics& metrics, const DataSchema& schema);

// An epoch's diagnostics: {"activation_layers": [{"layer", "dead_fraction", "saturated_fraction",
// "mean_activation"}], "weight_grad_norm": [...], "grad_ratio", "learned": [{"layer", "mean",
// "min", "max"}]}, merged into compare.json's epochs and a sweep task's record. grad_ratio is
// derived (EpochDiagnostics::grad_ratio), so read_diagnostics does not read it.
nlohmann::json diagnostics_json(const EpochDiagnostics& diagnostics);
EpochDiagnostics read_diagnostics(const JsonNode& node);

// The inverses, for the schema the record was written with; a damaged record fails with its
// JSON path (InputError, see JsonNode). The epoch's time is not part of the record.
EpochMetrics read_epoch(const JsonNode& node, const DataSchema& schema);
Evaluation read_evaluation(const JsonNode& node, const DataSchema& schema);

// An epoch of a run's whole history, as checkpoints and a sweep task's record keep it: epoch_json,
// then its wall time ("seconds") and its "diagnostics" when it has them; and the inverse.
nlohmann::ordered_json history_entry_json(const EpochMetrics& metrics, const DataSchema& schema);
EpochMetrics read_history_entry(const JsonNode& node, const DataSchema& schema);

}  // namespace mlp
