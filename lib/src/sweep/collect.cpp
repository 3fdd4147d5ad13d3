// `sweep collect`: the tasks' records assembled, group by group, into the CompareResult that
// `compare` over the same grid would have made, then written by compare's own writers.
#include "mlp/sweep.hpp"

#include "outputs.hpp"
#include "task_record.hpp"

#include "mlp/error.hpp"
#include "mlp/report_html.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

bool compared_path(const std::string& path) {
  return path == kSweepActivationPath || path == kSweepLrPath || path == kSweepSeedPath;
}

// The task's values of the grid paths that are not compared: which comparison it belongs to.
Json group_of(const SweepTask& task) {
  Json group = Json::object();
  for (const auto& [path, value] : task.values.items()) {
    if (!compared_path(path)) group[path] = value;
  }
  return group;
}

// The settings of `mlptrain compare --config <config> --set <set and group values> --activations
// <grid> --lr-grid <grid> --seed-list <grid>`: what compare.json records as the comparison's config.
Settings comparison_settings(const SweepPlan& plan, const Json& group) {
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& [path, value] : plan.set.items()) overrides.emplace_back(path, value.dump());
  for (const auto& [path, value] : group.items()) overrides.emplace_back(path, value.dump());
  if (plan.grid.contains(kSweepActivationPath)) {
    overrides.emplace_back("compare.activations", plan.grid[kSweepActivationPath].dump());
  } else {
    const Settings base = task_settings(plan, {"", group});
    const Json resolved = Json::parse(base.resolved_json);
    overrides.emplace_back("compare.activations", Json::array({resolved["model"]["activation"]}).dump());
  }
  if (plan.grid.contains(kSweepLrPath)) overrides.emplace_back("compare.lr_grid", plan.grid[kSweepLrPath].dump());
  if (plan.grid.contains(kSweepSeedPath)) overrides.emplace_back("compare.seeds", plan.grid[kSweepSeedPath].dump());
  const std::filesystem::path config(plan.config_file);
  return parse_config_text(plan.config_text, plan.config_file, config.parent_path(), overrides);
}

struct Comparison {
  Settings settings;
  CompareResult result;
  std::vector<std::string> task_ids;  // of result.runs, in their order
};

const TaskRecord* find_record(const std::vector<const TaskRecord*>& records, const std::string& activation,
                              std::uint64_t seed, double lr) {
  for (const TaskRecord* record : records) {
    if (record->activation == activation && record->run.seed == seed && record->run.lr == lr) return record;
  }
  return nullptr;
}

const TaskRecord* record_of(const std::vector<const TaskRecord*>& records, const CompareResult& result,
                            const CompareRun& run) {
  return find_record(records, result.activations[run.activation].describe(), run.seed, run.lr);
}

// The seeds whose runs are all done: the comparison a partial sweep can make.
std::vector<std::uint64_t> complete_seeds(const std::vector<const TaskRecord*>& records, const CompareResult& grid) {
  std::vector<std::uint64_t> seeds;
  for (const std::uint64_t seed : grid.seeds) {
    bool complete = true;
    for (const CompareRun& run : grid.runs) complete = complete && (run.seed != seed || record_of(records, grid, run));
    if (complete) seeds.push_back(seed);
  }
  return seeds;
}

// Gives each run of `result` its task's record, dropping the runs no record is for, and returns
// the task ids of those kept, in their order.
std::vector<std::string> take_records(CompareResult& result, const std::vector<const TaskRecord*>& records) {
  std::vector<std::string> task_ids;
  std::erase_if(result.runs, [&](const CompareRun& run) { return record_of(records, result, run) == nullptr; });
  for (CompareRun& run : result.runs) {
    const TaskRecord* record = record_of(records, result, run);
    run.result = record->run.result;
    run.test = record->run.test;
    task_ids.push_back(record->id);
  }
  result.task = records.front()->task;
  result.classes = records.front()->classes;
  return task_ids;
}

// The comparison of a group over its seeds whose runs are all done, if any.
std::optional<Comparison> compare_group(const SweepPlan& plan, const Json& group,
                                        const std::vector<const TaskRecord*>& records) {
  Comparison c{comparison_settings(plan, group), {}, {}};
  c.result = compare_grid(c.settings);
  const std::vector<std::uint64_t> seeds = complete_seeds(records, c.result);
  if (seeds.empty()) return std::nullopt;
  if (seeds.size() < c.result.seeds.size()) {
    c.settings.compare.seeds = seeds;
    c.result = compare_grid(c.settings);
  }
  c.task_ids = take_records(c.result, records);
  // As run_compare sums it: the seeds' chance levels, each over the number of seeds, in order.
  c.result.chance_loss = 0;
  for (const std::uint64_t seed : c.result.seeds) {
    const auto same_seed = [seed](const TaskRecord* r) { return r->run.seed == seed; };
    c.result.chance_loss +=
        (*std::find_if(records.begin(), records.end(), same_seed))->chance_loss / static_cast<double>(seeds.size());
  }
  summarize_compare(c.result);
  return c;
}

