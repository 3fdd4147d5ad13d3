// A finished sweep task's record, result.json: the one run of the comparison grid it made, with
// everything compare.json is written from, so that `sweep collect` rebuilds the CompareRun that
// `compare` would have held (numbers read back exactly). One writer, one reader. Private to the
// sweep module.
#pragma once

#include "mlp/compare.hpp"
#include "mlp/sweep.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlp {

struct TaskRecord {
  std::string id;
  std::string activation;  // Activation::describe() of the run's activation
  CompareRun run;          // run.activation is 0: the record's own one-entry grid
  double chance_loss = 0;  // of the run's seed (CompareResult::chance_loss of its one-seed grid)
  Task task = Task::kClassification;
  std::vector<std::string> classes;
};

// `result` is the task's one-run comparison.
std::string task_record_text(const SweepTask& task, const CompareResult& result);

// Throws InputError naming the file and JSON path when it is damaged or of another format.
TaskRecord read_task_record(const std::filesystem::path& file);

}  // namespace mlp
