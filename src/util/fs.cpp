// Confinement and durable writes. Confinement compares canonical paths (std::filesystem's
// weakly_canonical resolves every symlink of the existing prefix), so a link inside the root that
// points elsewhere is refused.
#include "util/fs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

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
  std::error_code ec;
  fs::path real_root = fs::weakly_canonical(root_n, ec);
  if (ec) real_root = root_n;
  fs::path real = fs::weakly_canonical(abs, ec);
  if (ec) throw BadInput(fmt::format("segment path {} cannot be resolved: {}", quote(candidate), ec.message()));
  if (!within(real_root, real)) throw outside();
  auto rel = abs.lexically_relative(root_n);
  if (rel.empty() || rel == ".") throw outside();
  return rel;
}

void write_file_atomic(const fs::path& target, std::string_view content) {
  fs::path tmp = target;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (f.fd < 0) sys_fail("open", tmp);
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

}  // namespace hs
