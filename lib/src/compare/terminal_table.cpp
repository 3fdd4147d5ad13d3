// The comparison summary as an aligned terminal table: summary_table()'s cells, the best value
// of each column marked '*', in the columns asked for and the width of the terminal.
#include "mlp/compare.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include "summary_table.hpp"

#include <algorithm>
#include <numeric>

namespace mlp {
namespace {

// The name --columns knows a column by: its header up to the first space ("vs relu" is "vs",
// "median [min, max]" is "median").
std::string name_of(const SummaryColumn& column) { return column.header.substr(0, column.header.find(' ')); }

// The compact default set, most important first: while the table is too wide, the last of those
// still shown goes. The rest (median, best_loss, ms/epoch, grad_ratio) are in `--columns all`,
// the report and compare.csv.
const std::vector<std::string>& default_columns() {
  static const std::vector<std::string> names = {"activation", "lr",      "val_acc",         "val_r2",
                                                 "test_acc",   "test_r2", "final_loss",      "dead%",
                                                 "saturated%", "vs",      "epochs_to_target"};
  return names;
}

// A short label per row: the activation's name when no other row has it, else its whole
// description (two leaky_relu differ only in their parameters).
std::vector<std::string> row_labels(const SummaryTable& table) {
  std::vector<std::string> labels;
  for (const SummaryRow& row : table.rows) {
    const auto same_name = std::ranges::count_if(table.rows, [&](const SummaryRow& r) { return r.name == row.name; });
    labels.push_back(same_name == 1 && !row.name.empty() ? row.name : row.activation);
  }
  return labels;
}

struct Grid {
  std::vector<std::vector<std::string>> rows;  // the header, then one per activation
  std::vector<std::size_t> widths;

  std::size_t line_width(const std::vector<std::size_t>& shown) const {
    if (shown.empty()) return 0;
    return std::accumulate(shown.begin(), shown.end(), std::size_t{0},
                           [&](std::size_t sum, std::size_t k) { return sum + widths[k]; }) +
           2 * (shown.size() - 1);
  }
};

Grid grid_of(const SummaryTable& table, const std::vector<std::string>& labels) {
  Grid grid;
  std::vector<std::string> header;
  for (const SummaryColumn& c : table.columns) header.push_back(c.header);
  grid.rows.push_back(header);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::string> row;
    for (const SummaryCell& cell : table.rows[r].cells) row.push_back(cell.best ? cell.text + " *" : cell.text);
    // The first cell is the description, perhaps with "(2 diverged)" after it: shorten its start.
    row[0] = labels[r] + row[0].substr(std::min(row[0].size(), table.rows[r].activation.size()));
    grid.rows.push_back(row);
  }
  grid.widths.assign(header.size(), 0);
  for (const auto& row : grid.rows) {
    for (std::size_t k = 0; k < row.size(); ++k) grid.widths[k] = std::max(grid.widths[k], code_points(row[k]));
  }
  return grid;
}

// The columns to show, as indices of table.columns in the table's order.
std::vector<std::size_t> chosen_columns(const SummaryTable& table, const Grid& grid, const TableLayout& layout) {
  const bool all = layout.columns.size() == 1 && layout.columns[0] == "all";
  const bool by_default = layout.columns.empty() || (layout.columns.size() == 1 && layout.columns[0] == "default");
  const std::vector<std::string>& wanted = by_default ? default_columns() : layout.columns;
  std::vector<std::size_t> shown;
  for (std::size_t k = 0; k < table.columns.size(); ++k) {
    if (k == 0 || all || std::ranges::count(wanted, name_of(table.columns[k])) > 0) shown.push_back(k);
  }
  if (!by_default || layout.width == 0) return shown;
  // Drop the least important default column while the lines are too long (the name always stays).
  for (auto least = default_columns().rbegin(); least != default_columns().rend(); ++least) {
    if (grid.line_width(shown) <= layout.width) break;
    std::erase_if(shown, [&](std::size_t k) { return k != 0 && name_of(table.columns[k]) == *least; });
  }
  return shown;
}

// `text` as lines of at most `width` characters, broken at spaces (0: one line).
std::string wrapped(const std::string& text, std::size_t width) {
  if (width == 0) return text + "\n";
  std::string out, line;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && code_points(line) + 1 + code_points(word) > width) {
      out += line + "\n";
      line = "  " + word;  // continued lines are indented
    } else {
      line += (line.empty() ? "" : " ") + word;
    }
    start = end + 1;
  }
  return out + line + "\n";
}

}  // namespace

std::vector<std::string> table_column_names() {
  std::vector<std::string> names = {"all", "default"};
  for (const char* metric : {"val_accuracy", "val_r2"}) {
    const nlohmann::json compare = {{"metric", metric}};
    for (const SummaryColumn& c : summary_columns(compare)) {
      if (c.shown != Shown::kInCsvOnly && std::ranges::count(names, name_of(c)) == 0) names.push_back(name_of(c));
    }
  }
  return names;
}

void check_table_columns(const std::vector<std::string>& names) {
  const std::vector<std::string> valid = table_column_names();
  for (const std::string& name : names) {
    if (std::ranges::count(valid, name) == 0) {
      std::string list;
      for (const std::string& v : valid) list += (list.empty() ? "" : ", ") + v;
      throw InputError("--columns: " + quote_text(name) + " is not a column; give all, default, or some of " + list);
    }
    if ((name == "all" || name == "default") && names.size() > 1) {
      throw InputError("--columns: " + name + " stands alone; give it, or a list of columns");
    }
  }
}

std::string compare_table(const nlohmann::json& compare, const TableLayout& layout) {
  const SummaryTable table = summary_table(compare);
  const std::vector<std::string> labels = row_labels(table);
  const Grid grid = grid_of(table, labels);
  const std::vector<std::size_t> shown = chosen_columns(table, grid, layout);

  std::string text;
  for (const auto& row : grid.rows) {
    std::string line;
    for (const std::size_t k : shown) {
      const std::string pad(grid.widths[k] - code_points(row[k]), ' ');
      line += k == 0 ? row[k] + pad : "  " + pad + row[k];
    }
    text += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }

  // What the reader needs besides the cells, each wrapped to the width.
  text += wrapped("* marks each column's best.", layout.width);
  for (const std::size_t k : shown) {
    const SummaryColumn& c = table.columns[k];
    if (c.kind == ColumnKind::kVersus) text += wrapped(c.header + ": " + c.explanation + ".", layout.width);
    if (c.key == "epochs_to_target") text += wrapped(c.header + ": " + loss_target_note(compare), layout.width);
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (labels[r] != table.rows[r].activation) {
      text += wrapped(labels[r] + " is " + table.rows[r].activation, layout.width);
    }
  }
  std::string left_out;
  for (std::size_t k = 0; k < table.columns.size(); ++k) {
    if (std::ranges::count(shown, k) == 0) left_out += (left_out.empty() ? "" : ", ") + table.columns[k].header;
  }
  std::string absent;
  for (const std::string& name : layout.columns) {
    const bool here = std::ranges::any_of(table.columns, [&](const SummaryColumn& c) { return name_of(c) == name; });
    if (!here && name != "all" && name != "default") absent += (absent.empty() ? "" : ", ") + name;
  }
  if (!absent.empty()) text += wrapped("Not in this comparison: " + absent, layout.width);
  if (!left_out.empty()) {
    text += wrapped("Not shown: " + left_out + " (--columns all; every column is in compare.csv and report.html)",
                    layout.width);
  }
  return text;
}

}  // namespace mlp
