// End to end through the real binary: a sweep planned, run by two workers racing on one folder,
// collected, and equal to `compare` over the same grid; resumed, extended, collected partially;
// tasks stopped and killed partway continued from their checkpoints; claims of dead workers expire.
#include "sweep_fixture.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <functional>
#include <thread>

using namespace mlp::test;

namespace {

std::size_t count_lines(const std::string& text, const std::string& part) {
  const std::vector<std::string> lines = lines_of(text);
  return static_cast<std::size_t>(
      std::ranges::count_if(lines, [&](const std::string& l) { return l.find(part) != std::string::npos; }));
}

nlohmann::json read_json(const std::filesystem::path& file) { return nlohmann::json::parse(read_text(file)); }

std::vector<std::string> task_ids(const std::filesystem::path& folder) {
  std::vector<std::string> ids;
  const nlohmann::json sweep = read_json(folder / "sweep.json");
  for (const auto& task : sweep["tasks"]) ids.push_back(task["id"].get<std::string>());
  return ids;
}

void check_same_as_compare(const std::filesystem::path& folder, const std::filesystem::path& compared) {
  CHECK(without_timing(read_json(folder / "compare.json")) == without_timing(read_json(compared / "compare.json")));
  for (const char* csv : {"compare.csv", "curves.csv"}) {
    CAPTURE(csv);
    CHECK(csv_without_timing(read_text(folder / csv)) == csv_without_timing(read_text(compared / csv)));
  }
  // runs.csv: the task's id first, then compare's columns.
  CHECK(csv_without_timing(read_text(folder / "runs.csv"), 1) == csv_without_timing(read_text(compared / "runs.csv")));
}

}  // namespace

TEST_CASE("sweep: two workers racing on one folder run every task once, and collect equals compare over the grid") {
  const IrisSweep sweep;
  REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()}).exit_code == 0);
  CHECK(task_ids(sweep.folder).size() == IrisSweep::kTasks);

  CliResult first, second;
  const std::vector<std::string> run = {"sweep", "run", sweep.folder.string(), "--shard", "0/1", "--threads", "1"};
  std::thread other([&] { second = run_mlptrain(run); });
  first = run_mlptrain(run);
  other.join();
  REQUIRE(first.exit_code == 0);
  REQUIRE(second.exit_code == 0);
  // Every task ran in exactly one of them; the other saw it claimed or done.
  CHECK(count_lines(first.err, "done in") + count_lines(second.err, "done in") == IrisSweep::kTasks);
  for (const std::string& id : task_ids(sweep.folder)) {
    CAPTURE(id);
    CHECK(std::filesystem::exists(sweep.folder / "tasks" / id / "result.json"));
    CHECK(std::filesystem::exists(sweep.folder / "tasks" / id / "config.json"));
    CHECK(!std::filesystem::exists(sweep.folder / "tasks" / id / "claim"));
  }
  const CliResult again = run_mlptrain({"sweep", "run", sweep.folder.string(), "--task", "3"});
  CHECK(again.exit_code == 0);
  CHECK(count_lines(again.err, "task 3 (" + task_ids(sweep.folder)[3] + "): already done") == 1);

  REQUIRE(run_mlptrain({"sweep", "collect", sweep.folder.string()}).exit_code == 0);
  REQUIRE(run_mlptrain(sweep.compare_args(sweep.dir / "compared")).exit_code == 0);
  check_same_as_compare(sweep.folder, sweep.dir / "compared");
}

TEST_CASE("sweep: shards split the tasks, a dead worker's claim is taken over, a live one's is not") {
  const IrisSweep sweep;
  REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()}).exit_code == 0);
  const std::vector<std::string> ids = task_ids(sweep.folder);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  // Task 0: claimed by a process of this host that is gone (no pid is that high); task 2: by
  // this test, which is alive.
  write_text(sweep.folder / "tasks" / ids[0] / "claim", std::string(host) + " 99999999\n");
  write_text(sweep.folder / "tasks" / ids[2] / "claim", std::string(host) + " " + std::to_string(getpid()) + "\n");
  const CliResult shard = run_mlptrain({"sweep", "run", sweep.folder.string(), "--shard", "0/2"});
  REQUIRE(shard.exit_code == 0);
  CHECK(count_lines(shard.err, "done in") == IrisSweep::kTasks / 2 - 1);
  CHECK(count_lines(shard.err, "task 2 (" + ids[2] + "): another worker runs it") == 1);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CAPTURE(i);
    CHECK(std::filesystem::exists(sweep.folder / "tasks" / ids[i] / "result.json") == (i % 2 == 0 && i != 2));
  }
}