// The done runs of a partial group that its comparison leaves out (those of seeds with runs still
// missing), for runs.csv, which has a row for every done task. Not summarised: their
// epochs_to_target is against the comparison's loss target (none without a comparison).
std::optional<Comparison> rest_of_group(const SweepPlan& plan, const Json& group,
                                        const std::vector<const TaskRecord*>& records,
                                        const std::optional<Comparison>& compared) {
  Comparison rest{comparison_settings(plan, group), {}, {}};
  const CompareResult grid = compare_grid(rest.settings);
  std::vector<std::uint64_t> seeds;
  for (const std::uint64_t seed : grid.seeds) {
    if (!compared ||
        std::find(compared->result.seeds.begin(), compared->result.seeds.end(), seed) == compared->result.seeds.end()) {
      seeds.push_back(seed);
    }
  }
  if (seeds.empty()) return std::nullopt;
  rest.settings.compare.seeds = seeds;
  rest.result = compare_grid(rest.settings);
  rest.task_ids = take_records(rest.result, records);
  if (rest.task_ids.empty()) return std::nullopt;
  rest.result.loss_target = compared ? compared->result.loss_target : std::numeric_limits<double>::quiet_NaN();
  return rest;
}

std::string missing_list(const SweepPlan& plan, const std::vector<std::size_t>& missing) {
  std::string list;
  for (std::size_t k = 0; k < missing.size() && k < 20; ++k) {
    list += (k ? ", " : "") + std::to_string(missing[k]) + " (" + plan.tasks[missing[k]].id + ")";
  }
  return missing.size() > 20 ? list + ", ..." : list;
}

}  // namespace

SweepCollection collect_sweep(const SweepPlan& plan, const std::filesystem::path& dir, bool partial) {
  SweepCollection out;
  std::vector<std::optional<TaskRecord>> records(plan.tasks.size());
  for (std::size_t i = 0; i < plan.tasks.size(); ++i) {
    const std::filesystem::path file = dir / "tasks" / plan.tasks[i].id / "result.json";
    if (std::filesystem::exists(file)) {
      records[i] = read_task_record(file);
    } else {
      out.missing.push_back(i);
    }
  }
  const std::string counts = std::to_string(out.missing.size()) + " of " + std::to_string(plan.tasks.size());
  if (!out.missing.empty() && !partial) {
    throw InputError(dir.string() + ": " + counts + " tasks not done: " + missing_list(plan, out.missing) +
                     "; run them (mlptrain sweep run " + dir.string() + ") or collect what is done with --partial");
  }
  const std::string note = out.missing.empty()
                               ? ""
                               : "partial sweep: " + counts + " tasks missing (" + missing_list(plan, out.missing) +
                                     "); each comparison holds the seeds whose runs are all done";
  // The groups in the order of their first task.
  std::vector<std::pair<Json, std::vector<const TaskRecord*>>> groups;
  for (std::size_t i = 0; i < plan.tasks.size(); ++i) {
    const Json group = group_of(plan.tasks[i]);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group; });
    if (it == groups.end()) {
      groups.emplace_back(group, std::vector<const TaskRecord*>{});
      it = std::prev(groups.end());
    }
    if (records[i]) it->second.push_back(&*records[i]);
  }
  SweepOutputs outputs(plan, note);
  for (const auto& [group, group_records] : groups) {
    if (group_records.empty()) continue;
    const std::optional<Comparison> c = compare_group(plan, group, group_records);
    if (c) {
      const std::string folder = groups.size() == 1 ? "" : "groups/" + stable_task_id(group) + "/";
      outputs.add_comparison(folder, group, compare_json(c->result, c->settings), c->task_ids);
      ++out.groups;
    }
    if (const std::optional<Comparison> rest = rest_of_group(plan, group, group_records, c)) {
      outputs.add_runs(group, compare_json(rest->result, rest->settings), rest->task_ids);
    }
  }
  if (out.groups == 0) {
    throw InputError(dir.string() + ": " + note +
                     "; no seed has all its runs done yet, so there is nothing to compare");
  }
  out.files = outputs.files();
  return out;
}

}  // namespace mlp
