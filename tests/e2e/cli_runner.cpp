#include "cli_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace mlp::test {
namespace {

// Spawns mlptrain with the file actions `setup` adds (stdin, stdout and stderr).
template <class Setup>
pid_t spawn_mlptrain(const std::vector<std::string>& args, Setup setup) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  setup(actions);
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

// Spawns mlptrain with stdin, stdout and stderr on the given files.
pid_t spawn_mlptrain(const std::vector<std::string>& args, const std::string& in_path, const std::string& out_path,
                     const std::string& err_path) {
  return spawn_mlptrain(args, [&](posix_spawn_file_actions_t& actions) {
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  });
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

TerminalMlptrain::TerminalMlptrain(const std::vector<std::string>& args) {
  int child_side = -1;
  if (openpty(&terminal_, &child_side, nullptr, nullptr, nullptr) != 0) throw std::runtime_error("openpty failed");
  const std::string out_path = (io_ / "stdout").string();
  pid_ = spawn_mlptrain(args, [&](posix_spawn_file_actions_t& actions) {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, child_side, 2);
    posix_spawn_file_actions_addclose(&actions, child_side);
    posix_spawn_file_actions_addclose(&actions, terminal_);
  });
  close(child_side);
}

TerminalMlptrain::~TerminalMlptrain() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    wait_for(pid_);
  }
  close(terminal_);
}

bool TerminalMlptrain::read_some(int timeout_ms) {
  if (ended_) return false;
  pollfd ready = {terminal_, POLLIN, 0};
  if (poll(&ready, 1, timeout_ms) <= 0) return true;  // nothing yet (or EINTR): still running
  char buffer[4096];
  const ssize_t got = read(terminal_, buffer, sizeof buffer);
  if (got > 0) {
    received_.append(buffer, static_cast<std::size_t>(got));
  } else if (got == 0 || errno != EINTR) {
    ended_ = true;  // the process has ended and no one holds the other side: EIO
  }
  return !ended_;
}

bool TerminalMlptrain::read_until(const std::string& text, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (received_.find(text) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
  }
  return true;
}

void TerminalMlptrain::signal(int signal_number) const { kill(pid_, signal_number); }

CliResult TerminalMlptrain::finish() {
  // Read while it runs: a full terminal buffer would block it.
  while (read_some(-1)) {
  }
  CliResult result;
  result.exit_code = wait_for(pid_);
  pid_ = -1;
  result.out = read_text(io_ / "stdout");
  result.err = received_;
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
