#pragma once
// A directory-tree walk as cheap as `find`: readdir order, one open directory per level, paths
// built relative to the root in one reused buffer, and no stat per entry unless the file system does
// not report entry types (DT_UNKNOWN). Symlinks are never followed, to a file or to a directory, so
// a walk stays confined to the root (the root itself may be a symlink).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>
#include <string_view>

namespace hs {

struct TreeEntry {
  enum class Kind { regular, symlink, other };  // other: fifo, socket, device
  Kind kind;
  std::string_view relative;  // below the root, '/'-separated; valid during the call only
  int dir_fd;                 // the open directory holding the entry, for fstatat(dir_fd, name, ...)
  const char* name;           // the last element of `relative`, NUL-terminated
};

// Calls `visit` for every entry below `root` that is not a directory, depth first. Directories that
// cannot be opened for lack of permission are skipped and, when `unreadable` is given, listed there
// (relative, ending in '/'); entries that vanish during the walk are skipped.
// Returns an empty string when the walk finished, else what stopped it, naming the call and the
// directory: `opendir(/srv/rec/cam1): Too many open files`. A root that does not exist or is not a
// directory is such an error; `visit` may throw, which ends the walk.
std::string walk_tree(const std::filesystem::path& root, const std::function<void(const TreeEntry&)>& visit,
                      std::vector<std::string>* unreadable = nullptr);

// The type of entry `name` of the directory open as `dir_fd`: `d_type` as readdir reported it, or,
// when that is DT_UNKNOWN, the type fstatat reports without following a symlink. Returns DT_REG,
// DT_DIR, DT_LNK or, for anything else, DT_FIFO; DT_UNKNOWN when the entry is gone, and -1 (errno
// set) when fstatat fails otherwise. Used by walk_tree; public so tests can pass DT_UNKNOWN.
int tree_entry_type(int dir_fd, const char* name, unsigned char d_type);

}  // namespace hs
