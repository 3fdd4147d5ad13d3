#include "cli.hpp"

#include "build_info.hpp"
#include "cli_options.hpp"

#include "mlp/error.hpp"
#include "mlp/memory_budget.hpp"

namespace mlp::app {

namespace {

// --missing of predict and evaluate: what an empty cell, or a feature column the file lacks, becomes.
void add_missing_option(CLI::App& command, std::string& missing) {
  command
      .add_option("--missing", missing,
                  "impute (default): an empty cell, or a feature column the file lacks, is filled in as the model's "
                  "columns say (a model of format 1 or 2 has no fill values: an error); error: either is an error "
                  "naming it")
      ->check(CLI::IsMember({"impute", "error"}));
}

// --threads of train, compare, predict and evaluate.
void add_threads_option(CLI::App& command, int& threads) {
  command
      .add_option("--threads", threads,
                  "Worker threads, also for reading a large data file in parts (default: the CPUs this process may "
                  "use: its CPU affinity, or SLURM_CPUS_PER_TASK or OMP_NUM_THREADS when lower)")
      ->check(CLI::Range(1, 1024));
}

// The options of every command that reads a config: train and compare. Returns them.
std::vector<const CLI::Option*> add_run_options(CLI::App& command, RunOptions& run) {
  command.add_option("-c,--config", run.config, "JSON config file (see docs/config.md)");
  command.add_option("--set", run.sets, "Override a config value by its JSON path: PATH=VALUE (repeatable)")
      ->type_name("PATH=VALUE");
  command.add_option("--out", run.out, "Output folder (default: the config's output.dir)");
  add_threads_option(command, run.threads);
  command.add_option("--print-every", run.print_every, "Epochs between progress lines (default: ~20 lines)")
      ->check(CLI::NonNegativeNumber);
  add_memory_limit_option(command, run.memory_limit);
  std::vector<const CLI::Option*> options;
  for (const char* name : {"--config", "--set", "--out", "--threads", "--print-every", "--memory-limit"}) {
    options.push_back(command.get_option(name));
  }
  return options;
}

}  // namespace

void add_memory_limit_option(CLI::App& command, std::string& limit) {
  command
      .add_option("--memory-limit", limit,
                  "Refuse a network that would need more memory than SIZE, e.g. 4G, 512M or 75% (of the memory this "
                  "process may use: physical memory, or its cgroup's limit when lower; default 50%)")
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

void add_global_options(CLI::App& command, GlobalOptions& global) {
  command.add_flag("-q,--quiet", global.quiet, "Only warnings and errors");
  command.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off")->capture_default_str();
}

CommandLine::CommandLine()
    : app_("mlptrain: train multilayer perceptrons on CSV data and compare activation functions", "mlptrain") {
  app_.set_version_flag("--version", version_text(),
                        "Print the version, commit, compiler, build flags and instruction set, and exit");
  app_.require_subcommand(0, 1);
  app_.footer(
      "Examples:\n"
      "  mlptrain --config configs/iris.json\n"
      "  mlptrain --config configs/iris.json --set model.activation=tanh --set train.optimizer.lr=0.003\n"
      "  mlptrain predict --model runs/iris/model.json --input data/iris.csv --output -\n"
      "  mlptrain evaluate --model runs/iris/model.json --data data/iris.csv\n"
      "  mlptrain export --model runs/iris/model.json --format onnx --output iris.onnx\n"
      "  mlptrain compare --config configs/iris.json --seeds 3\n"
      "  mlptrain sweep plan sweeps/iris.json runs/iris-sweep\n"
      "  mlptrain activations");
  add_global_options(app_, global);
  top_run_options_ = add_run_options(app_, top_train_.run);
  add_train();
  add_predict();
  add_evaluate();
  add_export();
  add_compare();
  add_activations();
  add_sweep();
}

void CommandLine::add_train() {
  CLI::App* command = app_.add_subcommand("train", "Train a network from a JSON config (the default command)");
  subcommands_.emplace_back(command, Command::kTrain);
  add_run_options(*command, train.run);
  add_global_options(*command, global);
  command->add_option("--resume", train.resume,
                      "Continue the interrupted run in DIR from its checkpoint.json (see train.checkpoint_every)");
  command->footer(
      "Examples:\n"
      "  mlptrain train --config configs/iris.json --out runs/iris-tanh --set model.activation=tanh\n"
      "  mlptrain train --config configs/regression.json --threads 1 --quiet\n"
      "  mlptrain train --resume runs/regression   # after an interruption, with train.checkpoint_every > 0");
}

void CommandLine::add_predict() {
  CLI::App* command = app_.add_subcommand("predict", "Predict with a saved model; CSV in, CSV or JSON out");
  subcommands_.emplace_back(command, Command::kPredict);
  command->add_option("-m,--model", predict.model, "model.json written by train")->required();
  command->add_option("-i,--input", predict.input, "CSV with the model's feature columns (- for stdin)")->required();
  command->add_option("-o,--output", predict.output, "Where to write predictions (- for stdout)")->required();
  command->add_option("--id", predict.id_column, "Input column copied to the output to identify rows");
  command->add_option("--format", predict.format, "csv or json")->check(CLI::IsMember({"csv", "json"}));
  command->add_option("--delimiter", predict.delimiter, "Field delimiter of the input CSV");
  add_missing_option(*command, predict.missing);
  add_memory_limit_option(*command, predict.memory_limit);
  add_threads_option(*command, predict.threads);
  add_global_options(*command, global);
  command->footer(
      "Examples:\n"
      "  mlptrain predict --model runs/iris/model.json --input new.csv --output predictions.csv --id sample_id\n"
      "  cat new.csv | mlptrain predict -m runs/iris/model.json -i - -o - --format json");
}

void CommandLine::add_evaluate() {
  CLI::App* command = app_.add_subcommand("evaluate", "Evaluate a saved model on a labelled CSV");
  subcommands_.emplace_back(command, Command::kEvaluate);
  command->add_option("-m,--model", evaluate.model, "model.json written by train")->required();
  command->add_option("-d,--data", evaluate.data, "CSV with the model's feature and target columns")->required();
  command->add_option("--format", evaluate.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  command->add_option("--delimiter", evaluate.delimiter, "Field delimiter of the CSV");
  add_missing_option(*command, evaluate.missing);
  add_memory_limit_option(*command, evaluate.memory_limit);
  add_threads_option(*command, evaluate.threads);
  add_global_options(*command, global);
  command->footer(
      "Examples:\n"
      "  mlptrain evaluate --model runs/iris/model.json --data data/iris.csv\n"
      "  mlptrain evaluate -m runs/regression/model.json -d data/regression.csv --format json");
}

void CommandLine::add_export() {
  CLI::App* command =
      app_.add_subcommand("export", "Write a saved model in another format: ONNX, for any ONNX runtime");
  subcommands_.emplace_back(command, Command::kExport);
  command->add_option("-m,--model", export_model.model, "model.json written by train")->required();
  command
      ->add_option("--format", export_model.format,
                   "onnx: the whole pipeline (empty cells, one-hot levels, standardisation, network, probabilities "
                   "or values in the data's units) as one ONNX graph, opset 17 (see docs/model-format.md)")
      ->required()
      ->check(CLI::IsMember({"onnx"}));
  command->add_option("-o,--output", export_model.output, "Where to write the exported model")->required();
  add_memory_limit_option(*command, export_model.memory_limit);
  add_global_options(*command, global);
  command->footer("Example:\n  mlptrain export --model runs/iris/model.json --format onnx --output iris.onnx");
}

void CommandLine::add_compare() {
  CLI::App* command = app_.add_subcommand(
      "compare", "Train one network per activation (and seed) on the same data and weights; compare them");
  subcommands_.emplace_back(command, Command::kCompare);
  add_run_options(*command, compare.run);
  command->get_option("--threads")->description("Threads of each run (default: the CPUs --jobs leaves, at least 1)");
  command->get_option("--out")->description(
      "Output folder for compare.json, compare.csv, curves.csv, runs.csv and report.html (default: the config's "
      "output.dir; see docs/outputs.md)");
  // compare prints no epoch table, so it has no --print-every (which it would accept and ignore).
  command->remove_option(command->get_option("--print-every"));
  add_global_options(*command, global);
  command->add_option("--activations", compare.activations,
                      "Comma-separated activations, e.g. relu,tanh,leaky_relu(negative_slope=0.2); a formula "
                      "stands for itself: 'relu,x * sigmoid(x)'");
  command->add_option("--seeds", compare.seeds, "Runs per activation with seeds train.seed, train.seed+1, ...")
      ->check(CLI::Range(1, 1000));
  command->add_option("--seed-list", compare.seed_list, "Comma-separated seeds, e.g. 1,2,3");
  command->add_option("--lr-grid", compare.lr_grid,
                      "Learning rates to try per activation; each is reported at its best, e.g. 0.1,0.01");
  command->add_option("--init", compare.init, "same: the config's init for all; auto: each activation's own")
      ->check(CLI::IsMember({"same", "auto"}));
  command->add_option("--baseline", compare.baseline,
                      "Activation the others are paired against: a name, or the whole spec when two entries share "
                      "the name (default relu)");
  command
      ->add_option("--jobs", compare.jobs,
                   "Runs at a time (default: the CPUs this process may use, as for --threads, divided by --threads)")
      ->check(CLI::Range(1, 1024));
  command->add_option("--format", compare.format, "What to print, the benchmark's too: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  command->add_option("--columns", compare.columns,
                      "The table's columns: default (those that fit the terminal), all, or a comma-separated list, "
                      "e.g. val_acc,final_loss,ms/epoch");
  command->add_flag("--bench-activations", compare.bench_activations,
                    "Time each activation's forward and backward pass (ns per element) instead");
  command->footer(
      "Examples:\n"
      "  mlptrain compare --config configs/iris.json\n"
      "  mlptrain compare --config configs/deep_sigmoid.json --activations sigmoid,tanh,relu --seeds 3\n"
      "  mlptrain compare --config configs/iris.json --lr-grid 0.1,0.03,0.01 --format json > iris.json\n"
      "  mlptrain compare --bench-activations");
}

void CommandLine::add_activations() {
  CLI::App* command =
      app_.add_subcommand("activations", "List every activation with its formula, parameters and defaults");
  subcommands_.emplace_back(command, Command::kActivations);
  CLI::Option* format =
      command->add_option("--format", activations.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  CLI::Option* plot = command->add_option(
      "--plot", activations.plot,
      "Draw f(x) and f'(x) on [-5, 5] into FILE instead of listing: FILE.svg (both charts) or FILE.html (a page)");
  plot->type_name("FILE")->excludes(format);
  command
      ->add_option("--activations", activations.activations,
                   "Comma-separated activations to plot, e.g. relu,tanh,prelu(init=0.1) (default: every one)")
      ->type_name("LIST")
      ->needs(plot);
  add_global_options(*command, global);
  command->footer(
      "Examples:\n  mlptrain activations\n  mlptrain activations --format json\n"
      "  mlptrain activations --plot activations.html\n"
      "  mlptrain activations --plot relu_family.svg --activations \"relu,leaky_relu(negative_slope=0.2),elu\"");
}

void CommandLine::parse(int argc, const char* const* argv) {
  app_.parse(argc, argv);
  check_option_places();
  if (app_.get_subcommands().empty()) train = top_train_;
}

// CLI11 hands the run options written before a command's name to the top level, where they mean
// `train` without its name; with a command named they would be dropped, so they are refused.
void CommandLine::check_option_places() const {
  const std::vector<CLI::App*> chosen = app_.get_subcommands();
  if (chosen.empty()) return;
  const CLI::App& command = *chosen.front();
  const std::string name = command.get_name();
  std::string flags;
  std::string usage;
  int count = 0;
  for (const CLI::Option* option : top_run_options_) {
    if (option->count() == 0) continue;
    const std::string flag = option->get_name();
    if (command.get_option_no_throw(flag) == nullptr) {
      throw InputError(flag + " is not an option of " + name + " (see mlptrain " + name + " --help)");
    }
    flags += (count++ > 0 ? ", " : "") + flag;
    usage += " " + flag + " ...";
  }
  if (count == 0) return;
  throw InputError(flags + (count == 1 ? " is an option of " : " are options of ") + name + "; write " +
                   (count == 1 ? "it" : "them") + " after the subcommand: mlptrain " + name + usage);
}

Command CommandLine::command() const {
  for (const auto& [subcommand, command] : subcommands_) {
    if (subcommand->parsed()) return command;
  }
  return top_train_.run.config.empty() ? Command::kNone : Command::kTrain;
}

std::string CommandLine::command_path() const {
  const std::vector<CLI::App*> chosen = app_.get_subcommands();
  return chosen.empty() ? "mlptrain" : "mlptrain " + chosen.front()->get_name();
}

}  // namespace mlp::app
