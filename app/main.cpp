// mlptrain: the command line. Wires the options with CLI11, runs one command, and is the one
// place where errors are caught, printed as one line, and turned into an exit code:
// 0 success, 2 bad usage/config/data, 3 training diverged, 130/143 interrupted, 1 anything else.
#include "commands.hpp"
#include "console.hpp"

#include "mlp/error.hpp"
#include "mlp/memory_budget.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>

namespace {

using namespace mlp::app;

struct GlobalOptions {
  bool quiet = false;
  std::string log_level = "info";
};

// --memory-limit, checked as it is parsed so that a bad value fails before any data is read
// ("--memory-limit: "1X" is not a memory size; ...").
void add_memory_limit_option(CLI::App& command, std::string& limit) {
  command
      .add_option("--memory-limit", limit,
                  "Refuse a network that would need more memory than SIZE, e.g. 4G, 512M or 75% (of physical memory; "
                  "default 50%)")
      ->type_name("SIZE")
      ->check([](const std::string& text) {
        try {
          mlp::parse_memory_limit(text);
          return std::string();
        } catch (const mlp::InputError& e) {
          return std::string(e.what());
        }
      });
}

void add_run_options(CLI::App& command, RunOptions& run) {
  command.add_option("-c,--config", run.config, "JSON config file (see docs/config.md)");
  command.add_option("--set", run.sets, "Override a config value by its JSON path: PATH=VALUE (repeatable)")
      ->type_name("PATH=VALUE");
  command.add_option("--out", run.out, "Output folder (default: the config's output.dir)");
  command.add_option("--threads", run.threads, "Worker threads (default: every core)")->check(CLI::Range(1, 1024));
  command.add_option("--print-every", run.print_every, "Epochs between progress lines (default: ~20 lines)")
      ->check(CLI::NonNegativeNumber);
  add_memory_limit_option(command, run.memory_limit);
}

void add_global_options(CLI::App& command, GlobalOptions& global) {
  command.add_flag("-q,--quiet", global.quiet, "Only warnings and errors");
  command.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off")->capture_default_str();
}

// "mlptrain" or "mlptrain predict": the command whose --help explains a usage error.
std::string command_path(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return "mlptrain " + sub->get_name();
  return "mlptrain";
}

std::string join_argv(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + std::string(argv[i]);
  return text;
}

int run(int argc, char** argv) {
  CLI::App app{"mlptrain: train multilayer perceptrons on CSV data and compare activation functions", "mlptrain"};
  app.set_version_flag("--version", std::string("mlptrain ") + MLP_VERSION);
  app.require_subcommand(0, 1);
  app.footer(
      "Examples:\n"
      "  mlptrain --config configs/iris.json\n"
      "  mlptrain --config configs/iris.json --set model.activation=tanh --set train.optimizer.lr=0.003\n"
      "  mlptrain predict --model runs/iris/model.json --input data/iris.csv --output -\n"
      "  mlptrain evaluate --model runs/iris/model.json --data data/iris.csv\n"
      "  mlptrain compare --config configs/iris.json --seeds 3\n"
      "  mlptrain activations");

  GlobalOptions global;
  add_global_options(app, global);
  TrainOptions top_train;
  add_run_options(app, top_train.run);

  TrainOptions train;
  CLI::App* train_cmd = app.add_subcommand("train", "Train a network from a JSON config (the default command)");
  add_run_options(*train_cmd, train.run);
  add_global_options(*train_cmd, global);
  train_cmd->add_option("--resume", train.resume,
                        "Continue the interrupted run in DIR from its checkpoint.json (see train.checkpoint_every)");
  train_cmd->footer(
      "Examples:\n"
      "  mlptrain train --config configs/iris.json --out runs/iris-tanh --set model.activation=tanh\n"
      "  mlptrain train --config configs/regression.json --threads 1 --quiet\n"
      "  mlptrain train --resume runs/regression   # after an interruption, with train.checkpoint_every > 0");

  PredictOptions predict;
  CLI::App* predict_cmd = app.add_subcommand("predict", "Predict with a saved model; CSV in, CSV or JSON out");
  predict_cmd->add_option("-m,--model", predict.model, "model.json written by train")->required();
  predict_cmd->add_option("-i,--input", predict.input, "CSV with the model's feature columns (- for stdin)")
      ->required();
  predict_cmd->add_option("-o,--output", predict.output, "Where to write predictions (- for stdout)")->required();
  predict_cmd->add_option("--id", predict.id_column, "Input column copied to the output to identify rows");
  predict_cmd->add_option("--format", predict.format, "csv or json")->check(CLI::IsMember({"csv", "json"}));
  predict_cmd->add_option("--delimiter", predict.delimiter, "Field delimiter of the input CSV");
  add_memory_limit_option(*predict_cmd, predict.memory_limit);
  add_global_options(*predict_cmd, global);
  predict_cmd->footer(
      "Examples:\n"
      "  mlptrain predict --model runs/iris/model.json --input new.csv --output predictions.csv --id sample_id\n"
      "  cat new.csv | mlptrain predict -m runs/iris/model.json -i - -o - --format json");

  EvaluateOptions evaluate;
  CLI::App* evaluate_cmd = app.add_subcommand("evaluate", "Evaluate a saved model on a labelled CSV");
  evaluate_cmd->add_option("-m,--model", evaluate.model, "model.json written by train")->required();
  evaluate_cmd->add_option("-d,--data", evaluate.data, "CSV with the model's feature and target columns")->required();
  evaluate_cmd->add_option("--format", evaluate.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  evaluate_cmd->add_option("--delimiter", evaluate.delimiter, "Field delimiter of the CSV");
  add_memory_limit_option(*evaluate_cmd, evaluate.memory_limit);
  add_global_options(*evaluate_cmd, global);
  evaluate_cmd->footer(
      "Examples:\n"
      "  mlptrain evaluate --model runs/iris/model.json --data data/iris.csv\n"
      "  mlptrain evaluate -m runs/regression/model.json -d data/regression.csv --format json");

  CompareCommandOptions compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Train one network per activation (and seed) on the same data and weights; compare them");
  add_run_options(*compare_cmd, compare.run);
  compare_cmd->get_option("--threads")
      ->description("Threads of each run (default: the cores --jobs leaves, at least 1)");
  // compare prints no epoch table, so it has no --print-every (which it would accept and ignore).
  compare_cmd->remove_option(compare_cmd->get_option("--print-every"));
  add_global_options(*compare_cmd, global);
  compare_cmd->add_option("--activations", compare.activations,
                          "Comma-separated activations, e.g. relu,tanh,leaky_relu(negative_slope=0.2)");
  compare_cmd->add_option("--seeds", compare.seeds, "Runs per activation with seeds train.seed, train.seed+1, ...")
      ->check(CLI::Range(1, 1000));
  compare_cmd->add_option("--seed-list", compare.seed_list, "Comma-separated seeds, e.g. 1,2,3");
  compare_cmd->add_option("--lr-grid", compare.lr_grid,
                          "Learning rates to try per activation; each is reported at its best, e.g. 0.1,0.01");
  compare_cmd->add_option("--init", compare.init, "same: the config's init for all; auto: each activation's own")
      ->check(CLI::IsMember({"same", "auto"}));
  compare_cmd->add_option("--baseline", compare.baseline,
                          "Activation the others are paired against: a name, or the whole spec when two entries share "
                          "the name (default relu)");
  compare_cmd->add_option("--jobs", compare.jobs, "Runs at a time (default: every core, divided by --threads)")
      ->check(CLI::Range(1, 1024));
  compare_cmd->add_option("--format", compare.format, "What to print, the benchmark's too: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  compare_cmd->add_flag("--bench-activations", compare.bench_activations,
                        "Time each activation's forward and backward pass (ns per element) instead");
  compare_cmd->footer(
      "Examples:\n"
      "  mlptrain compare --config configs/iris.json\n"
      "  mlptrain compare --config configs/deep_sigmoid.json --activations sigmoid,tanh,relu --seeds 3\n"
      "  mlptrain compare --config configs/iris.json --lr-grid 0.1,0.03,0.01 --format json > iris.json\n"
      "  mlptrain compare --bench-activations");

  ActivationsOptions activations;
  CLI::App* activations_cmd =
      app.add_subcommand("activations", "List every activation with its formula, parameters and defaults");
  activations_cmd->add_option("--format", activations.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  activations_cmd->footer("Examples:\n  mlptrain activations\n  mlptrain activations --format json");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are "errors" with exit code 0 in CLI11; real usage errors exit 2, with
    // one line like every other error (CLI11's own report takes two).
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "error: %s (see %s --help)\n", e.what(), command_path(app).c_str());
    return 2;
  }
  setup_logging(global.log_level, global.quiet);
  const std::string command_line = join_argv(argc, argv);

  if (predict_cmd->parsed()) return run_predict(predict);
  if (evaluate_cmd->parsed()) return run_evaluate(evaluate);
  if (activations_cmd->parsed()) return run_activations(activations);
  if (compare_cmd->parsed()) return run_compare(compare);
  if (train_cmd->parsed()) return run_train(train, command_line);
  if (top_train.run.config.empty()) {
    std::fputs(app.help().c_str(), stdout);
    return 2;
  }
  return run_train(top_train, command_line);
}

}  // namespace

int main(int argc, char** argv) {
  // Past the file-size limit (ulimit -f) the kernel would kill the process with SIGXFSZ; ignored,
  // write() fails with EFBIG instead and the failure is reported like any other write error.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return run(argc, argv);
  } catch (const mlp::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const mlp::DivergedError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
