#include "mlp/resources.hpp"

#include "mlp/error.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <thread>
#include <vector>

namespace mlp {
namespace {

// A CPU count from an environment variable: digits only, at least 1; a value past what an int
// holds is as good as "more than the affinity allows".
int parse_cpu_count(const char* name, std::string_view text) {
  std::uint64_t value = 0;
  const bool digits =
      !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range) value = UINT64_MAX;
  }
  if (!digits || value == 0) {
    throw InputError(std::string(name) + "=\"" + std::string(text) +
                     "\" is not a number of CPUs (a whole number >= 1); correct or unset it, or give --threads (and "
                     "compare's --jobs)");
  }
  return static_cast<int>(std::min<std::uint64_t>(value, 1u << 30));
}

// Cgroup v1 reports "no limit" as the largest page-aligned signed 64-bit value; anything this
// large is no limit on any machine that exists.
constexpr std::uint64_t kNoLimit = std::uint64_t{1} << 62;

// The limit in a memory.max or memory.limit_in_bytes file, or nullopt for "max", no file or
// anything unreadable.
std::optional<std::uint64_t> read_limit(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value >= kNoLimit) return std::nullopt;
  return value;
}

// The lowest limit in `file` of the cgroup folder `cgroup` (a path as /proc/self/cgroup gives it)
// under `root` and of every folder above it up to `root`.
std::optional<std::uint64_t> lowest_limit(const std::filesystem::path& root, std::string_view cgroup,
                                          const char* file) {
  const std::filesystem::path relative = std::filesystem::path(cgroup).relative_path().lexically_normal();
  std::vector<std::filesystem::path> folders = {root};
  for (const std::filesystem::path& part : relative) {
    if (part == ".." || part.empty() || part == ".") break;  // nothing to read above the root
    folders.push_back(folders.back() / part);
  }
  std::optional<std::uint64_t> lowest;
  for (const std::filesystem::path& folder : folders) {
    if (const auto limit = read_limit(folder / file)) lowest = std::min(lowest.value_or(UINT64_MAX), *limit);
  }
  return lowest;
}

}  // namespace

int affinity_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  // More CPUs than a cpu_set_t holds (1024), or no affinity on this system.
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

CpuCount choose_cpu_count(int affinity, const char* slurm_cpus_per_task, const char* omp_num_threads) {
  CpuCount chosen{std::max(1, affinity), "CPU affinity"};
  // OMP_NUM_THREADS last, so that SLURM_CPUS_PER_TASK names a tie between the two.
  for (const auto& [name, value] :
       {std::pair{"OMP_NUM_THREADS", omp_num_threads}, std::pair{"SLURM_CPUS_PER_TASK", slurm_cpus_per_task}}) {
    if (value == nullptr || *value == '\0') continue;
    std::string_view text = value;
    // OMP_NUM_THREADS lists threads per nesting level; the outermost is first.
    if (std::string_view(name) == "OMP_NUM_THREADS") text = text.substr(0, text.find(','));
    const int count = parse_cpu_count(name, text);
    if (count <= chosen.count) chosen = {count, name};
  }
  return chosen;
}

CpuCount available_cpus() {
  return choose_cpu_count(affinity_cpu_count(), std::getenv("SLURM_CPUS_PER_TASK"), std::getenv("OMP_NUM_THREADS"));
}

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

std::optional<MemorySize> cgroup_memory_limit(const std::filesystem::path& proc_self_cgroup,
                                              const std::filesystem::path& cgroup_root) {
  std::ifstream in(proc_self_cgroup);
  std::optional<MemorySize> lowest;
  // Lines "hierarchy:controllers:path": "0::/path" is cgroup v2, "4:memory:/path" v1's memory
  // controller. A hybrid system may have both; the lower limit holds.
  for (std::string line; std::getline(in, line);) {
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string_view controllers = std::string_view(line).substr(first + 1, second - first - 1);
    const std::string_view path = std::string_view(line).substr(second + 1);
    std::optional<std::uint64_t> limit;
    const char* file = nullptr;
    if (line.starts_with("0::")) {
      file = "memory.max";
      limit = lowest_limit(cgroup_root, path, file);
    } else if (("," + std::string(controllers) + ",").find(",memory,") != std::string::npos) {
      file = "memory.limit_in_bytes";
      limit = lowest_limit(cgroup_root / "memory", path, file);
    }
    if (limit && (!lowest || *limit < lowest->bytes)) lowest = MemorySize{*limit, "cgroup " + std::string(file)};
  }
  return lowest;
}

MemorySize usable_memory() {
  const MemorySize physical{physical_memory_bytes(), "physical memory"};
  const std::optional<MemorySize> cgroup = cgroup_memory_limit("/proc/self/cgroup", "/sys/fs/cgroup");
  if (cgroup && (physical.bytes == 0 || cgroup->bytes < physical.bytes)) return *cgroup;
  return physical;
}

}  // namespace mlp
