// The command line of mlptrain, defined once: every subcommand and option, bound to the option
// structs of commands.hpp. main() parses argv with it and runs the chosen command. Tests build
// one to parse argument lists without running anything, and to walk every option of every
// subcommand through app() (CLI11's App: get_subcommands({}) lists the subcommands, and
// get_options() each one's options), e.g. to check that each option is documented and used.
#pragma once

#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <utility>
#include <vector>

namespace mlp::app {

// The options every command takes, before or after the command's name.
struct GlobalOptions {
  bool quiet = false;              // -q: only warnings and errors, no progress display
  std::string log_level = "info";  // --log-level
};

enum class Command { kNone, kTrain, kPredict, kEvaluate, kExport, kCompare, kActivations, kSweep };

class CommandLine {
 public:
  CommandLine();
  // CLI11 holds the address of each option's field: the object cannot be copied or moved.
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses argv (argv[0] is the program's name) into the option structs below. Throws
  // CLI::ParseError for --help and --version (exit code 0) and for usage errors, and InputError
  // for an option of a command written before the command's name (`mlptrain --out x train`),
  // which would otherwise be dropped without a word.
  void parse(int argc, const char* const* argv);

  // The command chosen: kTrain also for `mlptrain --config FILE` without a command name; kNone
  // when there is neither a command nor --config.
  Command command() const;

  // The command whose --help explains a usage error: "mlptrain" or "mlptrain predict".
  std::string command_path() const;

  CLI::App& app() { return app_; }
  const CLI::App& app() const { return app_; }

  // What parse() filled in.
  GlobalOptions global;
  TrainOptions train;  // `train`'s options, or the ones given without a command name
  PredictOptions predict;
  EvaluateOptions evaluate;
  ExportOptions export_model;  // `export` (a keyword)
  CompareCommandOptions compare;
  ActivationsOptions activations;
  SweepOptions sweep;

 private:
  void add_train();
  void add_predict();
  void add_evaluate();
  void add_export();
  void add_compare();
  void add_activations();
  void add_sweep();  // sweep_cli.cpp
  void check_option_places() const;

  CLI::App app_;
  TrainOptions top_train_;                           // options given without a command name
  std::vector<const CLI::Option*> top_run_options_;  // their CLI11 options (not the global ones)
  std::vector<std::pair<const CLI::App*, Command>> subcommands_;
};

}  // namespace mlp::app