TEST_CASE("sweep: an unfinished sweep is refused with its missing tasks, or collected --partial saying so") {
  const IrisSweep sweep;
  REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()}).exit_code == 0);
  const std::vector<std::string> ids = task_ids(sweep.folder);
  // Tasks 0, 3, 6 and 9 are seed 1's four runs (activation x rate); task 1 one run of seed 2.
  REQUIRE(run_mlptrain({"sweep", "run", sweep.folder.string(), "--task", "0", "--task", "3", "--task", "6", "--task",
                        "9", "--task", "1"})
              .exit_code == 0);
  const CliResult refused = run_mlptrain({"sweep", "collect", sweep.folder.string()});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("7 of 12 tasks not done: 2 (" + ids[2] + "), 4 (" + ids[4] + ")") != std::string::npos);
  CHECK(!std::filesystem::exists(sweep.folder / "compare.json"));

  REQUIRE(run_mlptrain({"sweep", "collect", sweep.folder.string(), "--partial"}).exit_code == 0);
  const nlohmann::json compare = read_json(sweep.folder / "compare.json");
  CHECK(compare["seeds"] == nlohmann::json::array({1}));
  CHECK(compare["runs"].size() == 4);
  CHECK(compare["sweep"]["partial"] == true);
  const std::string note = "partial sweep: 7 of 12 tasks missing";
  CHECK(compare["sweep"]["note"].get<std::string>().starts_with(note));
  for (const char* file : {"compare.csv", "curves.csv", "runs.csv"}) {
    CAPTURE(file);
    const std::vector<std::string> lines = lines_of(read_text(sweep.folder / file));
    CHECK(lines.front().ends_with(",sweep"));
    for (std::size_t i = 1; i < lines.size(); ++i) CHECK(lines[i].find(note) != std::string::npos);
  }
  // runs.csv has a row for every done task: seed 1's four and seed 2's one, which the comparison
  // leaves out.
  const std::vector<std::string> runs = lines_of(read_text(sweep.folder / "runs.csv"));
  REQUIRE(runs.size() == 6);
  for (const int task : {0, 3, 6, 9, 1}) {
    CAPTURE(task);
    CHECK(std::count_if(runs.begin(), runs.end(), [&](const std::string& row) {
            return row.starts_with(ids[static_cast<std::size_t>(task)] + ",");
          }) == 1);
  }
  CHECK(read_text(sweep.folder / "report.html").find(note) != std::string::npos);
}

TEST_CASE("sweep: planning again with more values keeps every task's index and id") {
  const IrisSweep sweep;
  REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()}).exit_code == 0);
  const std::vector<std::string> before = task_ids(sweep.folder);
  write_text(sweep.sweep_file, R"({"config": "c.json", "set": {"train.epochs": 3},
 "grid": {"model.activation": ["relu", "tanh"], "train.optimizer.lr": [0.01, 0.03], "train.seed": [1, 2, 3, 4]}})");
  const CliResult more = run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()});
  REQUIRE(more.exit_code == 0);
  CHECK(more.err.find("16 task(s)") != std::string::npos);
  CHECK(more.err.find("(4 new)") != std::string::npos);
  const std::vector<std::string> after = task_ids(sweep.folder);
  REQUIRE(after.size() == 16);
  CHECK(std::vector<std::string>(after.begin(), after.begin() + 12) == before);

  // A grid with another path is another sweep.
  write_text(sweep.sweep_file, R"({"config": "c.json", "grid": {"model.activation": ["relu"], "train.epochs": [2]}})");
  const CliResult other = run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("planned from another config, set or folder") != std::string::npos);
}

TEST_CASE("sweep: a sweep file's mistakes are named with the file and key") {
  const IrisSweep sweep;
  const auto plan_error = [&](const std::string& text) {
    write_text(sweep.sweep_file, text);
    const CliResult result = run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()});
    CHECK(result.exit_code == 2);
    return result.err;
  };
  CHECK(plan_error(R"({"config": "c.json", "grid": {"model.activaton": ["relu"]}})")
            .find("model.activaton: unknown key; did you mean \"activation\"?") != std::string::npos);
  CHECK(plan_error(R"({"config": "c.json", "grid": {"compare.seeds": [[1]]}})").find("compare.* and output.*") !=
        std::string::npos);
  CHECK(plan_error(R"({"config": "c.json", "grid": {"train.seed": []}})").find("grid.train.seed") != std::string::npos);
  CHECK(plan_error(R"({"config": "c.json", "grid": {"train.seed": [1, 1]}})").find("the same value") !=
        std::string::npos);
  CHECK(plan_error(R"({"config": "c.json", "grdi": {}})").find("grdi") != std::string::npos);
  CHECK(!std::filesystem::exists(sweep.folder / "sweep.json"));
}

