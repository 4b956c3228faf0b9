// The tree walk behind reconciliation: openat/fdopendir relative to the parent directory, so no full
// path is built or resolved per entry, and d_type instead of a stat per entry.
#include "util/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace hs {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

class Walker {
 public:
  Walker(const std::filesystem::path& root, const std::function<void(const TreeEntry&)>& visit,
         std::vector<std::string>* unreadable)
      : root_(root), visit_(visit), unreadable_(unreadable) {}

  // Walks the directory open as `fd` (taken over), whose path below the root is rel_ (empty or
  // ending in '/'). Returns false when the walk must stop; error_ says why.
  bool walk(int fd) {
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
    if (!dir) {
      ::close(fd);
      return fail("fdopendir");
    }
    const std::size_t base = rel_.size();
    for (;;) {
      errno = 0;
      const dirent* e = ::readdir(dir.get());
      if (!e) break;
      const char* name = e->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      int type = tree_entry_type(::dirfd(dir.get()), name, e->d_type);
      if (type == DT_UNKNOWN) continue;  // removed since readdir
      rel_.resize(base);
      rel_.append(name);
      if (type < 0) return fail("fstatat");
      if (type == DT_DIR) {
        // O_NOFOLLOW: a directory swapped for a symlink since readdir is not entered either.
        int sub = ::openat(::dirfd(dir.get()), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
          // Unreadable, or removed or replaced (ELOOP: now a symlink) since readdir: skipped.
          if (errno == EACCES && unreadable_) unreadable_->push_back(rel_ + '/');
          if (errno == EACCES || errno == ENOENT || errno == ELOOP || errno == ENOTDIR) continue;
          return fail("openat");
        }
        rel_.push_back('/');
        if (!walk(sub)) return false;
        continue;
      }
      auto kind = type == DT_REG   ? TreeEntry::Kind::regular
                  : type == DT_LNK ? TreeEntry::Kind::symlink
                                   : TreeEntry::Kind::other;
      visit_(TreeEntry{kind, std::string_view(rel_), ::dirfd(dir.get()), name});
    }
    if (errno != 0) {
      rel_.resize(base);
      return fail("readdir");
    }
    rel_.resize(base);
    return true;
  }

  bool fail(const char* call) {
    int saved = errno;
    auto where = rel_.empty() ? root_ : (root_ / rel_).lexically_normal();
    error_ = fmt::format("{}({}): {}", call, where.string(), std::strerror(saved));
    return false;
  }

  std::string rel_;
  std::string error_;

 private:
  const std::filesystem::path& root_;
  const std::function<void(const TreeEntry&)>& visit_;
  std::vector<std::string>* unreadable_;
};

}  // namespace

int tree_entry_type(int dir_fd, const char* name, unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
    case DT_DIR:
    case DT_LNK:
      return d_type;
    case DT_UNKNOWN:
      break;  // some file systems do not fill d_type in: ask the inode
    default:
      return DT_FIFO;
  }
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? DT_UNKNOWN : -1;
  return S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
}

std::string walk_tree(const std::filesystem::path& root, const std::function<void(const TreeEntry&)>& visit,
                      std::vector<std::string>* unreadable) {
  Walker walker(root, visit, unreadable);
  walker.rel_.reserve(256);
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    walker.fail("open");
    return walker.error_;
  }
  walker.walk(fd);
  return walker.error_;
}

}  // namespace hs
