#include "mlp/thread_pool.hpp"

#include "mlp/resources.hpp"

#include <chrono>
#include <exception>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLP_CPU_RELAX() _mm_pause()
#else
#define MLP_CPU_RELAX() std::this_thread::yield()
#endif

namespace mlp {
namespace {

// How long a waiting thread busy-waits before it sleeps. Long enough to cover the serial work
// between two parallel products of a training step (activations, loss, optimizer step: well
// under a millisecond for the networks that gain from threads), short enough that an idle pool
// costs nothing measurable.
constexpr auto kSpinTime = std::chrono::microseconds(2000);

// Busy-waits until done() or kSpinTime has passed; returns done().
template <class Done>
bool spin_until(Done&& done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      MLP_CPU_RELAX();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  // The CPUs this process may run on (taskset, a Slurm CPU set), not the machine's: on one CPU a
  // spinning thread only delays the thread it waits for.
  spin_ = threads > 1 && threads <= affinity_cpu_count();
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    published_generation_.fetch_add(1, std::memory_order_release);
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
    published_finished_.store(false, std::memory_order_relaxed);
    published_generation_.store(generation_, std::memory_order_release);
  }
  work_ready_.notify_all();
  run_parts();
  // Wait for the parts other threads took, and for every worker to leave this job, so that
  // `fn` (on the caller's stack) is not touched after we return.
  if (spin_) spin_until([this] { return published_finished_.load(std::memory_order_acquire); });
  std::unique_lock lock(mutex_);
  work_done_.wait(lock, [this] { return job_finished(); });
  call_ = nullptr;
  fn_ = nullptr;
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

// Claims and runs parts of the current job until none is left.
void ThreadPool::run_parts() {
  std::unique_lock lock(mutex_);
  while (next_part_ < parts_) {
    const std::int64_t part = next_part_++;
    const Trampoline call = call_;
    void* fn = fn_;
    lock.unlock();
    std::exception_ptr failure;
    try {
      call(fn, part);
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    ++parts_done_;
    if (failure) {
      // The job has failed: keep the first error for the caller and skip the parts not started.
      if (!failure_) failure_ = failure;
      parts_done_ += parts_ - next_part_;
      next_part_ = parts_;
    }
  }
  report_if_finished();
}

// With mutex_ held: when the last part is done and the last worker has left the job, tells the
// caller waiting in run_erased (spinning on the published flag, or asleep on work_done_).
void ThreadPool::report_if_finished() {
  if (!job_finished()) return;
  published_finished_.store(true, std::memory_order_release);
  work_done_.notify_all();
}

void ThreadPool::worker_loop() {
  std::uint64_t seen_generation = 0;
  for (;;) {
    if (spin_) {
      spin_until([&] { return published_generation_.load(std::memory_order_acquire) != seen_generation; });
    }
    std::unique_lock lock(mutex_);
    work_ready_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
    if (stopping_) return;
    seen_generation = generation_;
    ++busy_workers_;
    lock.unlock();
    run_parts();
    lock.lock();
    --busy_workers_;
    report_if_finished();
  }
}

}  // namespace mlp
