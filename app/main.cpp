// mlptrain: runs one command of the command line (cli.hpp), and is the one place where errors
// are caught, printed as one line, and turned into an exit code:
// 0 success, 2 bad usage/config/data, 3 training diverged, 130/143 interrupted, 1 anything else.
#include "cli.hpp"
#include "commands.hpp"
#include "console.hpp"

#include "mlp/error.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

namespace {

using namespace mlp::app;

std::string join_argv(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + std::string(argv[i]);
  return text;
}

int run(int argc, char** argv) {
  CommandLine cli;
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are "errors" with exit code 0 in CLI11; real usage errors exit 2, with
    // one line like every other error (CLI11's own report takes two).
    if (e.get_exit_code() == 0) return cli.app().exit(e);
    // CLI11's message quotes the arguments as given, line breaks and all.
    std::fprintf(stderr, "error: %s (see %s --help)\n", mlp::one_line(e.what()).c_str(), cli.command_path().c_str());
    return 2;
  }
  setup_logging(cli.global.log_level, cli.global.quiet);
  switch (cli.command()) {
    case Command::kTrain:
      return run_train(cli.train, join_argv(argc, argv));
    case Command::kPredict:
      return run_predict(cli.predict);
    case Command::kEvaluate:
      return run_evaluate(cli.evaluate);
    case Command::kExport:
      return run_export(cli.export_model);
    case Command::kCompare:
      return run_compare(cli.compare);
    case Command::kActivations:
      return run_activations(cli.activations);
    case Command::kSweep:
      return run_sweep(cli.sweep);
    case Command::kNone:
      break;
  }
  std::fputs(cli.app().help().c_str(), stdout);
  return 2;
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
    std::fprintf(stderr, "error: %s\n", mlp::one_line(e.what()).c_str());  // not an mlp::Error: not one line by itself
    return 1;
  }
}
