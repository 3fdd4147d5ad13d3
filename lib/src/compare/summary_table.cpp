// The summary table's cells for people: each column's value as text in its format, and the best
// mean of each column marked (see summary_table.hpp).
#include "summary_table.hpp"

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
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(spread))), 0, 9);
  return svg::fixed(*mean * f.scale, decimals) + "±" + svg::fixed(spread, decimals);
}

std::string median_range(const Json& stat, const NumberFormat& f) {
  if (!stat_mean(stat)) return "-";
  auto at = [&](const char* key, int offset) { return format(number(stat, key).value_or(NAN), f, offset); };
  return at("median", 0) + " [" + at("min", -1) + ", " + at("max", -1) + "]";
}

// "3/5, +0.0123": seeds on which this activation beat the baseline, and the mean difference (the
// column's explanation says so: the table's notes and the report's tooltip).
std::string versus_baseline(const Json& vs, const NumberFormat& f) {
  if (!vs.is_object()) return "(baseline)";
  const auto wins = number(vs, "wins"), seeds = number(vs, "seeds");
  const auto difference = stat_mean(compare_view::member(vs, "difference"));
  const std::string sign = difference && *difference >= 0 ? "+" : "";
  return svg::fixed(wins.value_or(0), 0) + "/" + svg::fixed(seeds.value_or(0), 0) + ", " +
         (difference ? sign + format(*difference, f) : "-");
}

std::string cell_text(const SummaryColumn& c, const Json& entry) {
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
// activation, is best of nothing).
bool is_best(const Json& summary, const Json& entry, const SummaryColumn& c) {
  if (c.kind != ColumnKind::kStat || c.best == Best::kNone) return false;
  const auto mine = stat_mean(c.value(entry));
  if (!mine) return false;
  int competing = 0;
  for (const Json& other : summary) {
    const auto theirs = stat_mean(c.value(other));
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
  const Json& summary = compare_view::array(compare, "summary");
  for (const Json& entry : summary) {
    SummaryRow row{text(entry, "activation"), text(entry, "name"), {}};
    for (const SummaryColumn& c : table.columns) row.cells.push_back({cell_text(c, entry), is_best(summary, entry, c)});
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace mlp