TEST_CASE("sweep: slurm, parallel and run options each change the script, the command or the run") {
  const IrisSweep sweep;
  REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()}).exit_code == 0);
  const std::string dir = sweep.folder.string();
  REQUIRE(run_mlptrain({"sweep", "slurm", dir}).exit_code == 0);
  const std::string plain = read_text(sweep.folder / "sweep.sbatch");
  CHECK(plain.find("#SBATCH --array=0-11\n") != std::string::npos);
  CHECK(plain.find("#SBATCH --cpus-per-task=1\n") != std::string::npos);
  CHECK(plain.find("--partition") == std::string::npos);
  CHECK(plain.find("--time") == std::string::npos);
  CHECK(plain.find("--task \"$SLURM_ARRAY_TASK_ID\"") != std::string::npos);
  REQUIRE(run_mlptrain({"sweep", "slurm", dir, "--partition", "short", "--time", "00:10:00", "--cpus-per-task", "4",
                        "--max-parallel", "3"})
              .exit_code == 0);
  const std::string script = read_text(sweep.folder / "sweep.sbatch");
  for (const char* line : {"#SBATCH --array=0-11%3\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --partition=short\n",
                           "#SBATCH --time=00:10:00\n"}) {
    CHECK(script.find(line) != std::string::npos);
  }

  const std::string command = run_mlptrain({"sweep", "parallel", dir}).out;
  CHECK(command.starts_with("seq 0 11 | parallel --will-cite --joblog"));
  CHECK(command.find("--threads 1 --task {}") != std::string::npos);
  const std::string more =
      run_mlptrain({"sweep", "parallel", dir, "--sshloginfile", "hosts", "--jobs", "3", "--threads", "2"}).out;
  CHECK(more.find("--jobs 3 --sshloginfile '" + std::filesystem::absolute("hosts").string() + "'") !=
        std::string::npos);
  CHECK(more.find("--threads 2 --task {}") != std::string::npos);

  // --memory-limit: a run that would need more is refused before it starts, and leaves no claim.
  const CliResult limited = run_mlptrain({"sweep", "run", dir, "--task", "0", "--memory-limit", "1K"});
  CHECK(limited.exit_code == 2);
  CHECK(limited.err.find("memory") != std::string::npos);
  CHECK(!std::filesystem::exists(sweep.folder / "tasks" / task_ids(sweep.folder)[0] / "claim"));
  CHECK(!std::filesystem::exists(sweep.folder / "tasks" / task_ids(sweep.folder)[0] / "result.json"));
}

