// The CPUs and memory this process may use: the CPU count from the affinity and the environment,
// with its source, and the cgroup memory limit read from fake /proc/self/cgroup and /sys/fs/cgroup
// trees (the function production runs, given other roots).
#include "mlp/error.hpp"
#include "mlp/resources.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <sched.h>

using namespace mlp;
using mlp::test::TempDir;

namespace {

std::string error_of(int affinity, const char* slurm, const char* omp) {
  try {
    choose_cpu_count(affinity, slurm, omp);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

void check_count(const CpuCount& got, int count, const std::string& source) {
  CHECK(got.count == count);
  CHECK(got.source == source);
}

// Writes `text` to `root`/`relative`, making its folders.
void put(const std::filesystem::path& root, const std::string& relative, const std::string& text) {
  std::filesystem::create_directories((root / relative).parent_path());
  mlp::test::write_text(root / relative, text);
}

}  // namespace

TEST_CASE("choose_cpu_count: the least of the affinity, SLURM_CPUS_PER_TASK and OMP_NUM_THREADS") {
  check_count(choose_cpu_count(4, nullptr, nullptr), 4, "CPU affinity");
  check_count(choose_cpu_count(4, "", ""), 4, "CPU affinity");  // set but empty: not set
  check_count(choose_cpu_count(4, "2", nullptr), 2, "SLURM_CPUS_PER_TASK");
  check_count(choose_cpu_count(4, nullptr, "3"), 3, "OMP_NUM_THREADS");
  check_count(choose_cpu_count(4, "2", "3"), 2, "SLURM_CPUS_PER_TASK");
  check_count(choose_cpu_count(4, "3", "2"), 2, "OMP_NUM_THREADS");
  check_count(choose_cpu_count(4, "2", "2"), 2, "SLURM_CPUS_PER_TASK");  // a tie names Slurm's
  check_count(choose_cpu_count(4, "4", nullptr), 4, "SLURM_CPUS_PER_TASK");
  // Never more than the affinity allows (taskset inside a larger allocation).
  check_count(choose_cpu_count(1, "8", "16"), 1, "CPU affinity");
  check_count(choose_cpu_count(2, "99999999999999999999999", nullptr), 2, "CPU affinity");
  check_count(choose_cpu_count(8, nullptr, "4,2"), 4, "OMP_NUM_THREADS");  // per nesting level
  check_count(choose_cpu_count(0, nullptr, nullptr), 1, "CPU affinity");
}

TEST_CASE("choose_cpu_count: a malformed value is an error naming the variable") {
  for (const char* bad : {"abc", "0", "-1", "2.5", " 2", "2 ", "1x", "+2"}) {
    CAPTURE(bad);
    CHECK(error_of(4, bad, nullptr) == "SLURM_CPUS_PER_TASK=\"" + std::string(bad) +
                                           "\" is not a number of CPUs (a whole number >= 1); correct or unset it, "
                                           "or give --threads (and compare's --jobs)");
    CHECK(error_of(4, nullptr, bad).starts_with("OMP_NUM_THREADS=\"" + std::string(bad) + "\" is not a number"));
  }
  CHECK(error_of(4, nullptr, ",2").starts_with("OMP_NUM_THREADS=\"\" is not a number of CPUs"));
}

TEST_CASE("affinity_cpu_count is the CPUs sched_getaffinity allows, and available_cpus stays within it") {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  CHECK(affinity_cpu_count() == CPU_COUNT(&set));
  CHECK(available_cpus().count >= 1);
  CHECK(available_cpus().count <= affinity_cpu_count());
}

TEST_CASE("cgroup_memory_limit: v2 memory.max, the lowest on the path from the root") {
  TempDir dir;
  const auto root = dir.path() / "sys";
  put(dir.path(), "cgroup", "0::/job/step\n");
  put(root, "memory.max", "max\n");
  put(root, "job/memory.max", "8589934592\n");
  put(root, "job/step/memory.max", "max\n");
  std::optional<MemorySize> limit = cgroup_memory_limit(dir / "cgroup", root);
  REQUIRE(limit);
  CHECK(limit->bytes == 8589934592);
  CHECK(limit->source == "cgroup memory.max");

  put(root, "job/step/memory.max", "1073741824\n");
  CHECK(cgroup_memory_limit(dir / "cgroup", root)->bytes == 1073741824);

  SUBCASE("no limit anywhere") {
    put(root, "job/memory.max", "max\n");
    put(root, "job/step/memory.max", "max\n");
    CHECK_FALSE(cgroup_memory_limit(dir / "cgroup", root));
  }
  SUBCASE("a container sees its own cgroup at the root: the folders that do not exist are skipped") {
    put(dir.path(), "cgroup", "0::/elsewhere/not/mounted\n");
    put(root, "memory.max", "536870912\n");
    CHECK(cgroup_memory_limit(dir / "cgroup", root)->bytes == 536870912);
  }
  SUBCASE("an unreadable value is no limit") {
    put(root, "job/memory.max", "lots\n");
    put(root, "job/step/memory.max", "12abc\n");
    CHECK_FALSE(cgroup_memory_limit(dir / "cgroup", root));
  }
}

TEST_CASE("cgroup_memory_limit: v1 memory.limit_in_bytes, and the lower of v1 and v2 on a hybrid system") {
  TempDir dir;
  const auto root = dir.path() / "sys";
  put(dir.path(), "cgroup", "9:name=systemd:/\n4:memory,kmem:/slurm/job_7\n3:cpuset:/\n0::/\n");
  put(root, "memory/memory.limit_in_bytes", "9223372036854771712\n");  // v1's "no limit"
  CHECK_FALSE(cgroup_memory_limit(dir / "cgroup", root));
  put(root, "memory/slurm/job_7/memory.limit_in_bytes", "2147483648\n");
  std::optional<MemorySize> limit = cgroup_memory_limit(dir / "cgroup", root);
  REQUIRE(limit);
  CHECK(limit->bytes == 2147483648);
  CHECK(limit->source == "cgroup memory.limit_in_bytes");

  put(root, "memory.max", "1073741824\n");  // the v2 root of "0::/"
  limit = cgroup_memory_limit(dir / "cgroup", root);
  CHECK(limit->bytes == 1073741824);
  CHECK(limit->source == "cgroup memory.max");

  CHECK_FALSE(cgroup_memory_limit(dir / "no such file", root));
  put(dir.path(), "cgroup", "garbage\n4:memory:\n");
  CHECK_FALSE(cgroup_memory_limit(dir / "cgroup", dir / "nothing"));
}

TEST_CASE("usable_memory is physical memory or the cgroup's lower limit") {
  const MemorySize usable = usable_memory();
  CHECK(usable.bytes > 0);
  CHECK(usable.bytes <= physical_memory_bytes());
  const std::optional<MemorySize> cgroup = cgroup_memory_limit("/proc/self/cgroup", "/sys/fs/cgroup");
  if (cgroup && cgroup->bytes < physical_memory_bytes()) {
    CHECK(usable.bytes == cgroup->bytes);
    CHECK(usable.source == cgroup->source);
  } else {
    CHECK(usable.bytes == physical_memory_bytes());
    CHECK(usable.source == "physical memory");
  }
}
