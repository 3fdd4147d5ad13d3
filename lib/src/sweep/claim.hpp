// Claiming a sweep task so that two workers never run it together, with nothing NFS breaks: no
// file locks, only link() (atomic, fails when the name exists), rename() within the task's folder,
// and file times set by the file server. Private to the sweep module.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mlp {

// "host:pid" of this process, as claims and task records name their worker.
std::string worker_name();

// DIR/claim, held by this process while it runs the task; its modification time is the
// heartbeat that tells other hosts the worker is alive.
class Claim {
 public:
  struct Timing {
    double expiry_seconds = 0;     // a claim not refreshed for longer than this is taken over
    double heartbeat_seconds = 0;  // how often a held claim is refreshed
  };

  // Takes DIR/claim for this process; nothing when another live worker holds it. A claim is
  // taken over when its process is gone (this host, no such pid), or when it has not been
  // refreshed for longer than timing.expiry_seconds. That age is read on the file server's
  // clock: the time of the file this call has just written in the same folder against the
  // claim's, never this host's clock against the server's. `taken_over`, when given, says whose
  // claim was taken over and why (empty when the task was free).
  static std::unique_ptr<Claim> take(const std::filesystem::path& task_dir, const Timing& timing,
                                     std::string* taken_over = nullptr);

  // Stops the heartbeat and removes DIR/claim when it is still this process's (a worker that
  // stalled longer than the expiry may find it taken over: then it is left to its new holder).
  ~Claim();
  Claim(const Claim&) = delete;
  Claim& operator=(const Claim&) = delete;

 private:
  Claim(std::filesystem::path task_dir, int fd, double heartbeat_seconds);
  void beat(double heartbeat_seconds);

  std::filesystem::path task_dir_;
  // The claim's inode, open: the heartbeat refreshes this file even after another worker has
  // moved it aside, never a claim that replaced it.
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread heartbeat_;
};

}  // namespace mlp
