#include "outputs.hpp"

#include "mlp/csv.hpp"
#include "mlp/report_html.hpp"

namespace mlp {
namespace {

// The records of a CSV text, each without its line break (a quoted field may hold one).
std::vector<std::string> csv_records(const std::string& csv) {
  std::vector<std::string> records;
  std::string record;
  bool quoted = false;
  for (const char c : csv) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      records.push_back(std::move(record));
      record.clear();
    } else {
      record += c;
    }
  }
  if (!record.empty()) records.push_back(std::move(record));
  return records;
}

std::string value_field(const nlohmann::ordered_json& value) {
  return csv_field(value.is_string() ? value.get<std::string>() : value.dump());
}

std::string html_text(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    escaped += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  }
  return escaped;
}

}  // namespace

SweepOutputs::SweepOutputs(const SweepPlan& plan, std::string partial_note) : note_(std::move(partial_note)) {
  for (const auto& [path, values] : plan.grid.items()) {
    if (path != kSweepActivationPath && path != kSweepLrPath && path != kSweepSeedPath) group_paths_.push_back(path);
  }
}

void SweepOutputs::add_comparison(const std::string& folder, const nlohmann::ordered_json& group,
                                  nlohmann::json compare, const std::vector<std::string>& task_ids) {
  if (!note_.empty()) compare["sweep"] = {{"partial", true}, {"note", note_}};
  std::string html = compare_report_html(compare);
  if (!note_.empty()) {
    const std::size_t body = html.find("<body>");
    const std::size_t at = body == std::string::npos ? 0 : body + 6;
    html.insert(at, "<p><strong>" + html_text(note_) + "</strong></p>\n");
  }
  files_.emplace_back(folder + "compare.json", compare.dump(2) + "\n");
  files_.emplace_back(folder + "compare.csv", partial_csv(compare_csv(compare)));
  files_.emplace_back(folder + "curves.csv", partial_csv(curves_csv(compare)));
  files_.emplace_back(folder + "report.html", html);
  add_runs(group, compare, task_ids);
}

void SweepOutputs::add_runs(const nlohmann::ordered_json& group, const nlohmann::json& compare,
                            const std::vector<std::string>& task_ids) {
  const std::vector<std::string> runs = csv_records(runs_csv(compare));
  std::string prefix;
  if (runs_header_.empty()) {
    runs_header_ = "task";
    for (const std::string& path : group_paths_) runs_header_ += "," + csv_field(path);
    runs_header_ += "," + runs.front() + "\n";
  }
  for (const std::string& path : group_paths_) prefix += "," + value_field(group[path]);
  for (std::size_t r = 1; r < runs.size(); ++r) runs_rows_ += task_ids[r - 1] + prefix + "," + runs[r] + "\n";
}

std::vector<std::pair<std::string, std::string>> SweepOutputs::files() const {
  std::vector<std::pair<std::string, std::string>> files = files_;
  if (!runs_header_.empty()) files.emplace_back("runs.csv", partial_csv(runs_header_ + runs_rows_));
  return files;
}

// A partial sweep's CSV says so in a last column, "sweep", on every row.
std::string SweepOutputs::partial_csv(const std::string& csv) const {
  if (note_.empty()) return csv;
  std::string marked;
  bool header = true;
  for (const std::string& record : csv_records(csv)) {
    marked += record + "," + (header ? std::string("sweep") : csv_field(note_)) + "\n";
    header = false;
  }
  return marked;
}

}  // namespace mlp
