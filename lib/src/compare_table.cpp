// The comparison summary as an aligned terminal table, best value of each column marked '*'.
#include "mlp/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace mlp {
namespace {

std::string number(double x, const char* format) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, format, x);
  return buffer;
}

// One column: its header, how to print a row's value, and which value is best.
struct Column {
  std::string header;
  std::function<std::optional<Stat>(const ActivationSummary&)> stat;
  const char* format;
  double scale;  // printed value = stat * scale (e.g. 100 for percentages, 1000 for ms)
  enum class Best { kLowest, kHighest, kClosestToOne, kNone } best;
};

std::string cell(const std::optional<Stat>& s, const Column& column) {
  if (!s || s->count == 0) return "-";
  const std::string mean = number(s->mean * column.scale, column.format);
  return s->count > 1 ? mean + "±" + number(s->std * column.scale, column.format) : mean;
}

// How good a value is for a column (larger is better), to find each column's best row.
double goodness(const Column& column, double value) {
  switch (column.best) {
    case Column::Best::kLowest:
      return -value;
    case Column::Best::kHighest:
      return value;
    case Column::Best::kClosestToOne:
      return -std::abs(std::log(std::max(value, 1e-300)));
    case Column::Best::kNone:
      break;
  }
  return 0;
}

std::vector<Column> columns_for(const CompareResult& result) {
  const bool classification = result.task == Task::kClassification;
  using B = Column::Best;
  std::vector<Column> columns = {
      {classification ? "val_acc" : "val_r2", [](const ActivationSummary& s) { return std::optional(s.metric); },
       "%.4f", 1, B::kHighest},
      {"final_loss", [](const ActivationSummary& s) { return std::optional(s.final_val_loss); }, "%.4g", 1, B::kLowest},
      {"best_loss", [](const ActivationSummary& s) { return std::optional(s.best_val_loss); }, "%.4g", 1, B::kLowest},
      {"epochs_to_target", [](const ActivationSummary& s) { return s.epochs_to_target; }, "%.1f", 1, B::kLowest},
      {"ms/epoch", [](const ActivationSummary& s) { return std::optional(s.seconds_per_epoch); }, "%.2f", 1000,
       B::kLowest},
      {"dead%", [](const ActivationSummary& s) { return s.dead_fraction; }, "%.1f", 100, B::kLowest},
      {"saturated%", [](const ActivationSummary& s) { return s.saturated_fraction; }, "%.1f", 100, B::kLowest},
      {"grad_ratio", [](const ActivationSummary& s) { return s.grad_ratio; }, "%.2g", 1, B::kClosestToOne},
  };
  if (result.seeds.size() > 1) {
    columns.insert(
        columns.begin() + 1,
        {"median [min, max]", [](const ActivationSummary& s) { return std::optional(s.metric); }, "", 1, B::kNone});
  }
  return columns;
}

}  // namespace

std::string compare_table(const CompareResult& result) {
  const std::vector<Column> columns = columns_for(result);
  const bool grid = result.lr_grid.size() > 1;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"activation"};
  if (grid) header.push_back("lr");
  for (const Column& c : columns) header.push_back(c.header);
  const bool paired = result.baseline < result.activations.size() && result.seeds.size() > 1;
  if (paired) header.push_back("vs " + std::string(result.activations[result.baseline].spec->name));
  rows.push_back(header);

  for (const ActivationSummary& s : result.summary) {
    std::vector<std::string> row = {result.activations[s.activation].describe() +
                                    (s.diverged ? " (" + std::to_string(s.diverged) + " diverged)" : "")};
    if (grid) row.push_back(number(s.lr, "%g"));
    for (const Column& c : columns) {
      const std::optional<Stat> stat = c.stat(s);
      if (c.best == Column::Best::kNone) {
        row.push_back(stat && stat->count ? number(stat->median, "%.4f") + " [" + number(stat->min, "%.3f") + ", " +
                                                number(stat->max, "%.3f") + "]"
                                          : "-");
        continue;
      }
      std::string text = cell(stat, c);
      // Mark the best row of this column.
      bool best = stat && stat->count > 0;
      for (const ActivationSummary& other : result.summary) {
        const std::optional<Stat> o = c.stat(other);
        if (best && o && o->count > 0 && goodness(c, o->mean) > goodness(c, stat->mean)) best = false;
      }
      row.push_back(best && result.summary.size() > 1 ? text + " *" : text);
    }
    if (paired) {
      row.push_back(s.vs_baseline ? std::to_string(s.vs_baseline->wins) + "/" + std::to_string(s.vs_baseline->seeds) +
                                        " wins, " + number(s.vs_baseline->difference.mean, "%+.4f")
                                  : "(baseline)");
    }
    rows.push_back(row);
  }

  // Pad to each column's width (counting UTF-8 code points, for "±").
  auto width = [](const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k) widths[k] = std::max(widths[k], width(row[k]));
  }
  std::string text;
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k) {
      const std::string pad(widths[k] - width(row[k]), ' ');
      text += k == 0 ? row[k] + pad : "  " + pad + row[k];
    }
    text += "\n";
  }
  return text;
}

}  // namespace mlp
