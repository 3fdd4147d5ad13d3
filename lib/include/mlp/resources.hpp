// The CPUs and memory this process may use: its CPU affinity (taskset, a Slurm or container CPU
// set) narrowed by SLURM_CPUS_PER_TASK and OMP_NUM_THREADS, and physical memory narrowed by its
// cgroup's memory limit. The defaults of --threads, --jobs and --memory-limit come from here, each
// with the source the log names ("1 thread (CPU affinity)").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace mlp {

// A number of CPUs and what set it: "CPU affinity", "SLURM_CPUS_PER_TASK" or "OMP_NUM_THREADS".
struct CpuCount {
  int count = 1;
  std::string source;
};

// A number of bytes and what set it: "physical memory", or "cgroup memory.max" (v2) or "cgroup
// memory.limit_in_bytes" (v1) when that limit is lower.
struct MemorySize {
  std::uint64_t bytes = 0;
  std::string source;
};

// The CPUs the calling thread may run on (sched_getaffinity); where that cannot be read,
// std::thread::hardware_concurrency; at least 1.
int affinity_cpu_count();

// The CPUs to use by default: the least of `affinity` and the values of SLURM_CPUS_PER_TASK and
// OMP_NUM_THREADS that are set (null or empty: not set), as the source that set it (on a tie, the
// variable rather than the affinity, then SLURM_CPUS_PER_TASK). Each variable is a whole number
// >= 1; OMP_NUM_THREADS may be a list ("4,2": threads per nesting level), of which the first
// counts. Throws InputError naming the variable and its value when it is anything else.
CpuCount choose_cpu_count(int affinity, const char* slurm_cpus_per_task, const char* omp_num_threads);

// choose_cpu_count for this process: affinity_cpu_count and the environment.
CpuCount available_cpus();

// The machine's physical memory in bytes (sysconf), 0 when unknown.
std::uint64_t physical_memory_bytes();

// The memory limit of the cgroup this process is in, in bytes: the lowest memory.max (cgroup v2,
// under `cgroup_root`) or memory.limit_in_bytes (v1, under `cgroup_root`/memory) of its cgroup and
// the cgroups above it, its path read from `proc_self_cgroup`. A cgroup folder that does not exist
// (a container sees its own cgroup at the root) is skipped. nullopt when no limit is set ("max")
// or nothing can be read. Production passes /proc/self/cgroup and /sys/fs/cgroup (usable_memory);
// the tests a fake tree.
std::optional<MemorySize> cgroup_memory_limit(const std::filesystem::path& proc_self_cgroup,
                                              const std::filesystem::path& cgroup_root);

// The memory this process may use: the cgroup's limit when it is below physical memory, else
// physical memory (bytes 0 when neither is known).
MemorySize usable_memory();

}  // namespace mlp
