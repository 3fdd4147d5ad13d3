// compare.csv: the summary table's columns (summary_columns()) for machines. Every column, raw
// values as compare.json holds them (fractions stay fractions, seconds stay seconds, to the last
// digit), one header row and one row per summary entry, quoted per RFC 4180.
#include "mlp/compare.hpp"

#include "mlp/csv.hpp"
#include "summary_columns.hpp"
#include "view.hpp"

#include <utility>

namespace mlp {
namespace {

using compare_view::csv_number;
using compare_view::Json;
using compare_view::member;
using compare_view::number;

using Fields = std::vector<std::pair<std::string, std::string>>;  // name, value

// A Stat's field, empty when no value went into it (count 0), as the table's "-".
std::string stat_field(const Json& stat, const char* key) {
  return number(stat, "count").value_or(0) > 0 ? csv_number(member(stat, key)) : "";
}

// The fields one column gives one summary entry, with their names. The names depend only on the
// column, so the header is the fields of an empty entry; one function keeps both in step.
Fields csv_fields(const SummaryColumn& c, const Json& entry) {
  const Json& v = c.value(entry);
  switch (c.kind) {
    case ColumnKind::kActivation:
    case ColumnKind::kText:
      return {{c.key, v.is_string() ? v.get<std::string>() : ""}};
    case ColumnKind::kNumber:
      return {{c.key, csv_number(v)}};
    case ColumnKind::kStat:
      // Every statistic of the seeds, so that a reader can check the table's mean±std and plot the
      // spread; count is how many runs had a value (a run that never reached the loss target has
      // no epochs_to_target).
      return {{c.key + "_mean", stat_field(v, "mean")},     {c.key + "_std", stat_field(v, "std")},
              {c.key + "_median", stat_field(v, "median")}, {c.key + "_min", stat_field(v, "min")},
              {c.key + "_max", stat_field(v, "max")},       {c.key + "_count", csv_number(member(v, "count"))}};
    case ColumnKind::kSpread:
      return {};  // the same Stat as the metric's kStat column, whose fields hold it already
    case ColumnKind::kVersus: {
      // Named as compare.csv named them before the columns were shared ("wins_vs_baseline").
      const Json& interval = member(v, "interval95");
      const bool has_interval = interval.is_array() && interval.size() == 2;
      return {{"wins_" + c.key, csv_number(member(v, "wins"))},
              {"seeds_" + c.key, csv_number(member(v, "seeds"))},
              {"mean_difference_" + c.key, stat_field(member(v, "difference"), "mean")},
              {"interval95_low_" + c.key, has_interval ? csv_number(interval[0]) : ""},
              {"interval95_high_" + c.key, has_interval ? csv_number(interval[1]) : ""}};
    }
  }
  return {};
}

std::string csv_line(const std::vector<SummaryColumn>& columns, const Json& entry, bool header) {
  std::string line;
  bool first = true;
  for (const SummaryColumn& c : columns) {
    for (const auto& [name, value] : csv_fields(c, entry)) {
      line += (first ? "" : ",") + csv_field(header ? name : value);
      first = false;
    }
  }
  return line + "\n";
}

}  // namespace

std::string compare_csv(const nlohmann::json& compare) {
  const std::vector<SummaryColumn> columns = summary_columns(compare);
  std::string csv = csv_line(columns, Json(), true);
  for (const Json& entry : compare_view::array(compare, "summary")) csv += csv_line(columns, entry, false);
  return csv;
}

}  // namespace mlp
