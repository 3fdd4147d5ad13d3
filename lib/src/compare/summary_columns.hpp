// The columns of a comparison's summary table, declared once: what each shows, how its value is
// read from a summary entry of compare.json (compare_json), how people see it and which value is
// best. The table for people (summary_table.cpp, laid out by terminal_table.cpp and
// report/html_table.cpp) and compare.csv (csv_table.cpp) are both made from this list.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace mlp {

// What a column's value is, which decides how each layout writes it.
enum class ColumnKind {
  kActivation,  // the description; people see "(N diverged)" after it
  kText,        // a string
  kNumber,      // one number
  kStat,        // a Stat of the seeds {mean, std, median, min, max, count}: people see mean±std
  kSpread,      // the same kind of Stat, as median [min, max] (the range to a decimal fewer)
  kVersus,      // a paired comparison {wins, seeds, difference: Stat}: "3/5, +0.0123"
};

// Where people see the column; compare.csv has every column, whatever the comparison, so that
// its header depends only on the task.
enum class Shown {
  kAlways,
  kWithLrGrid,   // a learning-rate grid of more than one rate
  kWithSeeds,    // more than one seed
  kWithPairs,    // a baseline and more than one seed
  kWithTestSet,  // the config gives data.test
  kInCsvOnly,    // people find it elsewhere (diverged: beside the name) or not at all
};

enum class Best { kNone, kLowest, kHighest, kClosestToOne };

// How people see a number: %.Nf or %.Ng of value × scale. compare.csv writes the value itself
// (fractions stay fractions, seconds stay seconds), to the last digit.
struct NumberFormat {
  int precision = 4;
  bool fixed = true;
  double scale = 1;  // 100 for percentages, 1000 for milliseconds
};

// Every member has a default ({} included, which g++ wants), so that a declaration names only
// what it sets.
struct SummaryColumn {
  // The machine name: compare.json's key of the value, from which compare.csv names its fields
  // (final_val_loss → final_val_loss_mean, final_val_loss_std; see csv_table.cpp).
  std::string key{};
  std::string header{};       // what people read: "final_loss", "ms/epoch"
  std::string explanation{};  // one line: the HTML header's tooltip
  std::function<const nlohmann::json&(const nlohmann::json& entry)> value{};  // of a summary entry
  ColumnKind kind = ColumnKind::kStat;
  NumberFormat format{};
  Best best = Best::kNone;  // which mean is best (kStat columns); marked for people only
  Shown shown = Shown::kAlways;
  // kStat columns whose value some runs do not have by nature (a run that never reached the loss
  // target has no epochs_to_target): what people see when no run has it ("never"); when some
  // have, "(k/n)" follows the value, and only values every run has compete for best.
  std::string when_none{};
};

// Every column, in the order people and compare.csv see them: activation, lr, init, the metric,
// its median [min, max], the metric on the test set, final_loss, best_loss, epochs_to_target,
// ms/epoch, dead%, saturated%, grad_ratio, vs <baseline>, diverged. The metric's key and header,
// and the baseline's name in the last header, come from `compare`.
std::vector<SummaryColumn> summary_columns(const nlohmann::json& compare);

// Whether people see the column in this comparison (see Shown).
bool shown_to_people(const SummaryColumn& column, const nlohmann::json& compare);

}  // namespace mlp
