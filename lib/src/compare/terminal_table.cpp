// The comparison summary as an aligned terminal table: summary_table()'s cells, the best value
// of each column marked '*'.
#include "mlp/compare.hpp"

#include "summary_table.hpp"

#include <algorithm>

namespace mlp {

std::string compare_table(const nlohmann::json& compare) {
  const SummaryTable table = summary_table(compare);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const SummaryColumn& c : table.columns) header.push_back(c.header);
  rows.push_back(header);
  for (const SummaryRow& summary_row : table.rows) {
    std::vector<std::string> row;
    for (const SummaryCell& cell : summary_row.cells) row.push_back(cell.best ? cell.text + " *" : cell.text);
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
