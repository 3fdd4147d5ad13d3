// The summary table's columns, one entry each (see summary_columns.hpp): adding a column here
// adds it to the terminal table, the HTML report and compare.csv.
#include "summary_columns.hpp"

#include "view.hpp"

namespace mlp {
namespace {

using compare_view::Json;
using compare_view::member;
using compare_view::text;

std::function<const Json&(const Json&)> field(std::string key) {
  return [key = std::move(key)](const Json& entry) -> const Json& { return member(entry, key); };
}

// Wall time lives under "timing" only, so that compare.json minus timing is reproducible.
const Json& seconds_per_epoch(const Json& entry) { return member(member(entry, "timing"), "seconds_per_epoch"); }

// The baseline's short name ("leaky_relu" for "leaky_relu(negative_slope=0.01)") when no other
// activation of the comparison has that name; else its whole description.
std::string baseline_name(const Json& compare) {
  const std::string baseline = text(compare, "baseline");
  std::string name;
  for (const Json& s : compare_view::array(compare, "summary")) {
    if (text(s, "activation") == baseline) name = text(s, "name");
  }
  int same_name = 0;
  for (const Json& s : compare_view::array(compare, "summary")) same_name += !name.empty() && text(s, "name") == name;
  return same_name == 1 ? name : baseline;
}

}  // namespace

std::vector<SummaryColumn> summary_columns(const Json& compare) {
  const std::string metric = text(compare, "metric");
  const bool classification = metric != "val_r2";
  const std::string test_metric = classification ? "test_accuracy" : "test_r2";
  const NumberFormat four_decimals{4, true, 1};
  const NumberFormat four_digits{4, false, 1};
  const NumberFormat percent{1, true, 100};
  using enum ColumnKind;
  return {
      {.key = "activation",
       .header = "activation",
       .explanation = "the activation function and its parameters",
       .value = field("activation"),
       .kind = kActivation},
      {.key = "lr",
       .header = "lr",
       .explanation = "the learning rate of the grid with the lowest mean final validation loss",
       .value = field("lr"),
       .kind = kNumber,
       .format = {6, false, 1},
       .shown = Shown::kWithLrGrid},
      {.key = "init",
       .header = "init",
       .explanation = "the weight initialisation",
       .value = field("init"),
       .kind = kText,
       .shown = Shown::kInCsvOnly},
      {.key = metric,
       .header = classification ? "val_acc" : "val_r2",
       .explanation =
           "validation " + std::string(classification ? "accuracy" : "R²") + " at the last epoch, mean±std over seeds",
       .value = field(metric),
       .format = four_decimals,
       .best = Best::kHighest},
      {.key = metric,
       .header = "median [min, max]",
       .explanation = "the metric over seeds",
       .value = field(metric),
       .kind = kSpread,
       .format = four_decimals,
       .shown = Shown::kWithSeeds},
      {.key = test_metric,
       .header = classification ? "test_acc" : "test_r2",
       .explanation = "test " + std::string(classification ? "accuracy" : "R²") +
                      " of the final model (data.test), mean±std over seeds",
       .value = field(test_metric),
       .format = four_decimals,
       .best = Best::kHighest,
       .shown = Shown::kWithTestSet},
      {.key = "final_val_loss",
       .header = "final_loss",
       .explanation = "validation loss at the last epoch",
       .value = field("final_val_loss"),
       .format = four_digits,
       .best = Best::kLowest},
      {.key = "best_val_loss",
       .header = "best_loss",
       .explanation = "lowest validation loss of the run",
       .value = field("best_val_loss"),
       .format = four_digits,
       .best = Best::kLowest},
      {.key = "epochs_to_target",
       .header = "epochs_to_target",
       .explanation = "epochs until the validation loss first reached the loss target, of the runs that did",
       .value = field("epochs_to_target"),
       .format = {1, true, 1},
       .best = Best::kLowest,
       .when_none = "never"},
      {.key = "seconds_per_epoch",
       .header = "ms/epoch",
       .explanation = "wall time per epoch (milliseconds): each run's mean, then mean±std over seeds",
       .value = seconds_per_epoch,
       .format = {2, true, 1000},
       .best = Best::kLowest},
      // Diagnostics, not scores: fewer dead or saturated units is not better when the run learned
      // nothing (a sigmoid that never trained saturates nothing), so no '*'.
      {
          .key = "dead_fraction",
          .header = "dead%",
          .explanation = "hidden units whose output is flat for every validation sample, at the last epoch",
          .value = field("dead_fraction"),
          .format = percent,
      },
      {
          .key = "saturated_fraction",
          .header = "saturated%",
          .explanation = "hidden outputs within 1% of the range from a bound, at the last epoch",
          .value = field("saturated_fraction"),
          .format = percent,
      },
      {.key = "grad_ratio",
       .header = "grad_ratio",
       .explanation = "first-layer over last-layer weight-gradient norm, averaged over the run; near 1 is best",
       .value = field("grad_ratio"),
       .format = {2, false, 1},
       .best = Best::kClosestToOne},
      {.key = "vs_baseline",
       .header = "vs " + baseline_name(compare),
       .explanation = "seeds on which the metric beat the baseline's (of those paired), the mean difference and "
                      "its 95% confidence interval (Student's t; from 3 seeds)",
       .value = field("vs_baseline"),
       .kind = kVersus,
       .format = four_decimals,
       .shown = Shown::kWithPairs},
      {.key = "diverged",
       .header = "diverged",
       .explanation = "seeds whose run diverged, left out of the statistics",
       .value = field("diverged"),
       .kind = kNumber,
       .format = {0, true, 1},
       .shown = Shown::kInCsvOnly},
  };
}

bool shown_to_people(const SummaryColumn& column, const Json& compare) {
  const bool seeds = compare_view::array(compare, "seeds").size() > 1;
  switch (column.shown) {
    case Shown::kAlways:
      return true;
    case Shown::kWithLrGrid:
      return compare_view::array(compare, "lr_grid").size() > 1;
    case Shown::kWithSeeds:
      return seeds;
    case Shown::kWithPairs:
      return seeds && !text(compare, "baseline").empty();
    case Shown::kWithTestSet:
      return !text(member(member(compare, "config"), "data"), "test").empty();
    case Shown::kInCsvOnly:
      break;
  }
  return false;
}

}  // namespace mlp
