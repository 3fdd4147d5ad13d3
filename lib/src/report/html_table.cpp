// The HTML summary table: summary_table()'s cells, the best value of each column highlighted.
#include "html_table.hpp"

#include "compare/summary_table.hpp"
#include "svg_text.hpp"

namespace mlp {

std::string summary_table_html(const nlohmann::json& compare, const std::map<std::string, std::string>& colours) {
  const SummaryTable table = summary_table(compare);
  std::string html = "<table class=\"summary\"><thead><tr>";
  for (const SummaryColumn& c : table.columns) {
    html += "<th title=\"" + svg::escape(c.explanation) + "\">" + svg::escape(c.header) + "</th>";
  }
  html += "</tr></thead><tbody>";
  for (const SummaryRow& row : table.rows) {
    html += "<tr data-activation=\"" + svg::escape(row.activation) + "\"><td class=\"name\">";
    if (const auto colour = colours.find(row.activation); colour != colours.end()) {
      html += "<span class=\"swatch\" style=\"background:" + svg::escape(colour->second) + "\"></span>";
    }
    html += svg::escape(row.cells.front().text) + "</td>";
    for (std::size_t k = 1; k < row.cells.size(); ++k) {
      html += std::string("<td class=\"") + (row.cells[k].best ? "num best" : "num") + "\">" +
              svg::escape(row.cells[k].text) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

}  // namespace mlp
