// The files a run reads and writes: input files read whole with messages that name them, output
// files written so that a crash, a full disk or a kill never leaves half a file behind, and
// output folders checked for writing before any work goes into filling them.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mlp {

// The whole content of the file at `path`. `what` names it in messages ("config file", "model
// file"): throws InputError "<path>: is a directory, not a <what>" or "<path>: cannot read the
// <what>: <reason>" (missing, no permission, a read error).
std::string read_text_file(const std::filesystem::path& path, std::string_view what);

// Replaces `path` with `content`, atomically: the content goes to a temporary file in the same
// folder (".<name>.tmp.<pid>.<n>"), which is flushed to disk and then renamed over `path`, and
// the folder is synced so that the rename itself survives a crash. A reader sees the old file or
// the new one, never a mix. The folder must exist. On failure the temporary file is removed,
// `path` is left as it was, and IoError says which path and why ("No space left on device").
// A symbolic link is followed (its target is replaced, the link kept); a device or pipe that
// exists at `path` (/dev/null, a FIFO) is written in place, since renaming over it would replace it.
//
// kSynced (the default) also makes the new file survive a power loss. kAtomicOnly skips the two
// fsyncs: still never a torn file when the process crashes or is killed, and cheap enough to
// rewrite after every epoch (a sync costs milliseconds, more than a small epoch).
enum class Durability { kSynced, kAtomicOnly };
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           Durability durability = Durability::kSynced);

// Creates `dir` (and its parents) when missing and checks that files can be created in it, by
// creating and removing a probe file; also removes the temporary files that writes of killed
// processes left behind. Called before a long run, so that an unwritable output
// folder fails at once instead of after training. Throws InputError when `dir` or one of its
// parents exists but is not a folder, IoError when it cannot be created or written.
void ensure_writable_directory(const std::filesystem::path& dir);

// "-" means standard output (written and flushed there); any other path is written atomically.
// Throws IoError when either write fails.
void write_file_or_stdout(const std::filesystem::path& path, std::string_view content);

}  // namespace mlp
