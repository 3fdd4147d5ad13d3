// The summary table of a comparison, defined once: its columns (header, what it shows, format,
// which value is best) and its cells, read from compare.json's document (compare_json). The
// terminal table (compare_table.cpp) and the HTML report (report_table.cpp) only lay it out, so
// they show the same figures and mark the same bests.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlp {

struct SummaryColumn {
  std::string header;       // "val_acc", "ms/epoch", ...
  std::string explanation;  // one line, the HTML header's tooltip
};

struct SummaryCell {
  std::string text;   // "0.9133±0.0101", "-" when there is no value
  bool best = false;  // the best value of its column (ties all marked; never with a single row)
};

struct SummaryRow {
  std::string activation;          // its description, as compare.json spells it
  std::vector<SummaryCell> cells;  // one per column, the first the name ("relu (1 diverged)")
};

struct SummaryTable {
  std::vector<SummaryColumn> columns;
  std::vector<SummaryRow> rows;  // in the summary's order, best first
};

// Columns: activation, lr (with a learning-rate grid), the metric, median [min, max] (with
// several seeds), final_loss, best_loss, epochs_to_target, ms/epoch, dead%, saturated%,
// grad_ratio, vs <baseline> (with a baseline and several seeds). Missing, null or non-finite
// values read as absent.
SummaryTable summary_table(const nlohmann::json& compare);

}  // namespace mlp
