#pragma once
// A tmpfs of a given size mounted for the life of the object (a small disk that fills, or one that
// vanishes when unmounted), unmounted in every path by the destructor. Needs root (CI runs as root).
#include <cstdint>
#include <filesystem>
#include <string>

namespace hs::test {

class TmpfsMount {
 public:
  // True when this process may mount (euid 0). Tests skip with a message when not.
  static bool possible();
  // Mounts a tmpfs of `bytes` at `dir` (created when missing). Throws std::runtime_error naming
  // the mount point and errno's text when the kernel refuses.
  TmpfsMount(std::filesystem::path dir, std::uint64_t bytes);
  ~TmpfsMount();  // lazy unmount (MNT_DETACH): works while files are still open
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  // Remounts read-only (writes fail with EROFS, even for root) or read-write again. Throws
  // std::runtime_error when the kernel refuses.
  void set_read_only(bool read_only);
  // Unmounts now (idempotent): the folder below is what shows afterwards, e.g. an empty one.
  void unmount();
  const std::filesystem::path& dir() const { return dir_; }

  // Writes zeros to `file` (on the mount) until the file system says ENOSPC; returns the bytes
  // written.
  std::uint64_t fill(const std::filesystem::path& file) const;

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

}  // namespace hs::test
