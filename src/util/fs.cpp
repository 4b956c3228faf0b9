// Confinement and durable writes. Confinement resolves symlinks, so a link inside the root that
// points elsewhere is refused: the kernel checks it in one openat2(RESOLVE_BENEATH) call, and where
// it cannot tell, canonical paths (every symlink of the existing prefix resolved) are compared.
#include "util/fs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

bool within(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), re = root.end();
  auto i = p.begin(), ie = p.end();
  for (; r != re; ++r, ++i) {
    if (r->empty()) continue;  // trailing separator
    if (i == ie || *r != *i) return false;
  }
  return true;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

enum class Beneath { yes, no, unknown };

// Asks the kernel whether `rel` resolves beneath `root`: openat2() with RESOLVE_BENEATH refuses
// "..", absolute symlinks and any symlink that leaves the folder, in one call. A file that does not
// exist yet is judged by its folder. `unknown` (old kernel, folder missing, too many links) sends
// the caller to the general path.
Beneath resolve_beneath(const fs::path& root, const fs::path& rel) {
  Fd dir{::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0) return Beneath::unknown;
  auto open_beneath = [&](const fs::path& p) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, dir.fd, p.c_str(), &how, sizeof how);
    if (fd < 0) return errno;
    ::close(static_cast<int>(fd));
    return 0;
  };
  int err = open_beneath(rel);
  if (err == ENOENT) err = rel.has_parent_path() ? open_beneath(rel.parent_path()) : 0;
  if (err == 0) return Beneath::yes;
  if (err == EXDEV) return Beneath::no;
  return Beneath::unknown;
}

[[noreturn]] void sys_fail(const char* call, const fs::path& p) {
  throw Error(fmt::format("{}({}) failed: {}", call, p.string(), std::strerror(errno)));
}

}  // namespace

fs::path confine(const fs::path& root, const fs::path& base, std::string_view candidate) {
  if (candidate.empty()) throw BadInput("segment path is empty");
  if (candidate.find('\0') != std::string_view::npos)
    throw BadInput(fmt::format("segment path {} holds a NUL byte", quote(candidate)));
  fs::path p(candidate);
  fs::path abs = (p.is_relative() ? base / p : p).lexically_normal();
  fs::path root_n = root.lexically_normal();
  auto outside = [&] {
    return BadInput(fmt::format("segment path {} is outside the recordings root {}", quote(candidate),
                                quote(root_n.string())));
  };
  if (!within(root_n, abs)) throw outside();
  auto rel = abs.lexically_relative(root_n);
  if (rel.empty() || rel == ".") throw outside();
  switch (resolve_beneath(root_n, rel)) {
    case Beneath::yes: return rel;
    case Beneath::no: throw outside();
    case Beneath::unknown: break;
  }
  // The general path: canonical forms of both, compared.
  std::error_code ec;
  fs::path real_root = fs::weakly_canonical(root_n, ec);
  if (ec) real_root = root_n;
  fs::path real = fs::weakly_canonical(abs, ec);
  if (ec) throw BadInput(fmt::format("segment path {} cannot be resolved: {}", quote(candidate), ec.message()));
  if (!within(real_root, real)) throw outside();
  return rel;
}

void write_file_atomic(const fs::path& target, std::string_view content, unsigned mode) {
  fs::path tmp = target;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode))};
    if (f.fd < 0) sys_fail("open", tmp);
    // A leftover temp file keeps its old mode through O_TRUNC; the umask may also have cut `mode`.
    if (::fchmod(f.fd, static_cast<mode_t>(mode)) != 0) sys_fail("fchmod", tmp);
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        sys_fail("write", tmp);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(f.fd) != 0) sys_fail("fsync", tmp);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    sys_fail("rename", target);
  }
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

void append_line_durable(const fs::path& file, std::string_view line) {
  Fd f{::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)};
  if (f.fd < 0) sys_fail("open", file);
  if (::flock(f.fd, LOCK_EX) != 0) sys_fail("flock", file);
  std::string data(line);
  data += '\n';
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(f.fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      sys_fail("write", file);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(f.fd) != 0) sys_fail("fsync", file);
}

std::string recordings_root_unseen(const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::directory_iterator it(root, ec);
  if (ec) return fmt::format("recordings root {} cannot be read ({}): not mounted?", quote(root.string()), ec.message());
  if (it == std::filesystem::directory_iterator{})
    return fmt::format("recordings root {} is empty: a disk not mounted?", quote(root.string()));
  return "";
}

}  // namespace hs
