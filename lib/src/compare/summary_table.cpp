// The summary table's cells for people: each column's value as text in its format, and the best
// mean of each column marked (see summary_table.hpp).
#include "summary_table.hpp"

#include "mlp/compare.hpp"
#include "mlp/text.hpp"
#include "report/svg_text.hpp"
#include "view.hpp"

#include <algorithm>
#include <cmath>

namespace mlp {
namespace {

using compare_view::Json;
using compare_view::number;
using compare_view::text;

// A Stat's mean, when it was computed from any value.
std::optional<double> stat_mean(const Json& stat) {
  return number(stat, "count").value_or(0) > 0 ? number(stat, "mean") : std::nullopt;
}

std::string format(double x, const NumberFormat& f, int precision_offset = 0) {
  return f.fixed ? svg::fixed(x * f.scale, f.precision + precision_offset)
                 : svg::general(x * f.scale, f.precision + precision_offset);
}

// "mean±std" as measurements are written: the std to two significant digits and the mean to the
// same decimal place (0.985±0.021, 27±26), so that no digit is shown that the seeds do not
// support. One seed: the mean in the column's format; a std of 0, both in it.
std::string mean_std(const Json& stat, const NumberFormat& f) {
  const auto mean = stat_mean(stat);
  if (!mean) return "-";
  const auto std = number(stat, "std");
  if (number(stat, "count").value_or(0) <= 1 || !std) return format(*mean, f);
  const double spread = *std * f.scale;
  if (!(spread > 0)) return format(*mean, f) + "±" + format(*std, f);
  // Very small or large values of a column read in significant digits (a gradient ratio of
  // 3e-9) share the larger's power of ten: (3.0±1.9)e-9, not 0.000000003±0.000000002.
  const int exponent = static_cast<int>(std::floor(std::log10(std::max(std::abs(*mean * f.scale), spread))));
  const bool scientific = !f.fixed && (exponent < -3 || exponent >= 6);
  const double unit = scientific ? std::pow(10.0, exponent) : 1.0;
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(spread / unit))), 0, 9);
  const std::string both = svg::fixed(*mean * f.scale / unit, decimals) + "±" + svg::fixed(spread / unit, decimals);
  return scientific ? "(" + both + ")e" + std::to_string(exponent) : both;
}

std::string median_range(const Json& stat, const NumberFormat& f) {
  if (!stat_mean(stat)) return "-";
  auto at = [&](const char* key, int offset) { return format(number(stat, key).value_or(NAN), f, offset); };
  return at("median", 0) + " [" + at("min", -1) + ", " + at("max", -1) + "]";
}

std::string signed_number(double x, const NumberFormat& f) { return (x >= 0 ? "+" : "") + format(x, f); }

// "3/5, +0.0123 [-0.0100, +0.0346]": seeds on which this activation beat the baseline, the mean
// difference and its 95 % interval, or "(too few seeds)" for one (the column's explanation says
// so: the table's notes and the report's tooltip).
std::string versus_baseline(const Json& vs, const NumberFormat& f) {
  if (!vs.is_object()) return "(baseline)";
  const auto wins = number(vs, "wins"), seeds = number(vs, "seeds");
  const auto difference = stat_mean(compare_view::member(vs, "difference"));
  std::string text = svg::fixed(wins.value_or(0), 0) + "/" + svg::fixed(seeds.value_or(0), 0) + ", " +
                     (difference ? signed_number(*difference, f) : "-");
  if (!difference) return text;
  const Json& interval = compare_view::member(vs, "interval95");
  if (interval.is_array() && interval.size() == 2) {
    return text + " [" + signed_number(number(interval[0]).value_or(NAN), f) + ", " +
           signed_number(number(interval[1]).value_or(NAN), f) + "]";
  }
  return text + " (too few seeds)";
}

// Runs whose values a statistic could have: the seeds, less those that diverged.
int runs_counted(const Json& compare, const Json& entry) {
  return static_cast<int>(compare_view::array(compare, "seeds").size()) -
         static_cast<int>(number(entry, "diverged").value_or(0));
}

// How many runs have the value of a column with `when_none`, of those that could.
int stat_count(const Json& stat) { return static_cast<int>(number(stat, "count").value_or(0)); }

std::string cell_text(const SummaryColumn& c, const Json& entry, int runs) {
  const Json& value = c.value(entry);
  const std::string words = value.is_string() ? value.get<std::string>() : "";
  switch (c.kind) {
    case ColumnKind::kActivation: {
      const int diverged = static_cast<int>(number(entry, "diverged").value_or(0));
      return words + (diverged ? " (" + std::to_string(diverged) + " diverged)" : "");
    }
    case ColumnKind::kText:
      return words.empty() ? "-" : words;
    case ColumnKind::kNumber:
      return number(value) ? format(*number(value), c.format) : "-";
    case ColumnKind::kStat:
      if (!c.when_none.empty() && runs > 0 && stat_count(value) < runs) {
        return stat_count(value) == 0 ? c.when_none
                                      : mean_std(value, c.format) + " (" + std::to_string(stat_count(value)) + "/" +
                                            std::to_string(runs) + ")";
      }
      return mean_std(value, c.format);
    case ColumnKind::kSpread:
      return median_range(value, c.format);
    case ColumnKind::kVersus:
      return versus_baseline(value, c.format);
  }
  return "-";
}

// How good a mean is for a column (larger is better).
double goodness(const SummaryColumn& c, double v) {
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

// Best of its column: only where at least two values compete (the only value, or the only
// activation, is best of nothing), and for a column with when_none, only values of every run (2
// epochs to the target on the one seed that reached it is not better than 5 on all three).
bool is_best(const Json& compare, const Json& entry, const SummaryColumn& c) {
  if (c.kind != ColumnKind::kStat || c.best == Best::kNone) return false;
  const auto competes = [&](const Json& e) -> std::optional<double> {
    const Json& stat = c.value(e);
    if (!c.when_none.empty() && stat_count(stat) < runs_counted(compare, e)) return std::nullopt;
    return stat_mean(stat);
  };
  const auto mine = competes(entry);
  if (!mine) return false;
  int competing = 0;
  for (const Json& other : compare_view::array(compare, "summary")) {
    const auto theirs = competes(other);
    if (!theirs) continue;
    ++competing;
    if (goodness(c, *theirs) > goodness(c, *mine)) return false;
  }
  return competing >= 2;
}

}  // namespace

SummaryTable summary_table(const nlohmann::json& compare) {
  SummaryTable table;
  for (SummaryColumn& c : summary_columns(compare)) {
    if (shown_to_people(c, compare)) table.columns.push_back(std::move(c));
  }
  for (const Json& entry : compare_view::array(compare, "summary")) {
    SummaryRow row{text(entry, "activation"), text(entry, "name"), {}};
    for (const SummaryColumn& c : table.columns) {
      row.cells.push_back({cell_text(c, entry, runs_counted(compare, entry)), is_best(compare, entry, c)});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string loss_target_note(const nlohmann::json& compare) {
  const auto target = number(compare, "loss_target");
  if (!target) return "";
  const auto chance = number(compare, "chance_loss");
  const std::string learned = chance ? " (best below " + svg::fixed(100 * CompareResult::kLearnedShare, 0) +
                                           "% of the chance-level loss " + format_table_number(*chance) + ")"
                                     : "";
  return "epochs to a validation loss of " + format_table_number(*target) +
         ", the worst best loss of the runs that learned" + learned + "; \"never\": a run that did not reach it.";
}

}  // namespace mlp
