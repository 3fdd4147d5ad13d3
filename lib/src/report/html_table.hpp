// The summary table of a comparison as HTML: the columns of the terminal table (compare/terminal_table.cpp)
// with the best value of each column highlighted, from the "summary" of compare.json.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace mlp {

// A <table class="summary">, one <tr data-activation="..."> per summary entry in its order (best
// first); each activation's name carries a swatch of colours[activation] (none if absent).
std::string summary_table_html(const nlohmann::json& compare, const std::map<std::string, std::string>& colours);

}  // namespace mlp
