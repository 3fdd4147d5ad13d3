// The grid's tasks (private to the sweep module).
#pragma once

#include "mlp/sweep.hpp"

#include <vector>

namespace mlp {

// Every combination of the grid's values, the last path varying fastest, each with its id.
std::vector<SweepTask> grid_tasks(const nlohmann::ordered_json& grid);

}  // namespace mlp
