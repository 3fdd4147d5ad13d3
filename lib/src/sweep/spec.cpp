// The sweep file and the sweep folder's sweep.json: reading, expanding the grid into tasks with
// stable ids, and each task's settings.
#include "mlp/sweep.hpp"

#include "grid.hpp"

#include "io/json_node.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"

#include <algorithm>

namespace mlp {
namespace {

using Json = nlohmann::ordered_json;

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// A grid path: any config path but the ones the sweep itself decides (its comparison, its outputs).
void check_grid_path(const JsonNode& node, const std::string& path) {
  if (starts_with(path, "compare.") || starts_with(path, "output.")) {
    node.fail("\"" + path + "\": a sweep compares over " + kSweepActivationPath + ", " + kSweepLrPath + " and " +
              kSweepSeedPath + " and writes its own outputs; compare.* and output.* cannot be grid paths");
  }
  const JsonNode values = node[path];
  if (values.size() == 0) values.fail("expected a non-empty array of values");
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (values[i].json() == values[j].json()) values[i].fail("the same value as [" + std::to_string(j) + "]");
    }
  }
}

void check_set_path(const JsonNode& node, const std::string& path) {
  for (const char* grid_only : {"compare.activations", "compare.seeds", "compare.lr_grid"}) {
    if (path == grid_only) {
      node[path].fail(std::string("the grid decides it: give the values as grid paths (") + kSweepActivationPath +
                      ", " + kSweepSeedPath + ", " + kSweepLrPath + ")");
    }
  }
}

std::vector<Json> combinations(const Json& grid) {
  std::vector<Json> combos = {Json::object()};
  for (const auto& [path, values] : grid.items()) {
    std::vector<Json> next;
    for (const Json& combo : combos) {
      for (const Json& value : values) {
        Json extended = combo;
        extended[path] = value;
        next.push_back(std::move(extended));
      }
    }
    combos = std::move(next);
  }
  return combos;
}

}  // namespace

std::vector<SweepTask> grid_tasks(const nlohmann::ordered_json& grid) {
  std::vector<SweepTask> tasks;
  for (const Json& values : combinations(grid)) tasks.push_back({stable_task_id(values), values});
  return tasks;
}

SweepPlan read_sweep_file(const std::filesystem::path& file, const std::filesystem::path& workdir) {
  const Json json = read_json_file(file, "sweep file");
  const std::string source = file.string();
  const JsonNode root(json, source);
  root.check_keys({"config", "set", "grid"});
  SweepPlan plan;
  plan.workdir = workdir;
  plan.config_file = (file.parent_path() / root["config"].string()).lexically_normal().string();
  plan.config_text = read_text_file(plan.config_file, "config file");
  plan.set = root.has("set") ? root["set"].json() : Json::object();
  if (!plan.set.is_object()) root["set"].fail("expected an object of config paths and values");
  for (const auto& [path, value] : plan.set.items()) check_set_path(root["set"], path);
  plan.grid = root["grid"].json();
  if (!plan.grid.is_object() || plan.grid.empty()) root["grid"].fail("expected an object of config paths and arrays");
  for (const auto& [path, values] : plan.grid.items()) check_grid_path(root["grid"], path);
  plan.tasks = grid_tasks(plan.grid);
  return plan;
}

std::string stable_task_id(const nlohmann::ordered_json& values) {
  // nlohmann::json (not ordered) sorts object keys: the same values give the same text.
  const std::string text = nlohmann::json(values).dump();
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bit
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  // FNV's high bits barely depend on the last bytes ([1, 2] and [1, 3]): mixed as splitmix64 does.
  hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ULL;
  hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int shift = 60; id.size() < 12; shift -= 4) id += kHex[(hash >> shift) & 0xF];
  return id;
}

Settings task_settings(const SweepPlan& plan, const SweepTask& task) {
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& [path, value] : plan.set.items()) overrides.emplace_back(path, value.dump());
  for (const auto& [path, value] : task.values.items()) overrides.emplace_back(path, value.dump());
  const std::filesystem::path config(plan.config_file);
  return parse_config_text(plan.config_text, plan.config_file, config.parent_path(), overrides);
}

std::vector<std::size_t> shard_tasks(std::size_t tasks, std::size_t shard, std::size_t shards) {
  if (shards == 0 || shard >= shards) {
    throw InputError("--shard " + std::to_string(shard) + "/" + std::to_string(shards) +
                     ": expected i/N with 0 <= i < N");
  }
  std::vector<std::size_t> indices;
  for (std::size_t i = shard; i < tasks; i += shards) indices.push_back(i);
  return indices;
}

}  // namespace mlp
