// An optional number as JSON: the value, or null when there is none (nlohmann 3.11 has no
// conversion for std::optional). Records, checkpoints and compare.json all write them this way.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

namespace mlp {

template <class Json = nlohmann::json>
Json optional_json(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

}  // namespace mlp
