// report.html of `mlptrain compare`: one self-contained page (inline CSS and SVG, no script, no
// network) with the summary table and per-epoch charts of the diagnostics that test the textbook
// claims about activation functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mlp {

// The page for a comparison, from the JSON compare_json produces (missing, null or non-finite
// values are left out of tables and charts; nothing is thrown for them). Each activation's curves
// average, epoch by epoch, its runs at the learning rate its summary reports, over seeds. The
// result is well-formed XML (XHTML-compatible HTML5) and depends only on `compare`: the same
// JSON gives the same bytes.
std::string compare_report_html(const nlohmann::json& compare);

}  // namespace mlp
