// tmpfs mounts for fault tests (see tmpfs_mount.hpp).
#include "support/tmpfs_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace hs::test {

bool TmpfsMount::possible() { return ::geteuid() == 0; }

TmpfsMount::TmpfsMount(std::filesystem::path dir, std::uint64_t bytes) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  const std::string options = fmt::format("size={},mode=0755", bytes);
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
    throw std::runtime_error(fmt::format("mount -t tmpfs -o {} tmpfs {} failed: {}", options, dir_.string(), std::strerror(errno)));
  mounted_ = true;
}

TmpfsMount::~TmpfsMount() { unmount(); }

void TmpfsMount::set_read_only(bool read_only) {
  const unsigned long flags = MS_REMOUNT | MS_NOSUID | MS_NODEV | (read_only ? MS_RDONLY : 0);
  if (::mount(nullptr, dir_.c_str(), nullptr, flags, nullptr) != 0)
    throw std::runtime_error(fmt::format("remount {} {} failed: {}", read_only ? "ro" : "rw", dir_.string(), std::strerror(errno)));
}

void TmpfsMount::unmount() {
  if (!mounted_) return;
  ::umount2(dir_.c_str(), MNT_DETACH);
  mounted_ = false;
}

std::uint64_t TmpfsMount::fill(const std::filesystem::path& file) const {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return 0;
  std::vector<char> zeros(64 * 1024, 0);
  std::uint64_t total = 0;
  for (std::size_t chunk = zeros.size(); chunk > 0;) {
    const ssize_t n = ::write(fd, zeros.data(), chunk);
    if (n > 0) total += static_cast<std::uint64_t>(n);
    else if (n < 0 && errno == ENOSPC) chunk /= 2;  // the last pages, smaller and smaller
    else if (n < 0 && errno != EINTR) break;
  }
  ::close(fd);
  return total;
}

}  // namespace hs::test
