// The MediaMTX hook-launcher stand-in: go-shellquote splitting, os.Expand, LookPath and a
// posix_spawn that reproduces MediaMTX's child context (env, cwd, /dev/null stdin, own group).
// Exited hooks are observed with waitid(WNOWAIT) and only reaped in the destructor, so a hook's pid
// (= its process group id) cannot be reused while this object may still signal that group.
#include "support/mediamtx_standin.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "util/error.hpp"

extern char** environ;

namespace hs::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view env_key(std::string_view kv) { return kv.substr(0, kv.find('=')); }

// Go's exec dedupEnv: for a key given more than once the last value wins, kept at the position of
// its last occurrence.
std::vector<std::string> dedup_env(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  std::vector<std::string_view> seen;
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    std::string_view key = env_key(*it);
    bool dup = false;
    for (auto k : seen) dup = dup || k == key;
    if (dup) continue;
    seen.push_back(key);
    out.push_back(*it);
  }
  return {out.rbegin(), out.rend()};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail_for_message(const std::string& output) {
  constexpr size_t kTail = 200;
  return quote(output.size() > kTail ? output.substr(output.size() - kTail) : output);
}

struct SpawnAttr {
  posix_spawnattr_t attr;
  SpawnAttr() { posix_spawnattr_init(&attr); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
};
struct SpawnFileActions {
  posix_spawn_file_actions_t fa;
  SpawnFileActions() { posix_spawn_file_actions_init(&fa); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&fa); }
};

void check_spawn_setup(int rc, const char* call) {
  if (rc != 0) throw std::system_error(rc, std::generic_category(), call);
}

}  // namespace

MediamtxStandin::MediamtxStandin(std::filesystem::path working_dir,
                                 std::map<std::string, std::string> env_extra) {
  std::error_code ec;
  if (!std::filesystem::is_directory(working_dir, ec)) {
    throw std::invalid_argument("MediamtxStandin: working_dir is not a directory: " +
                                quote(working_dir.string()));
  }
  working_dir_ = std::filesystem::absolute(working_dir).lexically_normal();
  if (working_dir_.has_filename() == false && working_dir_ != working_dir_.root_path()) {
    working_dir_ = working_dir_.parent_path();  // drop a trailing '/'
  }
  if (!env_extra.count("PWD")) env_extra["PWD"] = working_dir_.string();

  for (char** e = environ; e != nullptr && *e != nullptr; ++e) environ_.emplace_back(*e);
  for (const auto& [key, value] : env_extra) {
    bool replaced = false;
    for (auto& kv : environ_) {
      if (env_key(kv) == key) {
        kv = key + "=" + value;
        replaced = true;
      }
    }
    if (!replaced) environ_.push_back(key + "=" + value);
  }

  std::string pattern = (std::filesystem::temp_directory_path() / "mediamtx-standin-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp(" + pattern + ")");
  }
  output_dir_ = pattern;
}

