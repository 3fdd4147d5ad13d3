#include "mlp/thread_pool.hpp"

namespace mlp {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::run_erased(std::int64_t parts, Trampoline call, void* fn) {
  if (workers_.empty() || parts <= 1) {
    for (std::int64_t i = 0; i < parts; ++i) call(fn, i);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    call_ = call;
    fn_ = fn;
    parts_ = parts;
    next_part_ = 0;
    parts_done_ = 0;
    ++generation_;
  }
  work_ready_.notify_all();
  run_parts();
  std::unique_lock lock(mutex_);
  // Wait for the parts other threads took, and for every worker to leave this job, so that
  // `fn` (on the caller's stack) is not touched after we return.
  work_done_.wait(lock, [this] { return parts_done_ == parts_ && busy_workers_ == 0; });
  call_ = nullptr;
  fn_ = nullptr;
}

// Claims and runs parts of the current job until none is left.
void ThreadPool::run_parts() {
  std::unique_lock lock(mutex_);
  while (next_part_ < parts_) {
    const std::int64_t part = next_part_++;
    const Trampoline call = call_;
    void* fn = fn_;
    lock.unlock();
    call(fn, part);
    lock.lock();
    ++parts_done_;
  }
  if (parts_done_ == parts_) work_done_.notify_all();
}

void ThreadPool::worker_loop() {
  std::uint64_t seen_generation = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
    if (stopping_) return;
    seen_generation = generation_;
    ++busy_workers_;
    lock.unlock();
    run_parts();
    lock.lock();
    --busy_workers_;
    if (busy_workers_ == 0) work_done_.notify_all();
  }
}

}  // namespace mlp