namespace {

// A task's record without what depends on when and where it ran: the worker, the wall times.
nlohmann::json record_without_timing(const std::filesystem::path& file) {
  nlohmann::json record = read_json(file);
  for (const char* key : {"worker", "train_seconds", "samples_per_second"}) record.erase(key);
  for (nlohmann::json& epoch : record["history"]) epoch.erase("seconds");
  return record;
}

// The epochs a task's checkpoint holds; 0 when it has none yet. (Written by rename, so a file
// that exists is whole.)
int checkpointed_epochs(const std::filesystem::path& task) {
  if (!std::filesystem::exists(task / "checkpoint.json")) return 0;
  return read_json(task / "checkpoint.json")["trainer"]["epochs_done"].get<int>();
}

bool wait_until(const std::function<bool()>& done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

TEST_CASE(
    "sweep: a task stopped by SIGTERM checkpoints and releases its claim, one killed leaves its periodic "
    "checkpoint; the next runs resume, and the result is the uninterrupted run's") {
  const IrisSweep sweep;
  write_text(sweep.sweep_file, R"({"config": "c.json", "set": {"train.epochs": 1000, "model.hidden": [128, 128]},
 "grid": {"train.seed": [1]}})");
  const std::filesystem::path whole = sweep.dir / "whole";
  for (const std::filesystem::path& folder : {sweep.folder, whole}) {
    REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), folder.string()}).exit_code == 0);
  }
  const std::string id = task_ids(sweep.folder)[0];
  const std::filesystem::path task = sweep.folder / "tasks" / id;
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run_mlptrain({"sweep", "run", whole.string(), "--threads", "1"}).exit_code == 0);
  // A quarter of the uninterrupted run: partway on this machine, whatever its speed or load.
  const auto quarter = (std::chrono::steady_clock::now() - start) / 4;

  // Stopped by SIGTERM with no periodic checkpoint due: the checkpoint is the one the signal made.
  {
    RunningMlptrain worker({"sweep", "run", sweep.folder.string(), "--threads", "1"});
    REQUIRE(wait_until([&] { return std::filesystem::exists(task / "claim"); }, 10));
    std::this_thread::sleep_for(quarter);
    worker.signal(SIGTERM);
    REQUIRE(worker.wait() == 143);
  }
  CHECK(!std::filesystem::exists(task / "claim"));
  CHECK(!std::filesystem::exists(task / "result.json"));
  const int stopped_at = checkpointed_epochs(task);
  CHECK(stopped_at > 0);

  // Killed outright, as on a node failure: its claim stays, and the checkpoint of every epoch.
  {
    RunningMlptrain worker({"sweep", "run", sweep.folder.string(), "--threads", "1", "--checkpoint-every", "0"});
    REQUIRE(wait_until([&] { return checkpointed_epochs(task) > stopped_at; }, 20));
    worker.signal(SIGKILL);
    CHECK(worker.wait() == 128 + SIGKILL);
  }
  REQUIRE(std::filesystem::exists(task / "claim"));
  REQUIRE(!std::filesystem::exists(task / "result.json"));
  const int killed_at = checkpointed_epochs(task);

  const CliResult last = run_mlptrain({"sweep", "run", sweep.folder.string(), "--threads", "1"});
  REQUIRE(last.exit_code == 0);
  CHECK(last.err.find("task 0 (" + id + "): took over the claim of ") != std::string::npos);
  CHECK(last.err.find("whose process is gone") != std::string::npos);
  CHECK(last.err.find("resumed from its checkpoint at epoch " + std::to_string(killed_at) + "\n") != std::string::npos);
  CHECK(!std::filesystem::exists(task / "checkpoint.json"));
  CHECK(!std::filesystem::exists(task / "claim"));
  CHECK(record_without_timing(task / "result.json") == record_without_timing(whole / "tasks" / id / "result.json"));
}

TEST_CASE(
    "sweep: a claim not refreshed for longer than --claim-expiry is taken over, whatever its host; a fresh "
    "one is not") {
  const IrisSweep sweep;
  write_text(sweep.sweep_file, R"({"config": "c.json", "set": {"train.epochs": 2}, "grid": {"train.seed": [1, 2]}})");
  REQUIRE(run_mlptrain({"sweep", "plan", sweep.sweep_file.string(), sweep.folder.string()}).exit_code == 0);
  const std::vector<std::string> ids = task_ids(sweep.folder);
  // Task 0: claimed five minutes ago by a worker on a host that has not been heard of since;
  // task 1: just now, by one on another host.
  const std::filesystem::path old_claim = sweep.folder / "tasks" / ids[0] / "claim";
  const std::filesystem::path fresh_claim = sweep.folder / "tasks" / ids[1] / "claim";
  write_text(old_claim, "crashed-node 4242\n");
  std::filesystem::last_write_time(old_claim,
                                   std::filesystem::file_time_type::clock::now() - std::chrono::seconds(300));
  write_text(fresh_claim, "busy-node 4243\n");
  const std::vector<std::string> run = {"sweep", "run", sweep.folder.string(), "--task", "0", "--task", "1"};

  const CliResult patient = run_mlptrain(run);  // the default expiry, 600 s
  REQUIRE(patient.exit_code == 0);
  CHECK(count_lines(patient.err, "another worker runs it") == 2);

  std::vector<std::string> brisk_run = run;
  brisk_run.insert(brisk_run.end(), {"--claim-expiry", "120"});
  const CliResult brisk = run_mlptrain(brisk_run);
  REQUIRE(brisk.exit_code == 0);
  CHECK(brisk.err.find("task 0 (" + ids[0] + "): took over the claim of crashed-node:4242, not refreshed for ") !=
        std::string::npos);
  CHECK(count_lines(brisk.err, "task 1 (" + ids[1] + "): another worker runs it") == 1);
  CHECK(std::filesystem::exists(sweep.folder / "tasks" / ids[0] / "result.json"));
  CHECK(!std::filesystem::exists(old_claim));
  CHECK(!std::filesystem::exists(sweep.folder / "tasks" / ids[1] / "result.json"));
  CHECK(read_text(fresh_claim) == "busy-node 4243\n");
  CHECK(run_mlptrain({"sweep", "run", sweep.folder.string(), "--claim-expiry", "59"}).exit_code == 2);
}
