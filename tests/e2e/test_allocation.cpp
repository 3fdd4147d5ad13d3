// Inside an allocation, through the real binary: the default thread count comes from the CPUs the
// process may run on (its affinity, as taskset or a Slurm CPU set leaves it) and from
// SLURM_CPUS_PER_TASK, and the log says which; a malformed count is an error. And --version says
// what the binary is.
#include "cli_runner.hpp"

#include <doctest/doctest.h>

#include <sched.h>

#include <cstdlib>
#include <optional>
#include <string>

using namespace mlp::test;

namespace {

// Sets (or with nullopt unsets) an environment variable that the spawned binary inherits, for
// the life of this object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? setenv(name, value->c_str(), 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// This process (and so the binary it spawns) pinned to one CPU, as `taskset -c N` does.
class ScopedOneCpu {
 public:
  ScopedOneCpu() {
    CPU_ZERO(&old_);
    REQUIRE(sched_getaffinity(0, sizeof old_, &old_) == 0);
    int first = 0;
    while (!CPU_ISSET(first, &old_)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
  }
  ~ScopedOneCpu() { sched_setaffinity(0, sizeof old_, &old_); }
  ScopedOneCpu(const ScopedOneCpu&) = delete;
  ScopedOneCpu& operator=(const ScopedOneCpu&) = delete;

 private:
  cpu_set_t old_;
};

// A one-epoch iris run; returns what it printed on stderr (the log).
CliResult train_iris(const TempDir& dir, const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"--config", "configs/iris.json",   "--set", "train.epochs=1",
                                   "--out",    (dir / "run").string()};
  args.insert(args.end(), more.begin(), more.end());
  return run_mlptrain(args);
}

}  // namespace

TEST_CASE("the default thread count is the CPUs the process may use, and the log says where it came from") {
  const ScopedEnv no_slurm("SLURM_CPUS_PER_TASK", std::nullopt);
  const ScopedEnv no_omp("OMP_NUM_THREADS", std::nullopt);
  const TempDir dir;
  SUBCASE("pinned to one CPU (taskset -c 0)") {
    const ScopedOneCpu pinned;
    const CliResult r = train_iris(dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, ", 1 thread (CPU affinity)\n"));
  }
  SUBCASE("SLURM_CPUS_PER_TASK=1") {
    const ScopedEnv slurm("SLURM_CPUS_PER_TASK", "1");
    const CliResult r = train_iris(dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, ", 1 thread (SLURM_CPUS_PER_TASK)\n"));
  }
  SUBCASE("--threads is used as given") {
    const CliResult r = train_iris(dir, {"--threads", "3"});
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, ", 3 threads (--threads)\n"));
  }
}

TEST_CASE("a malformed SLURM_CPUS_PER_TASK or OMP_NUM_THREADS is an error, unless --threads makes it moot") {
  const TempDir dir;
  const ScopedEnv no_omp("OMP_NUM_THREADS", std::nullopt);
  const ScopedEnv slurm("SLURM_CPUS_PER_TASK", "two");
  CliResult r = train_iris(dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "error: SLURM_CPUS_PER_TASK=\"two\" is not a number of CPUs (a whole number >= 1); correct or "
        "unset it, or give --threads (and compare's --jobs)\n");
  CHECK_FALSE(std::filesystem::exists(dir / "run" / "model.json"));
  r = train_iris(dir, {"--threads", "1"});
  CHECK(r.exit_code == 0);
  const ScopedEnv omp("OMP_NUM_THREADS", "0");
  r = run_mlptrain({"compare", "--config", "configs/iris.json", "--out", (dir / "cmp").string(), "--set",
                    "train.epochs=1", "--activations", "relu", "--threads", "1"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "error: OMP_NUM_THREADS=\"0\" is not a number of CPUs"));
}

TEST_CASE("--version names the version, commit, compiler, build, instruction set and matrix-product backend") {
  const CliResult r = run_mlptrain({"--version"});
  CHECK(r.exit_code == 0);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].starts_with("mlptrain "));
  CHECK(lines[1].starts_with("commit: "));
  CHECK(lines[1].size() > 8);
  CHECK(lines[2].starts_with("compiler: "));
  CHECK(lines[3].starts_with("build: "));
  CHECK(lines[4].starts_with("instruction set: "));
  CHECK(lines[5].starts_with("matrix products: "));
  CHECK(lines[5].find("Eigen 3.") != std::string::npos);
#ifdef MLP_GIT_COMMIT
  CHECK(lines[1] == std::string("commit: ") + MLP_GIT_COMMIT);
#endif
}
