// Runs one case of the bad-input corpus (tests/bad_inputs/<case>/, described by its case.json; see
// tests/bad_inputs/README.md) through the real mlptrain binary, in a fresh temporary copy of the
// case's folder that is also the run's working directory, and checks what the run did: its exit
// code; exactly one line on stderr, "error: ...", holding every expected fragment; and nothing
// left behind: no file created, changed or removed in the folder, except those the case allows.
//
// Usage: bad_input_runner MLPTRAIN CASE_DIR
// Exit status: 0 the case passed, 1 it failed (every failed check is printed), 77 skipped (the
// case needs a tmpfs or a device node, which only root can make).
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr int kSkipped = 77;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// A temporary folder, removed with everything in it (after unmounting what the case mounted).
class Workspace {
 public:
  Workspace() {
    std::string pattern = (fs::temp_directory_path() / "mlptrain_bad_input_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() {
    for (const fs::path& mount : mounts_) ::umount2(mount.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path case_dir() const { return root_ / "case"; }
  fs::path io_dir() const { return root_ / "io"; }
  fs::path no_input() const { return root_ / "io" / "empty"; }  // stdin of runs without one
  void mounted(const fs::path& path) { mounts_.push_back(path); }

 private:
  fs::path root_;
  std::vector<fs::path> mounts_;
};

struct Limits {
  std::optional<rlim_t> file_size;
};

struct RunResult {
  int exit_code = -1;
  std::string err;
};

// Runs mlptrain in `dir` with stdin from `stdin_path`, under `limits`.
RunResult run(const std::string& binary, const std::vector<std::string>& args, const fs::path& dir,
              const fs::path& stdin_path, const fs::path& io, const Limits& limits) {
  const fs::path out_path = io / "stdout";
  const fs::path err_path = io / "stderr";
  std::vector<std::string> strings = {binary};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    const int in = ::open(stdin_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || ::chdir(dir.c_str()) != 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (limits.file_size) {
      const rlimit limit{*limits.file_size, *limits.file_size};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = read_file(err_path);
  return result;
}

// Every entry under `dir`, by relative path: a regular file's content, or a marker for anything
// else (a folder, the case's device node, which must not be read).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(entry.path(), dir).string();
    if (entry.is_regular_file()) {
      entries[name] = read_file(entry.path());
    } else {
      entries[name] = entry.is_directory() ? "<folder>" : "<special>";
    }
  }
  return entries;
}

// The case's big files, made from pieces: {"name": [{"text": "...", "repeat": N}, ...]}.
void generate(const Json& spec, const fs::path& dir) {
  for (const auto& [name, pieces] : spec.items()) {
    std::string text;
    for (const Json& piece : pieces) {
      const std::string part = piece.at("text").get<std::string>();
      const long repeat = piece.value("repeat", 1L);
      text.reserve(text.size() + part.size() * static_cast<std::size_t>(repeat));
      for (long i = 0; i < repeat; ++i) text += part;
    }
    write_file(dir / name, text);
  }
}

// Mounts a small tmpfs or makes a device node as the case asks; false when this process may not.
bool prepare_special(const Json& spec, Workspace& workspace) {
  const fs::path dir = workspace.case_dir();
  if (spec.contains("tmpfs")) {
    const fs::path path = dir / spec["tmpfs"].at("path").get<std::string>();
    fs::create_directories(path);
    const std::string options = "size=" + spec["tmpfs"].at("size").get<std::string>();
    if (::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) != 0) return false;
    workspace.mounted(path);
  }
  if (spec.contains("device")) {
    const Json& device = spec["device"];
    const fs::path path = dir / device.at("path").get<std::string>();
    const dev_t number = makedev(device.at("major").get<unsigned>(), device.at("minor").get<unsigned>());
    if (::mknod(path.c_str(), S_IFCHR | 0666, number) != 0) return false;
  }
  return true;
}

std::vector<std::string> check_stderr(const std::string& err, const Json& expected) {
  std::vector<std::string> failures;
  const auto lines = std::count(err.begin(), err.end(), '\n');
  if (err.empty() || err.back() != '\n' || lines != 1) {
    failures.push_back("stderr is not exactly one line (" + std::to_string(lines) + " line breaks)");
  }
  if (err.rfind("error: ", 0) != 0) failures.push_back("stderr does not start with \"error: \"");
  const std::vector<std::string> fragments =
      expected.is_array() ? expected.get<std::vector<std::string>>() : std::vector<std::string>{expected};
  for (const std::string& fragment : fragments) {
    if (err.find(fragment) == std::string::npos) failures.push_back("stderr lacks: " + fragment);
  }
  return failures;
}

// What the run left behind that it should not have.
std::vector<std::string> check_left_behind(const std::map<std::string, std::string>& before,
                                           const std::map<std::string, std::string>& after,
                                           const std::set<std::string>& may_leave) {
  std::vector<std::string> failures;
  for (const auto& [name, content] : after) {
    const auto old = before.find(name);
    if (old == before.end() && fs::path(name).filename().string().starts_with(".")) {
      failures.push_back("temporary file left: " + name);  // write_file_atomically's ".<name>.tmp.*"
    } else if (content == "<folder>" || may_leave.contains(name)) {
      continue;  // an empty output folder is allowed; what is in it is checked on its own
    } else if (old == before.end()) {
      failures.push_back("left behind: " + name);
    } else if (old->second != content) {
      failures.push_back("changed: " + name);
    }
  }
  for (const auto& [name, content] : before) {
    if (!after.contains(name)) failures.push_back("removed: " + name);
  }
  return failures;
}

// A misspelt key would silently drop a check, so every key must be a known one.
void check_keys(const Json& spec) {
  static const std::set<std::string> kKnown = {"note",  "args",   "exit_code", "stderr",
                                               "stdin", "setup",  "generate",  "file_size_limit",
                                               "tmpfs", "device", "may_leave"};
  for (const auto& item : spec.items()) {
    if (!kKnown.contains(item.key())) throw std::runtime_error("case.json: unknown key \"" + item.key() + "\"");
  }
}

// Fills the workspace: a copy of the case, its generated files, its tmpfs or device, and what its
// setup runs make. Returns the status to end with (skipped, or a failed setup), or nothing.
std::optional<int> prepare(const std::string& binary, const Json& spec, const fs::path& source, Workspace& workspace) {
  const fs::path dir = workspace.case_dir();
  fs::copy(source, dir, fs::copy_options::recursive);
  fs::remove(dir / "case.json");
  fs::create_directory(workspace.io_dir());
  write_file(workspace.no_input(), "");
  if (spec.contains("generate")) generate(spec["generate"], dir);
  if (!prepare_special(spec, workspace)) {
    std::cout << "skipped: this process may not mount a tmpfs or make a device node (" << std::strerror(errno) << ")\n";
    return kSkipped;
  }
  for (const Json& args : spec.value("setup", Json::array())) {
    const auto setup =
        run(binary, args.get<std::vector<std::string>>(), dir, workspace.no_input(), workspace.io_dir(), {});
    if (setup.exit_code != 0) {
      std::cout << "setup " << args.dump() << " failed with exit code " << setup.exit_code << ":\n" << setup.err;
      return 1;
    }
  }
  return std::nullopt;
}

int run_case(const std::string& binary, const fs::path& source) {
  const Json spec = Json::parse(read_file(source / "case.json"));
  check_keys(spec);
  Workspace workspace;
  if (const std::optional<int> status = prepare(binary, spec, source, workspace)) return *status;
  const fs::path dir = workspace.case_dir();
  const auto before = snapshot(dir);
  Limits limits;
  if (spec.contains("file_size_limit")) limits.file_size = spec["file_size_limit"].get<rlim_t>();
  const fs::path input = spec.contains("stdin") ? dir / spec["stdin"].get<std::string>() : workspace.no_input();
  const RunResult result =
      run(binary, spec.at("args").get<std::vector<std::string>>(), dir, input, workspace.io_dir(), limits);

  std::vector<std::string> failures;
  const int expected_code = spec.at("exit_code").get<int>();
  if (result.exit_code != expected_code) {
    failures.push_back("exit code " + std::to_string(result.exit_code) + ", expected " + std::to_string(expected_code));
  }
  for (std::string& f : check_stderr(result.err, spec.at("stderr"))) failures.push_back(std::move(f));
  const auto may_leave = spec.value("may_leave", std::set<std::string>{});
  for (std::string& f : check_left_behind(before, snapshot(dir), may_leave)) failures.push_back(std::move(f));

  std::cout << "mlptrain " << spec.at("args").dump() << "\nexit code " << result.exit_code << ", stderr:\n"
            << result.err;
  for (const std::string& failure : failures) std::cout << "FAILED: " << failure << "\n";
  return failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bad_input_runner MLPTRAIN CASE_DIR\n";
    return 2;
  }
  try {
    // Absolute: the run changes into the case folder before it starts mlptrain.
    return run_case(fs::absolute(argv[1]).string(), argv[2]);
  } catch (const std::exception& e) {
    std::cout << "FAILED: the case could not be run: " << e.what() << "\n";
    return 1;
  }
}
