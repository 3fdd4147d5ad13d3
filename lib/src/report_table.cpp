// The HTML summary table. Its columns follow the terminal table in compare_table.cpp (same
// headers, precision, scale and notion of "best"), computed from compare.json.
#include "report_table.hpp"

#include "compare_view.hpp"
#include "svg_chart.hpp"

#include <cmath>
#include <functional>
#include <vector>

namespace mlp {
namespace {

using compare_view::Json;
using compare_view::member;
using compare_view::number;
using compare_view::text;

enum class Best { kLowest, kHighest, kClosestToOne, kNone };

struct Column {
  std::string header;
  std::string explanation;                       // tooltip of the header
  std::function<const Json&(const Json&)> stat;  // the column's Stat in a summary entry
  int precision;
  bool fixed;    // printf %.Nf (else %.Ng)
  double scale;  // printed value = stat * scale
  Best best;
};

std::optional<double> stat_mean(const Json& stat) {
  return number(stat, "count").value_or(0) > 0 ? number(stat, "mean") : std::nullopt;
}

std::string format(double x, const Column& c) {
  return c.fixed ? svg::fixed(x, c.precision) : svg::general(x, c.precision);
}

std::string cell_text(const Json& stat, const Column& c) {
  const auto mean = stat_mean(stat);
  if (!mean) return "-";
  const std::string text = format(*mean * c.scale, c);
  const auto std = number(stat, "std");
  return number(stat, "count").value_or(0) > 1 && std ? text + "±" + format(*std * c.scale, c) : text;
}

// How good a mean is for a column (larger is better).
double goodness(const Column& c, double v) {
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

std::string median_range(const Json& stat) {
  if (!stat_mean(stat)) return "-";
  auto at = [&](const char* key, int decimals) { return svg::fixed(number(stat, key).value_or(NAN), decimals); };
  return at("median", 4) + " [" + at("min", 3) + ", " + at("max", 3) + "]";
}

std::vector<Column> columns_for(const Json& compare) {
  const std::string metric = text(compare, "metric");
  const bool classification = metric != "val_r2";
  auto field = [](std::string key) { return [key](const Json& s) -> const Json& { return member(s, key); }; };
  std::vector<Column> columns = {
      {classification ? "val_acc" : "val_r2",
       "validation " + std::string(classification ? "accuracy" : "R²") + " at the last epoch, mean±std over seeds",
       field(metric), 4, true, 1, Best::kHighest},
      {"final_loss", "validation loss at the last epoch", field("final_val_loss"), 4, false, 1, Best::kLowest},
      {"best_loss", "lowest validation loss of the run", field("best_val_loss"), 4, false, 1, Best::kLowest},
      {"epochs_to_target", "epochs until the validation loss first reached the shared target",
       field("epochs_to_target"), 1, true, 1, Best::kLowest},
      {"ms/epoch", "wall time per epoch (milliseconds)",
       [](const Json& s) -> const Json& { return member(member(s, "timing"), "seconds_per_epoch"); }, 2, true, 1000,
       Best::kLowest},
      {"dead%", "hidden units whose output is flat for every validation sample, at the last epoch",
       field("dead_fraction"), 1, true, 100, Best::kLowest},
      {"saturated%", "hidden outputs within 1% of the range from a bound, at the last epoch",
       field("saturated_fraction"), 1, true, 100, Best::kLowest},
      {"grad_ratio", "first-layer over last-layer weight-gradient norm, averaged over the run; near 1 is best",
       field("grad_ratio"), 2, false, 1, Best::kClosestToOne},
  };
  if (compare_view::array(compare, "seeds").size() > 1) {
    columns.insert(columns.begin() + 1,
                   {"median [min, max]", "the metric over seeds", field(metric), 0, true, 1, Best::kNone});
  }
  return columns;
}

bool is_best(const Json& summary, const Json& entry, const Column& c) {
  const auto mine = stat_mean(c.stat(entry));
  if (!mine || c.best == Best::kNone || summary.size() < 2) return false;
  for (const Json& other : summary) {
    const auto theirs = stat_mean(c.stat(other));
    if (theirs && goodness(c, *theirs) > goodness(c, *mine)) return false;
  }
  return true;
}

std::string td(const std::string& content, const std::string& classes) {
  return "<td class=\"" + classes + "\">" + svg::escape(content) + "</td>";
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

// The baseline's short name ("relu" for "relu"), as the terminal table heads its column.
std::string baseline_name(const Json& compare) {
  const std::string baseline = text(compare, "baseline");
  for (const Json& s : compare_view::array(compare, "summary")) {
    if (text(s, "activation") == baseline && !text(s, "name").empty()) return text(s, "name");
  }
  return baseline;
}

std::string row_html(const Json& compare, const Json& entry, const std::vector<Column>& columns,
                     const std::map<std::string, std::string>& colours, bool grid, bool paired) {
  const std::string activation = text(entry, "activation");
  const int diverged = static_cast<int>(number(entry, "diverged").value_or(0));
  const auto colour = colours.find(activation);
  std::string row = "<tr data-activation=\"" + svg::escape(activation) + "\"><td class=\"name\">";
  if (colour != colours.end())
    row += "<span class=\"swatch\" style=\"background:" + svg::escape(colour->second) + "\"></span>";
  row += svg::escape(activation + (diverged ? " (" + std::to_string(diverged) + " diverged)" : "")) + "</td>";
  if (grid) row += td(number(entry, "lr") ? svg::general(*number(entry, "lr"), 6) : "-", "num");
  const Json& summary = compare_view::array(compare, "summary");
  for (const Column& c : columns) {
    const Json& stat = c.stat(entry);
    if (c.best == Best::kNone) {
      row += td(median_range(stat), "num");
    } else {
      row += td(cell_text(stat, c), is_best(summary, entry, c) ? "num best" : "num");
    }
  }
  if (paired) row += td(versus_baseline(entry), "num");
  return row + "</tr>";
}

}  // namespace

std::string summary_table_html(const nlohmann::json& compare, const std::map<std::string, std::string>& colours) {
  const std::vector<Column> columns = columns_for(compare);
  const bool grid = compare_view::array(compare, "lr_grid").size() > 1;
  const bool paired = !text(compare, "baseline").empty() && compare_view::array(compare, "seeds").size() > 1;
  std::string html = "<table class=\"summary\"><thead><tr><th>activation</th>";
  if (grid) html += "<th title=\"the learning rate of the grid with the lowest mean final validation loss\">lr</th>";
  for (const Column& c : columns) {
    html += "<th title=\"" + svg::escape(c.explanation) + "\">" + svg::escape(c.header) + "</th>";
  }
  if (paired) {
    html += "<th title=\"seeds on which the metric beat the baseline's, and the mean difference\">vs " +
            svg::escape(baseline_name(compare)) + "</th>";
  }
  html += "</tr></thead><tbody>";
  for (const Json& entry : compare_view::array(compare, "summary")) {
    html += row_html(compare, entry, columns, colours, grid, paired);
  }
  return html + "</tbody></table>";
}

}  // namespace mlp
