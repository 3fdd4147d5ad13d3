// A small fixed pool of worker threads for splitting one computation into independent parts.
//
// Parts write disjoint outputs and each part's arithmetic does not depend on how many threads
// there are, so results are bit-identical for any thread count.
#pragma once

#include <condition_variable>
#include <cstdint>
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
  // Allocation-free: `part` is passed by reference, not wrapped in a std::function.
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

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  // The job being run; guarded by mutex_ except next_part_, which workers claim atomically.
  Trampoline call_ = nullptr;
  void* fn_ = nullptr;
  std::int64_t parts_ = 0;
  std::int64_t next_part_ = 0;
  std::int64_t parts_done_ = 0;
  std::uint64_t generation_ = 0;
  int busy_workers_ = 0;
  bool stopping_ = false;
};

}  // namespace mlp
