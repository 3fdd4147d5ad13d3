// The thread pool's contract beyond splitting work: a failing part reaches the caller, and the
// pool stays usable.
#include "mlp/thread_pool.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

using mlp::ThreadPool;

TEST_CASE("thread pool: every part runs once, on any number of threads") {
  for (const int threads : {1, 2, 3}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> runs(257);
    pool.run(257, [&](std::int64_t i) { runs[static_cast<std::size_t>(i)]++; });
    for (const auto& count : runs) CHECK(count.load() == 1);
  }
}

TEST_CASE("thread pool: the first exception of a part is rethrown, the parts not started are skipped") {
  for (const int threads : {1, 2}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    std::atomic<int> started{0};
    CHECK_THROWS_WITH_AS(pool.run(1000,
                                  [&](std::int64_t i) {
                                    started++;
                                    if (i == 3) throw std::runtime_error("part 3 failed");
                                  }),
                         "part 3 failed", std::runtime_error);
    // Part 3 stops the job; a part already running on another thread may still finish.
    CHECK(started.load() < 1000);
    // The pool runs the next job normally.
    std::atomic<int> done{0};
    pool.run(10, [&](std::int64_t) { done++; });
    CHECK(done.load() == 10);
  }
}
