// A held claim's heartbeat: it refreshes the claim's time while the task runs, only its own claim
// (not one that replaced it after a takeover), and the claim goes when released.
#include "sweep/claim.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace mlp;
using namespace std::chrono_literals;

namespace {

using FileClock = std::filesystem::file_time_type::clock;

// Seconds since the file was last modified, on this machine's clock (the file is local).
double age(const std::filesystem::path& file) {
  return std::chrono::duration<double>(FileClock::now() - std::filesystem::last_write_time(file)).count();
}

}  // namespace

TEST_CASE("a held claim is refreshed every heartbeat, and another process's is not taken while fresh") {
  const mlp::test::TempDir dir;
  const Claim::Timing timing{60, 0.05};
  auto claim = Claim::take(dir.path(), timing);
  REQUIRE(claim);
  const std::filesystem::path file = dir / "claim";
  std::filesystem::last_write_time(file, FileClock::now() - 1h);
  REQUIRE(age(file) > 3000);
  std::this_thread::sleep_for(300ms);
  CHECK(age(file) < 5);
  // This process is alive and its claim fresh: a second take (as a second worker would) fails.
  CHECK(Claim::take(dir.path(), timing) == nullptr);
  claim.reset();
  CHECK(!std::filesystem::exists(file));
}

TEST_CASE("a claim taken over is not refreshed by its old holder, nor removed when it releases") {
  const mlp::test::TempDir dir;
  auto claim = Claim::take(dir.path(), {60, 0.05});
  REQUIRE(claim);
  // What a worker taking it over does: the old claim moved aside, its own linked into place.
  const std::filesystem::path file = dir / "claim";
  std::filesystem::rename(file, dir / "claim.old");
  dir.write("claim", "other-node 7\n");
  std::filesystem::last_write_time(file, FileClock::now() - 1h);
  std::this_thread::sleep_for(300ms);
  CHECK(age(file) > 3000);
  CHECK(age(dir / "claim.old") < 5);
  claim.reset();
  CHECK(mlp::test::read_text(file) == "other-node 7\n");
}
