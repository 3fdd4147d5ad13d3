// The sweep's task ids, its expansion of the grid, and its shards.
#include "mlp/sweep.hpp"

#include "sweep/grid.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace mlp;
using Json = nlohmann::ordered_json;

TEST_CASE("sweep: a task's id depends on its values, not on the order of its keys or its place in the grid") {
  const Json a = {{"model.activation", "relu"}, {"train.seed", 1}};
  const Json b = {{"train.seed", 1}, {"model.activation", "relu"}};
  CHECK(stable_task_id(a) == stable_task_id(b));
  CHECK(stable_task_id(a).size() == 12);
  CHECK(stable_task_id(a) != stable_task_id(Json{{"model.activation", "relu"}, {"train.seed", 2}}));
  CHECK(stable_task_id(a) != stable_task_id(Json{{"model.activation", "relu"}, {"train.seed", "1"}}));
}

TEST_CASE("sweep: the grid expands to every combination, the last path fastest, with distinct ids") {
  const Json grid = {{"model.activation", {"relu", "tanh"}}, {"train.seed", {1, 2, 3}}};
  const std::vector<SweepTask> tasks = grid_tasks(grid);
  REQUIRE(tasks.size() == 6);
  CHECK(tasks[0].values == Json{{"model.activation", "relu"}, {"train.seed", 1}});
  CHECK(tasks[1].values == Json{{"model.activation", "relu"}, {"train.seed", 2}});
  CHECK(tasks[5].values == Json{{"model.activation", "tanh"}, {"train.seed", 3}});
  std::set<std::string> ids;
  for (const SweepTask& task : tasks) ids.insert(task.id);
  CHECK(ids.size() == 6);
  // A value added to a list: the old combinations keep their ids.
  const std::vector<SweepTask> more =
      grid_tasks(Json{{"model.activation", {"relu", "tanh"}}, {"train.seed", {1, 2, 3, 4}}});
  for (const SweepTask& task : tasks) {
    CHECK(std::ranges::count_if(more, [&](const SweepTask& t) { return t.id == task.id; }) == 1);
  }
}

TEST_CASE("sweep: shards take every N-th task from the i-th, together each task once") {
  CHECK(shard_tasks(7, 0, 3) == std::vector<std::size_t>{0, 3, 6});
  CHECK(shard_tasks(7, 2, 3) == std::vector<std::size_t>{2, 5});
  CHECK(shard_tasks(2, 0, 1) == std::vector<std::size_t>{0, 1});
  CHECK(shard_tasks(1, 3, 4).empty());
  CHECK_THROWS_AS(shard_tasks(7, 3, 3), InputError);
  CHECK_THROWS_AS(shard_tasks(7, 0, 0), InputError);
}
