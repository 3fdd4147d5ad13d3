// mlptrain compare: activations side by side on the user's data, and the activation cost
// micro-benchmark.
#include "commands.hpp"
#include "console.hpp"

#include "mlp/activation_bench.hpp"
#include "mlp/compare.hpp"
#include "mlp/config.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/report_html.hpp"
#include "mlp/text.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace mlp::app {
namespace {

// The comma-separated list given to `option` as a JSON array text; numbers stay numbers, names
// become strings.
std::string json_list(std::string_view option, const std::string& text, bool numbers) {
  nlohmann::json list = nlohmann::json::array();
  for (const std::string_view item : split_top_level(text)) {
    if (numbers) {
      list.push_back(nlohmann::json::parse(item, nullptr, false));
      if (list.back().is_discarded())
        throw InputError(std::string(option) + ": not a number: \"" + std::string(item) + "\"");
    } else {
      list.push_back(std::string(item));
    }
  }
  return list.dump();
}

// The command-line flags as config overrides, so they are validated exactly like the config.
std::vector<std::pair<std::string, std::string>> compare_overrides(const CompareCommandOptions& options) {
  std::vector<std::pair<std::string, std::string>> overrides = options.run.overrides();
  if (!options.activations.empty())
    overrides.emplace_back("compare.activations", json_list("--activations", options.activations, false));
  if (options.seeds > 0 && !options.seed_list.empty())
    throw InputError("compare: give --seeds or --seed-list, not both");
  if (options.seeds > 0) overrides.emplace_back("compare.seeds", std::to_string(options.seeds));
  if (!options.seed_list.empty())
    overrides.emplace_back("compare.seeds", json_list("--seed-list", options.seed_list, true));
  if (!options.lr_grid.empty())
    overrides.emplace_back("compare.lr_grid", json_list("--lr-grid", options.lr_grid, true));
  if (!options.init.empty()) overrides.emplace_back("compare.init", options.init);
  if (!options.baseline.empty()) overrides.emplace_back("compare.baseline", options.baseline);
  return overrides;
}

int run_bench(const CompareCommandOptions& options) {
  std::vector<Activation> list;
  if (options.activations.empty()) {
    for (const ActivationSpec& spec : activations()) list.push_back(Activation::with_defaults(spec.name));
  } else {
    for (const std::string_view text : split_top_level(options.activations)) list.push_back(parse_activation(text));
  }
  spdlog::info("timing forward and backward of {} activations on a 256 x 4096 float32 batch, 1 thread", list.size());
  const std::vector<ActivationCost> costs = bench_activations(list);
  if (options.format == "json") {
    std::printf("%s\n", activation_costs_json(costs).dump(2).c_str());
  } else if (options.format == "csv") {
    std::printf("%s", activation_costs_csv(costs).c_str());
  } else {
    std::printf("%s", activation_costs_table(costs).c_str());
  }
  return 0;
}

// How the runs share the CPUs this process may use (mlp::available_cpus): --jobs runs at a time,
// each on --threads threads. What is not given shares out what the other leaves (by default a
// thread per run and a run per CPU; with fewer runs than CPUs, the spare CPUs go to each run's
// threads), so that jobs x threads stays within the CPUs unless both are given. `cpus` says what
// the split was made from, for the log.
struct Spread {
  int jobs = 1;
  int threads = 1;
  std::string cpus;  // "2 CPUs, CPU affinity", or "--jobs, --threads" when both are given
};

Spread jobs_and_threads(const CompareCommandOptions& options, std::size_t runs) {
  const int given_threads = options.run.threads;
  if (options.jobs > 0 && given_threads > 0) return {options.jobs, given_threads, "--jobs, --threads"};
  const CpuCount cpus = available_cpus();
  int jobs = options.jobs > 0 ? options.jobs : std::max(1, cpus.count / std::max(1, given_threads));
  jobs = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(runs, 1)));
  const int threads = given_threads > 0 ? given_threads : std::max(1, cpus.count / jobs);
  return {jobs, threads, std::to_string(cpus.count) + (cpus.count == 1 ? " CPU, " : " CPUs, ") + cpus.source};
}

}  // namespace

int run_compare(const CompareCommandOptions& options) {
  if (!options.columns.empty() && (options.bench_activations || options.format != "table")) {
    throw InputError("compare: --columns chooses the table's columns; it does not apply to " +
                     std::string(options.bench_activations ? "--bench-activations" : "--format " + options.format));
  }
  if (options.bench_activations) return run_bench(options);
  // Checked before any run, so that a misspelt column costs no training.
  TableLayout table_layout{terminal_width(STDOUT_FILENO), {}};
  for (const std::string_view name : split_top_level(options.columns)) table_layout.columns.emplace_back(name);
  check_table_columns(table_layout.columns);
  if (options.run.config.empty()) throw InputError("compare: --config FILE is required (see mlptrain compare --help)");
  Settings settings = parse_config(options.run.config, compare_overrides(options));
  if (!options.run.out.empty()) settings.output.dir = options.run.out;
  ensure_writable_directory(settings.output.dir);

  const std::size_t runs = settings.compare.activations.size() *
                           std::max<std::size_t>(settings.compare.seeds.size(), 1) *
                           std::max<std::size_t>(settings.compare.lr_grid.size(), 1);
  const Spread spread = jobs_and_threads(options, runs);
  spdlog::info(
      "compare: {} activations, {} seed(s), {} rate(s): {} runs of {} epochs, {} at a time on {} thread(s) each ({})",
      settings.compare.activations.size(), std::max<std::size_t>(settings.compare.seeds.size(), 1),
      std::max<std::size_t>(settings.compare.lr_grid.size(), 1), runs, settings.train.epochs, spread.jobs,
      spread.threads, spread.cpus);
  const bool show_progress = progress_enabled();
  StatusLine progress;
  const auto start = std::chrono::steady_clock::now();
  CompareOptions compare_options;
  compare_options.on_data = print_data_notes;
  compare_options.jobs = spread.jobs;
  compare_options.threads = spread.threads;
  compare_options.memory_limit = memory_limit_or_default(options.run.memory_limit);
  compare_options.on_run_done = [&](int done, int total) {
    if (!show_progress) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.draw(format_runs_progress(done, total, elapsed));
    if (done == total) progress.finish();
  };
  const CompareResult result = run_compare(settings, compare_options);

  const nlohmann::json json = compare_json(result, settings);
  // Every file laid out before the first is written, so that a failure to lay one out leaves
  // the folder as it was instead of half a comparison (each write is atomic on its own).
  const std::pair<const char*, std::string> files[] = {{"compare.json", json.dump(2) + "\n"},
                                                       {"compare.csv", compare_csv(json)},
                                                       {"curves.csv", curves_csv(json)},
                                                       {"runs.csv", runs_csv(json)},
                                                       {"report.html", compare_report_html(json)}};
  const std::filesystem::path& dir = settings.output.dir;
  for (const auto& [name, content] : files) write_file_atomically(dir / name, content);
  spdlog::info("wrote {}/{{compare.json, compare.csv, curves.csv, runs.csv, report.html}}", dir.string());
  check_not_all_diverged(result);  // a table of nothing but "-" would say nothing

  if (options.format == "json") {
    std::printf("%s\n", json.dump(2).c_str());
  } else if (options.format == "csv") {
    std::printf("%s", compare_csv(json).c_str());
  } else {
    std::printf("%s", compare_table(json, table_layout).c_str());
  }
  return 0;
}

}  // namespace mlp::app