MediamtxStandin::~MediamtxStandin() {
  for (auto& h : hooks_) {
    // The leader is alive or a zombie we have not reaped, so the group id is still ours.
    kill(-h.pid, SIGKILL);
    while (waitpid(h.pid, nullptr, 0) == -1 && errno == EINTR) {
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(output_dir_, ec);
}

std::optional<std::string> MediamtxStandin::getenv(std::string_view name) const {
  for (const auto& kv : environ_) {
    if (env_key(kv) == name && kv.size() > name.size()) return kv.substr(name.size() + 1);
  }
  return std::nullopt;
}

int MediamtxStandin::launch(const std::string& command,
                            const std::map<std::string, std::string>& hook_vars) {
  std::vector<std::string> argv = shellquote_split(command);
  if (argv.empty()) {
    throw std::invalid_argument("command splits into no words (MediaMTX would crash): " + quote(command));
  }
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (auto it = hook_vars.find(std::string(name)); it != hook_vars.end()) return it->second;
    return getenv(name);
  };
  for (auto& arg : argv) arg = go_expand(arg, lookup);

  // exec.Command: argv[0] keeps the name as written; the program path is resolved when the name
  // has no '/'. An empty name is never looked up and fails with "exec: no command".
  std::string path = argv[0];
  if (path.empty()) throw HookStartError("exec: no command");
  if (path.find('/') == std::string::npos) path = resolve_hook_program(path, getenv("PATH").value_or(""), working_dir_);
  for (const auto& arg : argv) {
    if (arg.find('\0') != std::string::npos) {
      throw HookStartError(fmt::format("fork/exec {}: invalid argument", path));
    }
  }

  std::vector<std::string> env = environ_;
  for (const auto& [key, value] : hook_vars) env.push_back(key + "=" + value);
  env = dedup_env(env);

  const int id = static_cast<int>(hooks_.size());
  const std::filesystem::path output_path = output_dir_ / fmt::format("hook-{}.out", id);

  SpawnAttr attr;
  // Own process group (Setpgid: true). MediaMTX calls signal.Notify for SIGINT/SIGTERM and the Go
  // runtime handles nearly every other signal, so its children start with default dispositions
  // (only SIGHUP keeps an inherited SIG_IGN) and an empty signal mask.
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGHUP);
  sigset_t empty;
  sigemptyset(&empty);
  check_spawn_setup(posix_spawnattr_setflags(&attr.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                                             POSIX_SPAWN_SETSIGMASK),
                    "posix_spawnattr_setflags");
  check_spawn_setup(posix_spawnattr_setpgroup(&attr.attr, 0), "posix_spawnattr_setpgroup");
  check_spawn_setup(posix_spawnattr_setsigdefault(&attr.attr, &defaults), "posix_spawnattr_setsigdefault");
  check_spawn_setup(posix_spawnattr_setsigmask(&attr.attr, &empty), "posix_spawnattr_setsigmask");

  SpawnFileActions fa;
  check_spawn_setup(posix_spawn_file_actions_addopen(&fa.fa, 0, "/dev/null", O_RDONLY, 0),
                    "posix_spawn_file_actions_addopen(/dev/null)");
  check_spawn_setup(posix_spawn_file_actions_addopen(&fa.fa, 1, output_path.c_str(),
                                                     O_WRONLY | O_CREAT | O_TRUNC, 0644),
                    "posix_spawn_file_actions_addopen(output)");
  check_spawn_setup(posix_spawn_file_actions_adddup2(&fa.fa, 1, 2), "posix_spawn_file_actions_adddup2");
  // Go children see only fds 0-2 (everything else is close-on-exec in Go).
  check_spawn_setup(posix_spawn_file_actions_addclosefrom_np(&fa.fa, 3),
                    "posix_spawn_file_actions_addclosefrom_np");
  check_spawn_setup(posix_spawn_file_actions_addchdir_np(&fa.fa, working_dir_.c_str()),
                    "posix_spawn_file_actions_addchdir_np");

  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (auto& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);

  pid_t pid = 0;
  const auto started = Clock::now();
  const int rc = posix_spawn(&pid, path.c_str(), &fa.fa, &attr.attr, c_argv.data(), c_env.data());
  if (rc != 0) throw HookStartError(fmt::format("fork/exec {}: {}", path, go_errno_text(rc)));
  hooks_.push_back(Hook{command, pid, output_path, started, std::nullopt});
  return id;
}

MediamtxStandin::Hook& MediamtxStandin::hook(int id) {
  if (id < 0 || static_cast<size_t>(id) >= hooks_.size()) {
    throw std::out_of_range(fmt::format("MediamtxStandin: no hook with id {}", id));
  }
  return hooks_[static_cast<size_t>(id)];
}

const MediamtxStandin::Hook& MediamtxStandin::hook(int id) const {
  return const_cast<MediamtxStandin*>(this)->hook(id);
}

// Records the hook's result once its leader has exited. WNOWAIT leaves the zombie in place.
bool MediamtxStandin::poll(Hook& h, bool block) {
  if (h.result) return true;
  siginfo_t info{};
  const int options = WEXITED | WNOWAIT | (block ? 0 : WNOHANG);
  while (waitid(P_PID, static_cast<id_t>(h.pid), &info, options) == -1) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), fmt::format("waitid({})", h.pid));
  }
  if (info.si_pid == 0) return false;
  Result r{};
  if (info.si_code == CLD_EXITED) {
    r.exit_code = info.si_status;
  } else {
    r.exit_code = -1;
    r.term_signal = info.si_status;
  }
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - h.started);
  r.output = read_file(h.output_path);
  h.result = std::move(r);
  return true;
}

