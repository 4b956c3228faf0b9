// Temp dirs, cached ffmpeg-made segments and a no-shell command runner for the tests. The segment
// cache lets a suite that needs the same media many times pay ffmpeg once per machine user.
#include "support/media.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace hs::test {

namespace fs = std::filesystem;

namespace {

// mkdtemp under `parent`; `prefix` gets six random characters appended.
fs::path make_unique_dir(const fs::path& parent, const std::string& prefix) {
  std::string tmpl = (parent / (prefix + "XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error(fmt::format("mkdtemp({}) failed: {}", tmpl, std::strerror(errno)));
  return tmpl;
}

std::string segment_name(int i) { return fmt::format("seg_{:03d}.mp4", i); }

bool has_segments(const fs::path& dir, int count) {
  std::error_code ec;
  for (int i = 0; i < count; ++i)
    if (!fs::is_regular_file(dir / segment_name(i), ec)) return false;
  return !fs::exists(dir / segment_name(count), ec);
}

void generate(const fs::path& into, int count, double seconds, int width, int height) {
  std::vector<std::string> argv = {
      "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
      fmt::format("testsrc2=size={}x{}:rate=25", width, height), "-t", fmt::format("{}", count * seconds),
      "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "25",
      "-keyint_min", "25", "-sc_threshold", "0", "-f", "segment", "-segment_time", fmt::format("{}", seconds),
      "-reset_timestamps", "1", "-segment_format", "mp4", "-segment_format_options",
      "movflags=+frag_keyframe+empty_moov+default_base_moof+skip_trailer", (into / "seg_%03d.mp4").string()};
  int rc = run_command(argv);
  if (rc != 0) throw std::runtime_error(fmt::format("ffmpeg exited with {} making segments in {}", rc, into.string()));
  if (!has_segments(into, count))
    throw std::runtime_error(fmt::format("ffmpeg did not make exactly {} segments of {} s in {}", count, seconds,
                                         into.string()));
}

}  // namespace

TempDir::TempDir() : path_(make_unique_dir(fs::temp_directory_path(), "hook-server-test-")) {}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<fs::path> make_segments(const fs::path& dir, int count, double seconds, int width, int height) {
  if (count <= 0 || !(seconds > 0)) throw std::invalid_argument("make_segments: count and seconds must be > 0");

  const fs::path root = fs::temp_directory_path() / fmt::format("hook-server-test-media-{}", ::getuid());
  const fs::path cached = root / fmt::format("{}x{}s-{}x{}", count, seconds, width, height);
  fs::create_directories(root);

  // A complete cache dir only ever appears whole (rename), so one that has the files is usable.
  if (!has_segments(cached, count)) {
    std::error_code ec;
    const fs::path tmp = make_unique_dir(root, cached.filename().string() + ".tmp-");
    try {
      generate(tmp, count, seconds, width, height);
    } catch (...) {
      fs::remove_all(tmp, ec);
      throw;
    }
    for (int attempt = 0; ::rename(tmp.c_str(), cached.c_str()) != 0; ++attempt) {
      int err = errno;
      if ((err == ENOTEMPTY || err == EEXIST) && has_segments(cached, count)) break;  // another process won
      if ((err != ENOTEMPTY && err != EEXIST) || attempt == 3) {
        fs::remove_all(tmp, ec);
        throw std::runtime_error(fmt::format("rename({}, {}) failed: {}", tmp.string(), cached.string(),
                                             std::strerror(err)));
      }
      // A cache damaged from outside (files deleted): move it aside rather than delete it in place,
      // so a process that is copying from a good one is never disturbed.
      const fs::path aside = make_unique_dir(root, "damaged-");
      if (::rename(cached.c_str(), (aside / "old").c_str()) != 0 && errno != ENOENT) {
        int move_err = errno;
        fs::remove_all(tmp, ec);
        fs::remove_all(aside, ec);
        throw std::runtime_error(fmt::format("cannot move the damaged cache {} aside: {}", cached.string(),
                                             std::strerror(move_err)));
      }
      fs::remove_all(aside, ec);
    }
    fs::remove_all(tmp, ec);  // only left when another process won
  }

  fs::create_directories(dir);
  std::vector<fs::path> out;
  for (int i = 0; i < count; ++i) {
    fs::path target = dir / segment_name(i);
    fs::copy_file(cached / segment_name(i), target, fs::copy_options::overwrite_existing);
    out.push_back(target);
  }
  return out;
}

int run_command(const std::vector<std::string>& argv, std::string* out) {
  if (argv.empty()) throw std::invalid_argument("run_command: empty argv");
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int pipe_fds[2] = {-1, -1};
  if (out && ::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("pipe2 failed: {}", std::strerror(errno)));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (out) posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);

  pid_t pid = -1;
  int err = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (out) ::close(pipe_fds[1]);
  if (err != 0) {
    if (out) ::close(pipe_fds[0]);
    return 127;
  }

  if (out) {
    out->clear();
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out->append(buf, std::size_t(n));
    }
    ::close(pipe_fds[0]);
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(fmt::format("waitpid failed: {}", std::strerror(errno)));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 127;
}

}  // namespace hs::test
