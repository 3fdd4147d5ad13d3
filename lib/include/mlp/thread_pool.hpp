// A small fixed pool of worker threads for splitting one computation into independent parts.
//
// Parts write disjoint outputs and each part's arithmetic does not depend on how many threads
// there are, so results are bit-identical for any thread count.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mlp {

class ThreadPool {
 public:
  // `threads` counts the calling thread: ThreadPool(1) runs everything on the caller.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls part(i) for i in [0, parts), spread over the pool, and returns when all are done.
  // Parts are handed out in order to whichever thread is free, so parts of unequal cost balance
  // themselves. When a part throws, the parts no thread has started are skipped and the first
  // exception is rethrown here once the others have finished. Allocation-free: `part` is passed
  // by reference, not wrapped in a std::function.
  template <class Fn>
  void run(std::int64_t parts, Fn&& part) {
    auto trampoline = [](void* fn, std::int64_t i) { (*static_cast<std::remove_reference_t<Fn>*>(fn))(i); };
    run_erased(parts, trampoline, static_cast<void*>(&part));
  }

 private:
  using Trampoline = void (*)(void*, std::int64_t);
  void run_erased(std::int64_t parts, Trampoline call, void* fn);
  void worker_loop();
  void run_parts();
  bool job_finished() const { return parts_done_ == parts_ && busy_workers_ == 0; }
  void report_if_finished();

  std::vector<std::thread> workers_;
  // Whether waiting threads busy-wait for a while before they sleep: only when every thread of
  // the pool can have a core of its own, or spinning would take the core the others need.
  bool spin_ = false;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  // The job being run, guarded by mutex_.
  Trampoline call_ = nullptr;
  void* fn_ = nullptr;
  std::int64_t parts_ = 0;
  std::int64_t next_part_ = 0;
  std::int64_t parts_done_ = 0;
  std::uint64_t generation_ = 0;
  int busy_workers_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;  // the first exception a part of the current job threw
  // Lock-free mirrors of generation_ and job_finished() that spinning threads watch, so that
  // handing out a job and reporting it done cost a cache-line transfer instead of a futex
  // wake-up (tens of microseconds on a virtual machine, per matrix product). The mutex-guarded
  // values above stay the truth; these only tell a spinning thread when to take the lock.
  std::atomic<std::uint64_t> published_generation_{0};
  std::atomic<bool> published_finished_{true};
};

}  // namespace mlp