MediamtxStandin::Result MediamtxStandin::wait(int id, std::chrono::milliseconds timeout) {
  Hook& h = hook(id);
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (!poll(h, false)) {
    const auto now = Clock::now();
    if (now >= deadline) {
      kill(-h.pid, SIGKILL);
      poll(h, true);
      std::string message = fmt::format("hook {} (command {}) was still running after {} ms; its process group was killed",
                                        id, quote(h.command), timeout.count());
      if (!h.result->output.empty()) message += "; output ends with " + tail_for_message(h.result->output);
      throw std::runtime_error(message);
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  return *h.result;
}

std::vector<MediamtxStandin::Result> MediamtxStandin::wait_all(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    std::vector<int> running;
    for (size_t i = 0; i < hooks_.size(); ++i) {
      if (!poll(hooks_[i], false)) running.push_back(static_cast<int>(i));
    }
    if (running.empty()) break;
    const auto now = Clock::now();
    if (now >= deadline) {
      std::string ids;
      for (int id : running) {
        kill(-hooks_[static_cast<size_t>(id)].pid, SIGKILL);
        ids += fmt::format("{}{} ({})", ids.empty() ? "" : ", ", id, quote(hooks_[static_cast<size_t>(id)].command));
      }
      for (int id : running) poll(hooks_[static_cast<size_t>(id)], true);
      throw std::runtime_error(fmt::format(
          "hooks still running after {} ms, their process groups were killed: {}", timeout.count(), ids));
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  std::vector<Result> results;
  for (const auto& h : hooks_) results.push_back(*h.result);
  return results;
}

void MediamtxStandin::interrupt(int id) {
  Hook& h = hook(id);
  if (poll(h, false)) return;  // MediaMTX only signals a command it is still waiting for
  if (kill(-h.pid, SIGINT) != 0) {
    throw std::system_error(errno, std::generic_category(), fmt::format("kill(-{}, SIGINT)", h.pid));
  }
}

HookRun MediamtxStandin::run(int id) const {
  const Hook& h = hook(id);
  return HookRun{h.pid, h.output_path};
}

std::map<std::string, std::string> MediamtxStandin::path_vars(const std::string& path) {
  return {{"MTX_PATH", path}, {"RTSP_PATH", path}, {"RTSP_PORT", "8554"}};
}

std::map<std::string, std::string> MediamtxStandin::ready_vars(const std::string& path,
                                                               const std::string& source_type,
                                                               const std::string& source_id) {
  auto vars = path_vars(path);
  vars["MTX_QUERY"] = "";
  vars["MTX_SOURCE_TYPE"] = source_type;
  vars["MTX_SOURCE_ID"] = source_id;
  return vars;
}

std::map<std::string, std::string> MediamtxStandin::segment_create_vars(const std::string& path,
                                                                        const std::string& segment_path) {
  auto vars = path_vars(path);
  vars["MTX_SEGMENT_PATH"] = segment_path;
  return vars;
}

std::map<std::string, std::string> MediamtxStandin::segment_complete_vars(const std::string& path,
                                                                          const std::string& segment_path,
                                                                          double seconds) {
  auto vars = segment_create_vars(path, segment_path);
  vars["MTX_SEGMENT_DURATION"] = go_format_seconds(seconds);
  return vars;
}

std::string MediamtxStandin::go_format_seconds(double seconds) {
  if (std::isnan(seconds)) return "NaN";
  if (std::isinf(seconds)) return seconds > 0 ? "+Inf" : "-Inf";
  char buf[400];  // the longest fixed form of a double (DBL_MAX, or 5e-324 with its zeros) fits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, seconds, std::chars_format::fixed);
  if (ec != std::errc()) throw std::logic_error("go_format_seconds: to_chars failed");
  return std::string(buf, end);
}

}  // namespace hs::test
