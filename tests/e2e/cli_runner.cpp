#include "cli_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace mlp::test {
namespace {

// Spawns mlptrain with stdin, stdout and stderr on the given files.
pid_t spawn_mlptrain(const std::vector<std::string>& args, const std::string& in_path, const std::string& out_path,
                     const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_strings = {MLPTRAIN_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, MLPTRAIN_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run " + std::string(MLPTRAIN_BINARY));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CliResult run_mlptrain(const std::vector<std::string>& args, const std::optional<std::string>& input) {
  // stdout and stderr go to files (no pipe to drain while waiting); stdin comes from a file.
  const TempDir io;
  const std::string in_path = (io / "stdin").string();
  const std::string out_path = (io / "stdout").string();
  const std::string err_path = (io / "stderr").string();
  write_text(in_path, input.value_or(""));
  CliResult result;
  result.exit_code = wait_for(spawn_mlptrain(args, in_path, out_path, err_path));
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

RunningMlptrain::RunningMlptrain(const std::vector<std::string>& args)
    : pid_(spawn_mlptrain(args, "/dev/null", "/dev/null", "/dev/null")) {}

RunningMlptrain::~RunningMlptrain() {
  if (!waited_) {
    kill(pid_, SIGKILL);
    wait_for(pid_);
  }
}

void RunningMlptrain::signal(int signal_number) const { kill(pid_, signal_number); }

int RunningMlptrain::wait() {
  waited_ = true;
  return wait_for(pid_);
}

}  // namespace mlp::test
