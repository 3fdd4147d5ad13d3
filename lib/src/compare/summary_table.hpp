// The summary table of a comparison for people: the columns of summary_columns() that this
// comparison shows, and their cells as text with each column's best marked, read from
// compare.json's document (compare_json). The terminal table (terminal_table.cpp) and the HTML
// report (report/html_table.cpp) only lay it out, so they show the same figures and mark the same
// bests; compare.csv (csv_table.cpp) writes the same columns' raw values.
#pragma once

#include "summary_columns.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlp {

struct SummaryCell {
  std::string text;   // "0.9133±0.0101", "-" when there is no value
  bool best = false;  // the best value of its column (ties all marked; only among two values or more)
};

struct SummaryRow {
  std::string activation;          // its description, as compare.json spells it
  std::string name;                // the activation's name alone ("leaky_relu")
  std::vector<SummaryCell> cells;  // one per column, the first the name ("relu (1 diverged)")
};

struct SummaryTable {
  std::vector<SummaryColumn> columns;  // those shown_to_people()
  std::vector<SummaryRow> rows;        // in the summary's order, best first
};

// Missing, null or non-finite values read as absent.
SummaryTable summary_table(const nlohmann::json& compare);

// What epochs_to_target counts to, in a sentence: "epochs to a validation loss of 0.0187, ...";
// empty when compare.json has no loss target.
std::string loss_target_note(const nlohmann::json& compare);

}  // namespace mlp
