// Runs the real mlptrain binary for end-to-end tests and captures what it did.
#pragma once

#include "../temp_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlp::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs mlptrain with `args` (from the repository root, where the tests run), feeding `input` on
// stdin when given.
CliResult run_mlptrain(const std::vector<std::string>& args, const std::optional<std::string>& input = std::nullopt);

}  // namespace mlp::test
