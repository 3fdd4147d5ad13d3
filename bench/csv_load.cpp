// csv_load: how fast mlptrain reads a numeric CSV file, timed inside one process so that start-up,
// training and writing the model are not counted.
//
//   csv_load FILE TARGET [--trials N] [--threads T]
//
// Prints one JSON line with the median over N trials (default 3) of
//   tokenize_seconds  CsvReader alone: every record split into fields, no number parsed;
//   load_seconds      mlp::load_training_data as `mlptrain train` calls it, with the config's
//                     defaults (regression on the TARGET column, no validation split,
//                     standardised, na_values markers looked for): tokenizing, parsing
//                     every number, the feature and target matrices, standardisation; the
//                     file read in parts on T threads (default 1), as `mlptrain train
//                     --threads T` reads it.
// The file is read once before timing, so both figures are for a file in the page cache.
#include "mlp/config.hpp"
#include "mlp/csv.hpp"
#include "mlp/dataset.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

template <class Body>
double median_seconds(int trials, Body&& body) {
  std::vector<double> seconds;
  for (int t = 0; t < trials; ++t) {
    const auto start = Clock::now();
    body();
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

std::size_t count_fields(const std::filesystem::path& path) {
  mlp::CsvReader reader(path);
  std::size_t fields = 0;
  while (reader.next()) fields += reader.size();
  return fields;
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 3, threads = 1;
  bool usage = argc < 3 || argc % 2 == 0;
  for (int i = 3; i + 1 < argc && !usage; i += 2) {
    const std::string option = argv[i];
    if (option == "--trials")
      trials = std::max(1, std::atoi(argv[i + 1]));
    else if (option == "--threads")
      threads = std::max(1, std::atoi(argv[i + 1]));
    else
      usage = true;
  }
  if (usage) {
    std::fprintf(stderr, "usage: csv_load FILE TARGET [--trials N] [--threads T]\n");
    return 2;
  }
  try {
    // The data settings `mlptrain train` would use (the config's defaults: na_values markers,
    // median fill, ...), with standardisation and no validation split.
    const std::string config = R"({"data": {"train": )" + nlohmann::json(argv[1]).dump() + R"(, "target": )" +
                               nlohmann::json(argv[2]).dump() +
                               R"(, "task": "regression", "val_fraction": 0, "standardize": true}})";
    const mlp::DataSettings settings = mlp::parse_config_text(config, "csv_load", ".").data;

    std::size_t fields = count_fields(settings.train);  // also brings the file into the page cache
    const double tokenize = median_seconds(trials, [&] { fields = count_fields(settings.train); });
    mlp::Index rows = 0, columns = 0;
    const double load = median_seconds(trials, [&] {
      const mlp::TrainingData data =
          mlp::prepare_training_data(mlp::read_training_files(settings, threads), settings, 42);
      rows = data.train.size();
      columns = data.train.features.rows() + data.train.targets.rows();
    });
    const double bytes = static_cast<double>(std::filesystem::file_size(settings.train));
    std::printf(
        "{\"bytes\": %.0f, \"rows\": %ld, \"columns\": %ld, \"fields\": %zu, \"tokenize_seconds\": %.6g, "
        "\"load_seconds\": %.6g, \"load_mb_per_second\": %.6g, \"threads\": %d}\n",
        bytes, static_cast<long>(rows), static_cast<long>(columns), fields, tokenize, load, bytes / load * 1e-6,
        threads);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "csv_load: %s\n", e.what());
    return 1;
  }
  return 0;
}
