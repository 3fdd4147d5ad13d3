// Reading the data schema of a model file; private to the model module (see model_file.hpp).
#pragma once

#include "mlp/dataset.hpp"

#include "io/json_node.hpp"

#include <cstdint>

namespace mlp {

// The schema of a model file of format `version` (1 to kModelFormatVersion): "task", "features",
// "targets" and "classes" under `root`, every key and value checked. Versions 1 and 2 leave
// DataSchema::columns empty (plain numeric columns). Throws InputError naming the JSON path.
DataSchema read_schema(const JsonNode& root, std::int64_t version);

}  // namespace mlp
