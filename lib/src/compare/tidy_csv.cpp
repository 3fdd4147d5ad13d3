// curves.csv and runs.csv: compare.json's runs in the "tidy" shape that pandas, R and plotting
// libraries read without reshaping: one row per observation, one column per variable, every
// row the same columns. Each file's columns are declared once below; its header and its rows
// are both made from that list, so they cannot drift apart.
#include "mlp/compare.hpp"

#include "mlp/csv.hpp"
#include "view.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace mlp {
namespace {

using compare_view::array;
using compare_view::csv_number;
using compare_view::Json;
using compare_view::member;
using compare_view::number;

// One row of curves.csv: a run and the position of one of its epochs.
struct EpochRow {
  const Json* run;
  std::size_t index;  // into the run's "epochs" (and its timing's "epoch_seconds")
  const Json& epoch() const { return array(*run, "epochs")[index]; }
};

template <class Row>
struct Column {
  std::string name;
  std::function<std::string(const Row&)> field;
};

// A header row, then a row per element of `rows` (anything a range-for gives Rows from).
template <class Row, class Rows>
std::string csv_text(const std::vector<Column<Row>>& columns, const Rows& rows) {
  std::string csv;
  for (std::size_t c = 0; c < columns.size(); ++c) csv += (c ? "," : "") + csv_field(columns[c].name);
  csv += "\n";
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) csv += (c ? "," : "") + csv_field(columns[c].field(row));
    csv += "\n";
  }
  return csv;
}

std::string text_field(const Json& j) { return j.is_string() ? j.get<std::string>() : ""; }

// What a run was, the first columns of both files, so that they join on them.
std::vector<Column<Json>> run_identity() {
  std::vector<Column<Json>> columns;
  for (const char* key : {"activation", "name"}) {
    columns.push_back({key, [key](const Json& run) { return text_field(member(run, key)); }});
  }
  for (const char* key : {"seed", "lr"}) {
    columns.push_back({key, [key](const Json& run) { return csv_number(member(run, key)); }});
  }
  columns.push_back({"init", [](const Json& run) { return text_field(member(run, "init")); }});
  return columns;
}

// The metric's key ("val_accuracy" or "val_r2") and its test-set twin, as summary_columns names them.
std::string metric_key(const Json& compare) { return compare_view::text(compare, "metric"); }
std::string test_metric_key(const Json& compare) {
  return metric_key(compare) == "val_r2" ? "test_r2" : "test_accuracy";
}

// The "layer" values found in one per-layer list ("activation_layers", "learned") of any epoch
// of any run, in increasing order: every run's columns, whatever its depth.
std::set<long long> layers_in(const Json& compare, const char* list) {
  std::set<long long> layers;
  for (const Json& run : array(compare, "runs")) {
    for (const Json& epoch : array(run, "epochs")) {
      for (const Json& entry : array(epoch, list)) {
        if (const auto layer = number(entry, "layer")) layers.insert(static_cast<long long>(*layer));
      }
    }
  }
  return layers;
}

std::size_t linear_layers(const Json& compare) {
  std::size_t layers = 0;
  for (const Json& run : array(compare, "runs")) {
    for (const Json& epoch : array(run, "epochs")) layers = std::max(layers, array(epoch, "weight_grad_norm").size());
  }
  return layers;
}

// field of the entry of `list` whose "layer" is `layer` (the ordinal-th such entry, counting
// from 0: a formula learning two parameters has two "learned" entries per layer), as a CSV number
// ("" when there is none).
std::string layer_field(const Json& epoch, const char* list, long long layer, const char* field,
                        std::size_t ordinal = 0) {
  for (const Json& entry : array(epoch, list)) {
    if (number(entry, "layer") == static_cast<double>(layer) && ordinal-- == 0) return csv_number(member(entry, field));
  }
  return "";
}

// The most "learned" entries any epoch has for one layer (1 for PReLU).
std::size_t learned_per_layer(const Json& compare) {
  std::size_t most = 1;
  for (const Json& run : array(compare, "runs")) {
    for (const Json& epoch : array(run, "epochs")) {
      std::map<double, std::size_t> count;
      for (const Json& entry : array(epoch, "learned")) most = std::max(most, ++count[number(entry, "layer").value_or(-1)]);
    }
  }
  return most;
}

