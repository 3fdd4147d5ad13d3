// The command line's definition (app/cli.hpp): what argument lists parse into, without running
// a command.
#include "cli.hpp"

#include "mlp/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mlp::app;

namespace {

// Parses `args` (without the program's name) into `cli`.
void parse(CommandLine& cli, std::vector<std::string> args) {
  args.insert(args.begin(), "mlptrain");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  cli.parse(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("without a command name, the run options are train's") {
  CommandLine cli;
  parse(cli, {"--config", "c.json", "--set", "train.epochs=2", "--out", "x", "-q"});
  CHECK(cli.command() == Command::kTrain);
  CHECK(cli.train.run.config == "c.json");
  CHECK(cli.train.run.sets == std::vector<std::string>{"train.epochs=2"});
  CHECK(cli.train.run.out == "x");
  CHECK(cli.global.quiet);
}

TEST_CASE("no command and no --config is no command (main prints the help)") {
  CommandLine cli;
  parse(cli, {"--quiet"});
  CHECK(cli.command() == Command::kNone);
}

TEST_CASE("each command is chosen by its name and fills its own options") {
  CommandLine train;
  parse(train, {"train", "--config", "c.json", "--resume", "runs/a"});
  CHECK(train.command() == Command::kTrain);
  CHECK(train.train.resume == "runs/a");

  CommandLine predict;
  parse(predict, {"predict", "-m", "m.json", "-i", "in.csv", "-o", "-", "--format", "json"});
  CHECK(predict.command() == Command::kPredict);
  CHECK(predict.predict.output == "-");
  CHECK(predict.predict.format == "json");
  CHECK(predict.command_path() == "mlptrain predict");

  CommandLine evaluate;
  parse(evaluate, {"evaluate", "-m", "m.json", "-d", "d.csv", "--log-level", "debug"});
  CHECK(evaluate.command() == Command::kEvaluate);
  CHECK(evaluate.global.log_level == "debug");

  CommandLine exported;
  parse(exported, {"export", "-m", "m.json", "--format", "onnx", "-o", "m.onnx", "--memory-limit", "1G"});
  CHECK(exported.command() == Command::kExport);
  CHECK(exported.export_model.model == "m.json");
  CHECK(exported.export_model.format == "onnx");
  CHECK(exported.export_model.output == "m.onnx");
  CHECK(exported.export_model.memory_limit == "1G");

  CommandLine compare;
  parse(compare, {"compare", "--config", "c.json", "--seeds", "3"});
  CHECK(compare.command() == Command::kCompare);
  CHECK(compare.compare.run.config == "c.json");
  CHECK(compare.compare.seeds == 3);

  CommandLine activations;
  parse(activations, {"activations", "--format", "json"});
  CHECK(activations.command() == Command::kActivations);
  CHECK(activations.activations.format == "json");

  CommandLine plot;
  parse(plot, {"activations", "--plot", "f.svg", "--activations", "relu,prelu(init=0.1)"});
  CHECK(plot.activations.plot == "f.svg");
  CHECK(plot.activations.activations == "relu,prelu(init=0.1)");
}

TEST_CASE("activations: --activations needs --plot, and --plot excludes --format") {
  CommandLine alone;
  CHECK_THROWS_AS(parse(alone, {"activations", "--activations", "relu"}), CLI::RequiresError);
  CommandLine both;
  CHECK_THROWS_AS(parse(both, {"activations", "--plot", "f.svg", "--format", "json"}), CLI::ExcludesError);
}

TEST_CASE("usage errors are CLI11's parse errors") {
  CommandLine cli;
  CHECK_THROWS_AS(parse(cli, {"--config", "c.json", "--epochs", "3"}), CLI::ParseError);
  CommandLine predict;
  CHECK_THROWS_AS(parse(predict, {"predict", "--model", "m.json"}), CLI::ParseError);  // no --input, --output
  CommandLine other_format;  // export writes ONNX only, so far
  CHECK_THROWS_AS(parse(other_format, {"export", "-m", "m.json", "--format", "torch", "-o", "m.pt"}), CLI::ParseError);
}

TEST_CASE("every option of every command has a description") {
  const CommandLine cli;
  std::vector<const CLI::App*> commands = cli.app().get_subcommands({});
  CHECK(commands.size() == 7);
  // sweep's actions (plan, run, collect, slurm, parallel) are commands of their own.
  for (const CLI::App* action : cli.app().get_subcommand("sweep")->get_subcommands({})) commands.push_back(action);
  CHECK(commands.size() == 12);
  commands.push_back(&cli.app());
  for (const CLI::App* command : commands) {
    for (const CLI::Option* option : command->get_options()) {
      INFO(command->get_name(), " ", option->get_name());
      CHECK_FALSE(option->get_description().empty());
    }
  }
}

TEST_CASE("a run option written before the command's name is refused, saying where it goes") {
  CommandLine train;
  CHECK_THROWS_WITH_AS(parse(train, {"--out", "x", "--set", "train.epochs=2", "train", "--config", "c.json"}),
                       "--set, --out are options of train; write them after the subcommand: "
                       "mlptrain train --set ... --out ...",
                       mlp::InputError);
  CommandLine compare;
  CHECK_THROWS_WITH_AS(parse(compare, {"--config", "c.json", "compare"}),
                       "--config is an option of compare; write it after the subcommand: mlptrain compare --config ...",
                       mlp::InputError);
  CommandLine predict;
  CHECK_THROWS_WITH_AS(parse(predict, {"--print-every", "2", "predict", "-m", "m.json", "-i", "in.csv", "-o", "-"}),
                       "--print-every is not an option of predict (see mlptrain predict --help)", mlp::InputError);
  CommandLine evaluate;
  CHECK_THROWS_WITH_AS(parse(evaluate, {"--threads", "2", "evaluate", "-m", "m.json", "-d", "in.csv"}),
                       "--threads is an option of evaluate; write it after the subcommand: mlptrain evaluate "
                       "--threads ...",
                       mlp::InputError);
  CommandLine activations;
  CHECK_THROWS_WITH_AS(parse(activations, {"--config", "c.json", "activations"}),
                       "--config is not an option of activations (see mlptrain activations --help)", mlp::InputError);
}

TEST_CASE("sweep: each action is chosen by its name, and takes only its own options") {
  CommandLine run;
  parse(run, {"sweep", "run", "dir", "--task", "3", "--task", "5"});
  CHECK(run.command() == Command::kSweep);
  CHECK(run.sweep.action == "run");
  CHECK(run.sweep.dir == "dir");
  CHECK(run.sweep.tasks == std::vector<std::size_t>{3, 5});
  CommandLine both;
  CHECK_THROWS_AS(parse(both, {"sweep", "run", "dir", "--task", "3", "--shard", "0/2"}), CLI::ParseError);
  CommandLine misplaced;
  CHECK_THROWS_AS(parse(misplaced, {"sweep", "collect", "dir", "--task", "3"}), CLI::ParseError);
  CommandLine no_action;
  CHECK_THROWS_AS(parse(no_action, {"sweep"}), CLI::ParseError);
}

TEST_CASE("--quiet and --log-level are taken before and after the command's name") {
  for (const bool before : {true, false}) {
    for (const std::vector<std::string>& command : {std::vector<std::string>{"train", "--config", "c.json"},
                                                    {"compare", "--config", "c.json"},
                                                    {"predict", "-m", "m.json", "-i", "in.csv", "-o", "-"},
                                                    {"evaluate", "-m", "m.json", "-d", "d.csv"},
                                                    {"activations"}}) {
      std::vector<std::string> args = command;
      const std::vector<std::string> global = {"--quiet", "--log-level", "debug"};
      args.insert(before ? args.begin() : args.end(), global.begin(), global.end());
      CommandLine cli;
      INFO(command.front(), before ? ": before" : ": after");
      REQUIRE_NOTHROW(parse(cli, args));
      CHECK(cli.global.quiet);
      CHECK(cli.global.log_level == "debug");
    }
  }
}
