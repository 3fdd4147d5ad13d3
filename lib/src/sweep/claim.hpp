// Claiming a sweep task so that two workers never run it together, with nothing NFS breaks: no
// file locks, only link() (atomic, fails when the name exists) and rename() within the task's
// folder. Private to the sweep module.
#pragma once

#include <filesystem>
#include <string>

namespace mlp {

// "host:pid" of this process, as claims and task records name their worker.
std::string worker_name();

// Takes DIR/claim for this process: true when it holds it now. A claim of a process that is gone
// (this host, no such pid) is taken over; a claim of a live process, or of another host, is not.
bool take_claim(const std::filesystem::path& task_dir);

// Removes DIR/claim when this process holds it.
void release_claim(const std::filesystem::path& task_dir);

}  // namespace mlp
