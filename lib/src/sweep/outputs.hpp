// The files `sweep collect` writes, laid out comparison by comparison (private to the sweep
// module): compare's own files per comparison, and one runs.csv over all of them.
#pragma once

#include "mlp/sweep.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mlp {

class SweepOutputs {
 public:
  // `partial_note`: empty for a complete sweep, else what every file says about the missing tasks.
  SweepOutputs(const SweepPlan& plan, std::string partial_note);

  // A comparison's compare.json document (compare_json), written under `folder` ("" or
  // "groups/<id>/"), with its group's values and the task id of each of its runs for runs.csv.
  void add_comparison(const std::string& folder, const nlohmann::ordered_json& group, nlohmann::json compare,
                      const std::vector<std::string>& task_ids);

  // Rows of runs.csv only, for done runs no comparison holds (a partial sweep's incomplete seeds):
  // `compare` a compare_json document of just those runs.
  void add_runs(const nlohmann::ordered_json& group, const nlohmann::json& compare,
                const std::vector<std::string>& task_ids);

  std::vector<std::pair<std::string, std::string>> files() const;

 private:
  std::string partial_csv(const std::string& csv) const;

  std::vector<std::string> group_paths_;  // the grid paths that are not compared
  std::string note_;
  std::string runs_header_;
  std::string runs_rows_;
  std::vector<std::pair<std::string, std::string>> files_;
};

}  // namespace mlp
