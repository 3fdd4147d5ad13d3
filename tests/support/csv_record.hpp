// One CSV record split into its fields, per RFC 4180, for tests that read the CSV files mlptrain
// writes (compare.csv, curves.csv, runs.csv): those have no line breaks inside fields.
#pragma once

#include <string>
#include <vector>

namespace mlp::test {

inline std::vector<std::string> csv_record(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += line[++i];
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (line[i] == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += line[i];
    }
  }
  return fields;
}

}  // namespace mlp::test
