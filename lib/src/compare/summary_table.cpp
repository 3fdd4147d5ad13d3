// The summary table's cells for people: each column's value as text in its format, and the best
// mean of each column marked (see summary_table.hpp).
#include "summary_table.hpp"

#include "report/svg_text.hpp"
#include "view.hpp"

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

std::string mean_std(const Json& stat, const NumberFormat& f) {
  const auto mean = stat_mean(stat);
  if (!mean) return "-";
  const std::string text = format(*mean, f);
  const auto std = number(stat, "std");
  return number(stat, "count").value_or(0) > 1 && std ? text + "±" + format(*std, f) : text;
}

std::string median_range(const Json& stat, const NumberFormat& f) {
  if (!stat_mean(stat)) return "-";
  auto at = [&](const char* key, int offset) { return format(number(stat, key).value_or(NAN), f, offset); };
  return at("median", 0) + " [" + at("min", -1) + ", " + at("max", -1) + "]";
}

// "3/5 wins, +0.0123": seeds on which this activation beat the baseline, and the mean difference.
std::string versus_baseline(const Json& vs, const NumberFormat& f) {
  if (!vs.is_object()) return "(baseline)";
  const auto wins = number(vs, "wins"), seeds = number(vs, "seeds");
  const auto difference = stat_mean(compare_view::member(vs, "difference"));
  const std::string sign = difference && *difference >= 0 ? "+" : "";
  return svg::fixed(wins.value_or(0), 0) + "/" + svg::fixed(seeds.value_or(0), 0) + " wins, " +
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

bool is_best(const Json& summary, const Json& entry, const SummaryColumn& c) {
  if (c.kind != ColumnKind::kStat || c.best == Best::kNone || summary.size() < 2) return false;
  const auto mine = stat_mean(c.value(entry));
  if (!mine) return false;
  for (const Json& other : summary) {
    const auto theirs = stat_mean(c.value(other));
    if (theirs && goodness(c, *theirs) > goodness(c, *mine)) return false;
  }
  return true;
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
