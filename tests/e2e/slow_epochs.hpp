// A training run whose epochs take longer than the second after which the progress bar is drawn,
// for the tests of what a terminal shows: `rows` rows one at a time through two layers of 512
// units (20000 rows: about a second per epoch in a release build, far more under sanitizers).
#pragma once

#include "temp_dir.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace mlp::test {

// Writes the data and config into `dir`; returns the arguments of the run (no command name).
inline std::vector<std::string> slow_epoch_args(const TempDir& dir, int rows, int epochs) {
  std::string csv = "a,b,c,d,y\n";
  for (int i = 0; i < rows; ++i) {
    char row[96];
    const double a = (i % 97) / 48.5 - 1, b = (i % 89) / 44.5 - 1;
    std::snprintf(row, sizeof row, "%.3f,%.3f,%.3f,%.3f,%s\n", a, b, a * b, a - b, a * b > 0 ? "p" : "q");
    csv += row;
  }
  dir.write("data.csv", csv);
  dir.write("config.json", R"({"data": {"train": ")" + (dir / "data.csv").string() +
                               R"("}, "model": {"hidden": [512, 512]}, "train": {"epochs": )" + std::to_string(epochs) +
                               R"(, "batch_size": 1, "optimizer": {"name": "sgd", "lr": 0.01}}})");
  return {"--config", (dir / "config.json").string(), "--out", (dir / "run").string(), "--threads", "1"};
}

}  // namespace mlp::test
