// The sweep folder: sweep.json (the frozen base config, the grid and the task list) and each
// task's resolved config, written by plan_sweep and read back by load_sweep.
#include "mlp/sweep.hpp"

#include "grid.hpp"

#include "io/json_node.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"

#include <algorithm>
#include <set>

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSweepFormat = "mlptrain-sweep";
constexpr int kSweepVersion = 1;

Json sweep_json(const SweepPlan& plan) {
  Json tasks = Json::array();
  for (std::size_t i = 0; i < plan.tasks.size(); ++i) {
    tasks.push_back({{"index", i}, {"id", plan.tasks[i].id}, {"values", plan.tasks[i].values}});
  }
  return {{"format", kSweepFormat},
          {"version", kSweepVersion},
          {"config_file", plan.config_file},
          {"workdir", plan.workdir.string()},
          {"config_text", plan.config_text},
          {"set", plan.set},
          {"grid", plan.grid},
          {"tasks", tasks}};
}

// The grid of `existing` with the values of `added` it lacks appended, path by path; the paths
// must be the same, in the same order (they make up every task's id).
Json merged_grid(const Json& existing, const Json& added, const std::filesystem::path& dir) {
  std::vector<std::string> old_paths, new_paths;
  for (const auto& [path, values] : existing.items()) old_paths.push_back(path);
  for (const auto& [path, values] : added.items()) new_paths.push_back(path);
  if (old_paths != new_paths) {
    throw InputError((dir / "sweep.json").string() +
                     ": planned with other grid paths; a grid may gain values, not paths: plan into a new folder");
  }
  Json merged = existing;
  for (const auto& [path, values] : added.items()) {
    for (const Json& value : values) {
      if (std::find(merged[path].begin(), merged[path].end(), value) == merged[path].end()) {
        merged[path].push_back(value);
      }
    }
  }
  return merged;
}

}  // namespace

PlanSummary plan_sweep(SweepPlan plan, const std::filesystem::path& dir) {
  std::vector<SweepTask> tasks;
  if (std::filesystem::exists(dir / "sweep.json")) {
    SweepPlan existing = load_sweep(dir);
    if (existing.config_file != plan.config_file || existing.config_text != plan.config_text ||
        existing.set != plan.set || existing.workdir != plan.workdir) {
      throw InputError((dir / "sweep.json").string() +
                       ": planned from another config, set or folder; plan into a new folder");
    }
    plan.grid = merged_grid(existing.grid, plan.grid, dir);
    tasks = std::move(existing.tasks);
  }
  const std::size_t before = tasks.size();
  std::set<std::string> known;
  for (const SweepTask& task : tasks) known.insert(task.id);
  // The (merged) grid's combinations after the ones planned before, which keep their index.
  for (const SweepTask& task : grid_tasks(plan.grid)) {
    if (!known.contains(task.id)) tasks.push_back(task);
  }
  plan.tasks = std::move(tasks);
  // Resolved before anything is written: a bad value fails the plan, not a task hours later.
  std::vector<std::string> configs;
  for (const SweepTask& task : plan.tasks)
    configs.push_back(Json::parse(task_settings(plan, task).resolved_json).dump(2));
  ensure_writable_directory(dir / "tasks");
  for (std::size_t i = before; i < plan.tasks.size(); ++i) {
    const std::filesystem::path task_dir = dir / "tasks" / plan.tasks[i].id;
    std::filesystem::create_directories(task_dir);
    write_file_atomically(task_dir / "config.json", configs[i] + "\n");
  }
  write_file_atomically(dir / "sweep.json", sweep_json(plan).dump(2) + "\n");
  return {plan.tasks.size() - before, plan.tasks.size()};
}

SweepPlan load_sweep(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "sweep.json";
  if (!std::filesystem::exists(file)) {
    throw InputError(dir.string() + ": not a sweep folder (no sweep.json; see mlptrain sweep plan --help)");
  }
  const Json json = read_json_file(file, "sweep folder");
  const std::string source = file.string();
  const JsonNode root(json, source);
  if (root["format"].string() != kSweepFormat) root["format"].fail(std::string("expected \"") + kSweepFormat + "\"");
  if (root["version"].integer() != kSweepVersion) root["version"].fail("this mlptrain reads version 1");
  SweepPlan plan;
  plan.config_file = root["config_file"].string();
  plan.workdir = root["workdir"].string();
  plan.config_text = root["config_text"].string();
  plan.set = root["set"].json();
  plan.grid = root["grid"].json();
  const JsonNode tasks = root["tasks"];
  for (std::size_t i = 0; i < tasks.size(); ++i)
    plan.tasks.push_back({tasks[i]["id"].string(), tasks[i]["values"].json()});
  return plan;
}

}  // namespace mlp
