#include "summary_table.hpp"

#include "view.hpp"
#include "report/svg_text.hpp"

#include <cmath>
#include <functional>

namespace mlp {
namespace {

using compare_view::Json;
using compare_view::member;
using compare_view::number;
using compare_view::text;

enum class Best { kLowest, kHighest, kClosestToOne, kNone };

// A column of statistics: each cell shows a Stat of the summary entry ({mean, std, count, ...}).
struct StatColumn {
  SummaryColumn column;
  std::function<const Json&(const Json& entry)> stat;
  int precision;
  bool fixed;    // %.Nf (else %.Ng)
  double scale;  // shown value = stat * scale (100 for percentages, 1000 for milliseconds)
  Best best;     // kNone: the cell shows "median [min, max]" instead of "mean±std"
};

std::optional<double> stat_mean(const Json& stat) {
  return number(stat, "count").value_or(0) > 0 ? number(stat, "mean") : std::nullopt;
}

std::string format(double x, const StatColumn& c) {
  return c.fixed ? svg::fixed(x, c.precision) : svg::general(x, c.precision);
}

std::string mean_std(const Json& stat, const StatColumn& c) {
  const auto mean = stat_mean(stat);
  if (!mean) return "-";
  const std::string text = format(*mean * c.scale, c);
  const auto std = number(stat, "std");
  return number(stat, "count").value_or(0) > 1 && std ? text + "±" + format(*std * c.scale, c) : text;
}

std::string median_range(const Json& stat) {
  if (!stat_mean(stat)) return "-";
  auto at = [&](const char* key, int decimals) { return svg::fixed(number(stat, key).value_or(NAN), decimals); };
  return at("median", 4) + " [" + at("min", 3) + ", " + at("max", 3) + "]";
}

// How good a mean is for a column (larger is better).
double goodness(const StatColumn& c, double v) {
  switch (c.best) {
    case Best::kLowest:
      return -v;
    case Best::kHighest:
      return v;
    case Best::kClosestToOne:
      return -std::abs(std::log(std::max(v, 1e-300)));
    case Best::kNone:
      break;
  }
  return 0;
}

bool is_best(const Json& summary, const Json& entry, const StatColumn& c) {
  const auto mine = stat_mean(c.stat(entry));
  if (!mine || c.best == Best::kNone || summary.size() < 2) return false;
  for (const Json& other : summary) {
    const auto theirs = stat_mean(c.stat(other));
    if (theirs && goodness(c, *theirs) > goodness(c, *mine)) return false;
  }
  return true;
}

std::vector<StatColumn> stat_columns(const Json& compare) {
  const std::string metric = text(compare, "metric");
  const bool classification = metric != "val_r2";
  auto field = [](std::string key) { return [key](const Json& s) -> const Json& { return member(s, key); }; };
  std::vector<StatColumn> columns = {
      {{classification ? "val_acc" : "val_r2",
        "validation " + std::string(classification ? "accuracy" : "R²") + " at the last epoch, mean±std over seeds"},
       field(metric),
       4,
       true,
       1,
       Best::kHighest},
      {{"final_loss", "validation loss at the last epoch"}, field("final_val_loss"), 4, false, 1, Best::kLowest},
      {{"best_loss", "lowest validation loss of the run"}, field("best_val_loss"), 4, false, 1, Best::kLowest},
      {{"epochs_to_target", "epochs until the validation loss first reached the shared target"},
       field("epochs_to_target"),
       1,
       true,
       1,
       Best::kLowest},
      {{"ms/epoch", "wall time per epoch (milliseconds)"},
       [](const Json& s) -> const Json& { return member(member(s, "timing"), "seconds_per_epoch"); },
       2,
       true,
       1000,
       Best::kLowest},
      {{"dead%", "hidden units whose output is flat for every validation sample, at the last epoch"},
       field("dead_fraction"),
       1,
       true,
       100,
       Best::kLowest},
      {{"saturated%", "hidden outputs within 1% of the range from a bound, at the last epoch"},
       field("saturated_fraction"),
       1,
       true,
       100,
       Best::kLowest},
      {{"grad_ratio", "first-layer over last-layer weight-gradient norm, averaged over the run; near 1 is best"},
       field("grad_ratio"),
       2,
       false,
       1,
       Best::kClosestToOne},
  };
  if (compare_view::array(compare, "seeds").size() > 1) {
    columns.insert(columns.begin() + 1,
                   {{"median [min, max]", "the metric over seeds"}, field(metric), 0, true, 1, Best::kNone});
  }
  return columns;
}

// "3/5 wins, +0.0123": seeds on which this activation beat the baseline, and the mean difference.
std::string versus_baseline(const Json& entry) {
  const Json& vs = member(entry, "vs_baseline");
  if (!vs.is_object()) return "(baseline)";
  const auto wins = number(vs, "wins"), seeds = number(vs, "seeds");
  const auto difference = stat_mean(member(vs, "difference"));
  const std::string sign = difference && *difference >= 0 ? "+" : "";
  return svg::fixed(wins.value_or(0), 0) + "/" + svg::fixed(seeds.value_or(0), 0) + " wins, " +
         (difference ? sign + svg::fixed(*difference, 4) : "-");
}

// The baseline's short name ("leaky_relu" for "leaky_relu(negative_slope=0.01)").
std::string baseline_name(const Json& compare) {
  const std::string baseline = text(compare, "baseline");
  for (const Json& s : compare_view::array(compare, "summary")) {
    if (text(s, "activation") == baseline && !text(s, "name").empty()) return text(s, "name");
  }
  return baseline;
}

}  // namespace

SummaryTable summary_table(const nlohmann::json& compare) {
  const std::vector<StatColumn> stats = stat_columns(compare);
  const bool grid = compare_view::array(compare, "lr_grid").size() > 1;
  const bool paired = !text(compare, "baseline").empty() && compare_view::array(compare, "seeds").size() > 1;
  const Json& summary = compare_view::array(compare, "summary");

  SummaryTable table;
  table.columns.push_back({"activation", "the activation function and its parameters"});
  if (grid) table.columns.push_back({"lr", "the learning rate of the grid with the lowest mean final validation loss"});
  for (const StatColumn& c : stats) table.columns.push_back(c.column);
  if (paired) {
    table.columns.push_back(
        {"vs " + baseline_name(compare), "seeds on which the metric beat the baseline's, and the mean difference"});
  }

  for (const Json& entry : summary) {
    SummaryRow row{text(entry, "activation"), {}};
    const int diverged = static_cast<int>(number(entry, "diverged").value_or(0));
    row.cells.push_back({row.activation + (diverged ? " (" + std::to_string(diverged) + " diverged)" : "")});
    if (grid) row.cells.push_back({number(entry, "lr") ? svg::general(*number(entry, "lr"), 6) : "-"});
    for (const StatColumn& c : stats) {
      const Json& stat = c.stat(entry);
      row.cells.push_back(c.best == Best::kNone ? SummaryCell{median_range(stat)}
                                                : SummaryCell{mean_std(stat, c), is_best(summary, entry, c)});
    }
    if (paired) row.cells.push_back({versus_baseline(entry)});
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace mlp
