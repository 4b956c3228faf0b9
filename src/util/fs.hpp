#pragma once
// File-system helpers that keep data safe: confinement to a root (symlinks included) and atomic
// writes.
#include <filesystem>
#include <string>
#include <string_view>

namespace hs {

// Resolves `candidate` (absolute, or relative to `base`) and returns it relative to `root`.
// Throws BadInput naming the path when it lies outside root lexically ("..", another absolute
// path) or once symlinks are resolved. The file itself need not exist yet.
std::filesystem::path confine(const std::filesystem::path& root, const std::filesystem::path& base,
                              std::string_view candidate);

// Writes `content` to a temp file beside `target` with `mode` (0600 for secrets: set before a byte is
// written), fsyncs it, renames it over target and fsyncs the folder. Throws Error naming the file
// and the failing call.
void write_file_atomic(const std::filesystem::path& target, std::string_view content, unsigned mode = 0644);

// Why files below the recordings root cannot be judged gone now, "" when they can: the root is
// missing, not a folder, unreadable, or empty. An empty root is what an unmounted disk leaves (its
// mount point), so a root without a single entry is taken for one: nothing is marked missing or
// forgotten as "already gone" because it is not there.
std::string recordings_root_unseen(const std::filesystem::path& root);

// Appends one line (a '\n' is added) under an exclusive flock and fsyncs before returning.
// Throws Error naming the file.
void append_line_durable(const std::filesystem::path& file, std::string_view line);

}  // namespace hs