// Per-layer diagnostics are spread into columns, one per quantity and layer
// (dead_fraction_layer1, dead_fraction_layer3, saturated_fraction_layer1, ...), rather than
// given a row per layer with a `layer` column: a row stays one run at one epoch, as every other
// column is, so the losses are not repeated per layer and `groupby(["name", "epoch"])` averages
// seeds without first dropping duplicates; a per-layer view is one `melt` away. Activation
// layers are named by their index in the network (compare.json's "layer": the position in
// model.json's "layers", so 1, 3, ... for linear and activation layers alternating); the
// weight-gradient norms, which compare.json lists per linear layer, by their 1-based position
// among the linear layers, as the report's gradient panels number them.
std::vector<Column<EpochRow>> layer_columns(const Json& compare) {
  std::vector<Column<EpochRow>> columns;
  const std::set<long long> activation_layers = layers_in(compare, "activation_layers");
  for (const char* field : {"dead_fraction", "saturated_fraction", "mean_activation"}) {
    for (const long long layer : activation_layers) {
      columns.push_back({std::string(field) + "_layer" + std::to_string(layer), [field, layer](const EpochRow& row) {
                           return layer_field(row.epoch(), "activation_layers", layer, field);
                         }});
    }
  }
  for (std::size_t k = 0; k < linear_layers(compare); ++k) {
    columns.push_back({"weight_grad_norm_linear" + std::to_string(k + 1), [k](const EpochRow& row) {
                         const Json& norms = array(row.epoch(), "weight_grad_norm");
                         return k < norms.size() ? csv_number(norms[k]) : "";
                       }});
  }
  // A layer's k-th learned parameter (k > 1: a formula's further ones, in its parameter order)
  // has the columns learned<k>_mean_layer<L>, ...
  const std::set<long long> learned_layers = layers_in(compare, "learned");
  for (std::size_t k = 0; k < learned_per_layer(compare); ++k) {
    const std::string prefix = k == 0 ? "learned_" : "learned" + std::to_string(k + 1) + "_";
    for (const char* field : {"mean", "min", "max"}) {
      for (const long long layer : learned_layers) {
        columns.push_back({prefix + field + "_layer" + std::to_string(layer), [field, layer, k](const EpochRow& row) {
                             return layer_field(row.epoch(), "learned", layer, field, k);
                           }});
      }
    }
  }
  return columns;
}

std::vector<Column<EpochRow>> curve_columns(const Json& compare) {
  std::vector<Column<EpochRow>> columns;
  for (Column<Json>& c : run_identity()) {
    columns.push_back({c.name, [field = std::move(c.field)](const EpochRow& row) { return field(*row.run); }});
  }
  const auto epoch_number = [](std::string name, std::string key) {
    return Column<EpochRow>{
        std::move(name), [key = std::move(key)](const EpochRow& row) { return csv_number(member(row.epoch(), key)); }};
  };
  columns.push_back(epoch_number("epoch", "epoch"));
  columns.push_back(epoch_number("train_loss", "train_loss"));
  // The rate the schedule gave this epoch; `lr` is the run's rate (its base rate of the grid).
  columns.push_back(epoch_number("epoch_lr", "lr"));
  columns.push_back(epoch_number("val_loss", "val_loss"));
  columns.push_back(epoch_number(metric_key(compare), metric_key(compare)));
  columns.push_back(epoch_number("grad_ratio", "grad_ratio"));
  for (Column<EpochRow>& c : layer_columns(compare)) columns.push_back(std::move(c));
  // Wall time last, so that two comparisons of one config agree on every column before it.
  columns.push_back({"seconds", [](const EpochRow& row) {
                       const Json& seconds = array(member(*row.run, "timing"), "epoch_seconds");
                       return row.index < seconds.size() ? csv_number(seconds[row.index]) : "";
                     }});
  return columns;
}

std::vector<Column<Json>> run_columns(const Json& compare) {
  std::vector<Column<Json>> columns = run_identity();
  columns.push_back({"stop_reason", [](const Json& run) { return text_field(member(run, "stop_reason")); }});
  columns.push_back({"message", [](const Json& run) { return text_field(member(run, "message")); }});
  columns.push_back({"epochs_run", [](const Json& run) { return std::to_string(array(run, "epochs").size()); }});
  // best_epoch, then the run's figures (RunFigures) under the keys the summary gives their
  // statistics under, so that compare.csv's <key>_mean is the mean of runs.csv's <key> over the
  // runs of the activation's reported rate.
  using namespace std::string_literals;
  for (const std::string& key :
       {"best_epoch"s, "final_val_loss"s, "best_val_loss"s, metric_key(compare), test_metric_key(compare),
        "epochs_to_target"s, "dead_fraction"s, "saturated_fraction"s, "grad_ratio"s}) {
    columns.push_back({key, [key](const Json& run) { return csv_number(member(run, key)); }});
  }
  columns.push_back(
      {"train_seconds", [](const Json& run) { return csv_number(member(member(run, "timing"), "train_seconds")); }});
  return columns;
}

}  // namespace

std::string curves_csv(const nlohmann::json& compare) {
  std::vector<EpochRow> rows;
  for (const Json& run : array(compare, "runs")) {
    for (std::size_t k = 0; k < array(run, "epochs").size(); ++k) rows.push_back({&run, k});
  }
  return csv_text(curve_columns(compare), rows);
}

std::string runs_csv(const nlohmann::json& compare) { return csv_text(run_columns(compare), array(compare, "runs")); }

}  // namespace mlp
