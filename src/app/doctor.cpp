// The checks of `hook-server doctor`, each a small function that looks at one thing the way the part
// that depends on it would (MediaMTX exec'ing a hook, its cleaner, the recordings disk) and says how
// to fix what it finds.
#include "app/doctor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "config/config.hpp"
#include "domain/record_path.hpp"
#include "mediamtx/camera_path.hpp"
#include "mediamtx/config_gen.hpp"
#include "mediamtx/control_api.hpp"
#include "mediamtx/hook_exec.hpp"
#include "snapshot/capture_module.hpp"
#include "util/error.hpp"
#include "util/tree_walk.hpp"
#include "util/zone.hpp"

extern char** environ;

namespace hs {

namespace fs = std::filesystem;
using Status = DoctorCheck::Status;

namespace {

DoctorCheck ok(std::string name, std::string message) { return {std::move(name), Status::ok, std::move(message), ""}; }
DoctorCheck skip(std::string name, std::string message) { return {std::move(name), Status::skip, std::move(message), ""}; }
DoctorCheck warn(std::string name, std::string message, std::string fix) {
  return {std::move(name), Status::warn, std::move(message), std::move(fix)};
}
DoctorCheck fail(std::string name, std::string message, std::string fix) {
  return {std::move(name), Status::fail, std::move(message), std::move(fix)};
}

std::string gib(std::uint64_t bytes) { return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1ull << 30)); }

std::string gen_config_command(const Config& c) { return fmt::format("hook-server gen-config --config {}", c.file.string()); }

// ---- mediamtx-config, record-cleaner --------------------------------------------------------------

DoctorCheck check_generated(const Config& c) {
  const std::string name = "mediamtx-config";
  std::vector<CameraConfig> cameras = c.cameras;
  try {
    for (auto& api : api_cameras_in_output(c)) cameras.push_back(std::move(api));
  } catch (const Error& e) {
    return fail(name, e.what(), fmt::format("repair or delete {}, then run {}", c.mediamtx.output.string(), gen_config_command(c)));
  }
  auto r = check_mediamtx_config(c, cameras);
  if (!r.valid) {
    std::string error = r.diff.substr(0, r.diff.find('\n'));
    return fail(name, fmt::format("{} cannot be generated: {}", r.output.string(), error.substr(error.rfind("error: ", 0) == 0 ? 7 : 0)),
                fmt::format("correct what the message names, then run {}", gen_config_command(c)));
  }
  if (!r.changed) return ok(name, fmt::format("{} is up to date ({} cameras)", r.output.string(), cameras.size()));
  std::error_code ec;
  if (!fs::exists(r.output, ec))
    return fail(name, fmt::format("{} does not exist", r.output.string()), fmt::format("run {}", gen_config_command(c)));
  // Lines the diff removes or adds, below its "--- a" and "+++ b" header.
  std::size_t changed = 0;
  std::istringstream lines(r.diff);
  std::string line;
  for (int n = 0; std::getline(lines, line); ++n)
    if (n >= 2 && !line.empty() && (line[0] == '+' || line[0] == '-')) ++changed;
  return fail(name, fmt::format("{} is out of date ({} lines differ from what gen-config writes now)", r.output.string(), changed),
              fmt::format("run {} (gen-config --check shows the difference)", gen_config_command(c)));
}

DoctorCheck check_cleaner(const Config& c) {
  const std::string name = "record-cleaner";
  std::error_code ec;
  if (!fs::exists(c.mediamtx.output, ec)) return skip(name, fmt::format("{} does not exist yet", c.mediamtx.output.string()));
  std::vector<CleanerRisk> risks;
  try {
    risks = mediamtx_cleaner_risks(c);
  } catch (const Error& e) {
    return fail(name, e.what(), fmt::format("repair {}, then run {}", c.mediamtx.output.string(), gen_config_command(c)));
  }
  if (risks.empty())
    return ok(name, fmt::format("MediaMTX's cleaner deletes nothing under {} (recordDeleteAfter 0s wherever it records there)",
                                c.recordings_root().string()));
  std::string where;
  for (const auto& r : risks) where += fmt::format("{}{} ({})", where.empty() ? "" : ", ", r.where, r.value);
  return fail(name,
              fmt::format("MediaMTX's cleaner would delete recordings under {}, permanent ones included: {}",
                          c.recordings_root().string(), where),
              fmt::format("set recordDeleteAfter: 0s there (pathDefaults in {}), then run {}",
                          c.mediamtx.base_config.filename().string(), gen_config_command(c)));
}

// ---- hook-commands ---------------------------------------------------------------------------------

struct Ran {
  int status = -1;  // exit status, -1 when it did not exit (signal, timeout, not started)
  std::string output;
  std::string error;  // why it did not run
};

// Runs argv from `cwd` with stdin /dev/null and stdout+stderr captured, for at most `limit`.
Ran run_program(const fs::path& program, const std::vector<std::string>& argv, const fs::path& cwd,
                std::chrono::milliseconds limit) {
  Ran ran;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ran.error = std::string("pipe: ") + std::strerror(errno), ran;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, program.c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return ran.error = fmt::format("fork/exec {}: {}", program.string(), go_errno_text(rc)), ran;
  }
  auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fds[0], POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) == 0) {
      ::kill(pid, SIGKILL);
      ran.error = fmt::format("still running after {} ms", limit.count());
      break;
    }
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (ran.output.size() < 64 * 1024) ran.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (ran.error.empty() && WIFEXITED(wstatus)) ran.status = WEXITSTATUS(wstatus);
  else if (ran.error.empty()) ran.error = fmt::format("ended by signal {}", WTERMSIG(wstatus));
  return ran;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// One hook command as MediaMTX would start it; "" when it would start and is this hook-server.
std::optional<DoctorCheck> check_one_hook(const Config& c, const std::string& where, const std::string& command,
                                          const DoctorOptions& o, std::string& program_seen) {
  const std::string name = "hook-commands";
  const std::string fix_command = fmt::format("set mediamtx.hook_command to the absolute path of hook-server (it "
                                              "defaults to the one beside hook-server-full), then run {}",
                                              gen_config_command(c));
  std::vector<std::string> argv;
  try {
    argv = shellquote_split(command);
  } catch (const BadInput& e) {
    return fail(name, fmt::format("{}: {}", where, e.what()), fix_command);
  }
  auto lookup = [&](std::string_view var) -> std::optional<std::string> {
    if (var == "MTX_PATH" || var == "RTSP_PATH") return where.substr(where.find('.') + 1);
    if (const char* v = std::getenv(std::string(var).c_str())) return std::string(v);
    return std::nullopt;
  };
  for (auto& a : argv) a = go_expand(a, lookup);
  if (argv.empty()) return fail(name, fmt::format("{}: the command is empty", where), fix_command);
  fs::path program;
  try {
    program = resolve_hook_program(argv[0], o.path_var, c.mediamtx.working_dir);
  } catch (const HookStartError& e) {
    return fail(name, fmt::format("{}: MediaMTX cannot start {}: {}", where, quote(command), e.what()), fix_command);
  }
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != "--config" && argv[i] != "-c") continue;
    fs::path file = argv[i + 1];
    if (file.is_relative()) file = c.mediamtx.working_dir / file;
    if (::access(file.c_str(), R_OK) != 0)
      return fail(name, fmt::format("{}: the hook's --config {} cannot be read: {}", where, quote(argv[i + 1]), std::strerror(errno)),
                  fmt::format("make {} readable by MediaMTX's user, or run {} with the right --config", file.string(),
                              gen_config_command(c)));
  }
  program_seen = program.string();
  Ran ran = run_program(program, {argv[0], "--version"}, c.mediamtx.working_dir, std::chrono::seconds{5});
  if (!ran.error.empty() || ran.status != 0)
    return fail(name, fmt::format("{}: {} --version from {} failed: {}", where, program.string(), c.mediamtx.working_dir.string(),
                                  ran.error.empty() ? fmt::format("exit status {}: {}", ran.status, quote(trimmed(ran.output))) : ran.error),
                fix_command);
  if (trimmed(ran.output) != HOOK_SERVER_VERSION)
    return warn(name, fmt::format("{}: {} reports version {}, this is hook-server {}", where, program.string(),
                                  quote(trimmed(ran.output)), HOOK_SERVER_VERSION),
                fix_command);
  return std::nullopt;
}

DoctorCheck check_hooks(const Config& c, const DoctorOptions& o) {
  const std::string name = "hook-commands";
  std::error_code ec;
  if (!fs::is_directory(c.mediamtx.working_dir, ec))
    return fail(name, fmt::format("MediaMTX's working directory {} does not exist: MediaMTX resolves hook programs and "
                                  "relative recordings from it", c.mediamtx.working_dir.string()),
                "create it and start MediaMTX there, or set mediamtx.working_dir to the folder MediaMTX runs in");
  YAML::Node root;
  try {
    root = YAML::LoadFile(c.mediamtx.output.string());
  } catch (const YAML::BadFile&) {
    return skip(name, fmt::format("{} does not exist yet", c.mediamtx.output.string()));
  } catch (const YAML::Exception& e) {
    return fail(name, fmt::format("{}: {}", c.mediamtx.output.string(), e.what()), fmt::format("run {}", gen_config_command(c)));
  }
  // The hooks hook-server writes, wherever they are; each distinct command is checked once.
  static const char* const kHookKeys[] = {"runOnReady", "runOnNotReady", "runOnAvailable", "runOnUnavailable",
                                          "runOnRecordSegmentCreate", "runOnRecordSegmentComplete"};
  std::map<std::string, std::string> commands;  // command -> first place it is used
  auto collect = [&](const YAML::Node& map, const std::string& where) {
    if (!map || !map.IsMap()) return;
    for (const char* key : kHookKeys)
      if (auto v = map[key]; v && v.IsScalar() && !v.Scalar().empty()) commands.try_emplace(v.Scalar(), where + "." + key);
  };
  collect(root["pathDefaults"], "pathDefaults");
  if (auto paths = root["paths"]; paths && paths.IsMap())
    for (const auto& kv : paths) collect(kv.second, "paths." + kv.first.Scalar());
  if (commands.empty()) return skip(name, fmt::format("no hook commands in {} (no cameras yet)", c.mediamtx.output.string()));
  std::string program;
  for (const auto& [command, where] : commands) {
    // `where` is "paths.<name>.<key>"; MTX_PATH is the path name.
    std::string path_part = where.substr(0, where.rfind('.'));
    if (auto problem = check_one_hook(c, path_part, command, o, program)) {
      problem->message.replace(0, path_part.size(), where);
      return *problem;
    }
  }
  return ok(name, fmt::format("{} distinct hook commands start from {}: {} is hook-server {}", commands.size(),
                              c.mediamtx.working_dir.string(), program, HOOK_SERVER_VERSION));
}

// ---- recordings, timezone, disk ----------------------------------------------------------------------

DoctorCheck check_recordings(const Config& c) {
  const std::string name = "recordings";
  const fs::path root = c.recordings_root();
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0)
    return warn(name, fmt::format("the recordings root {} does not exist: {}", root.string(), std::strerror(errno)),
                "MediaMTX creates it on its first recording; if recordings live elsewhere, mount that disk or correct "
                "mediamtx.working_dir and mediamtx.record_path");
  if (!S_ISDIR(st.st_mode)) return fail(name, fmt::format("the recordings root {} is not a folder", root.string()),
                                        "move that file away, or correct mediamtx.record_path");
  std::string owner = fmt::format("owner {}:{}, mode {:04o}", st.st_uid, st.st_gid, st.st_mode & 07777);
  if (::access(root.c_str(), R_OK | W_OK | X_OK) != 0)
    return fail(name, fmt::format("{} ({}): this user (uid {}) cannot list and delete in it: {}", root.string(), owner,
                                  ::geteuid(), std::strerror(errno)),
                "give hook-server's user read, write and search access (e.g. a group shared with MediaMTX's user, "
                "mode 2775): it indexes and deletes recordings");
  return ok(name, fmt::format("{} ({}) can be listed, read and deleted in by uid {}", root.string(), owner, ::geteuid()));
}

DoctorCheck check_timezone(const Config& c, TimePoint now) {
  const std::string name = "timezone";
  const fs::path root = c.recordings_root();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return skip(name, "no recordings root yet");
  const RecordPath rp(c.mediamtx.record_path, c.mediamtx.record_format, Zone::named(c.mediamtx.timezone));
  struct Newest {
    std::string file;
    TimePoint start;
    TimePoint mtime;
  };
  std::optional<Newest> newest;
  walk_tree(root, [&](const TreeEntry& e) {
    if (e.kind != TreeEntry::Kind::regular) return;
    auto d = rp.decode(e.relative);
    if (!d || (newest && d->start <= newest->start)) return;
    struct stat st {};
    if (::fstatat(e.dir_fd, e.name, &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    TimePoint mtime{std::chrono::duration_cast<Micros>(std::chrono::seconds{st.st_mtim.tv_sec})};
    newest = Newest{std::string(e.relative), d->start, mtime};
  });
  if (!newest) return skip(name, fmt::format("no segment files under {} yet", root.string()));
  const Micros slack = std::chrono::minutes{1};
  const std::string fix = fmt::format(
      "set mediamtx.timezone to the zone MediaMTX runs in (its TZ; UTC in most containers), or add %z to recordPath; "
      "mediamtx.timezone is {}",
      quote(c.mediamtx.timezone));
  auto hours = [](Micros d) { return static_cast<double>(d.count()) / 3.6e9; };
  if (newest->start > now + slack)
    return fail(name, fmt::format("the newest segment {} is named {}, {:.1f} h after now ({}): the file name is read in the wrong zone",
                                  newest->file, format_rfc3339_ms(newest->start), hours(newest->start - now), format_rfc3339_ms(now)),
                fix);
  if (newest->start > newest->mtime + slack)
    return fail(name, fmt::format("the newest segment {} is named {}, {:.1f} h after it was last written ({}): the file "
                                  "name is read in the wrong zone",
                                  newest->file, format_rfc3339_ms(newest->start), hours(newest->start - newest->mtime),
                                  format_rfc3339_ms(newest->mtime)),
                fix);
  return ok(name, fmt::format("the newest segment {} starts {} (read in {}), consistent with its last write",
                              newest->file, format_rfc3339_ms(newest->start), c.mediamtx.timezone));
}

DoctorCheck check_disk(const Config& c, const DiskProbe& disk) {
  const std::string name = "disk";
  fs::path at = c.recordings_root();
  std::error_code ec;
  while (!at.empty() && !fs::exists(at, ec) && at.has_parent_path() && at != at.parent_path()) at = at.parent_path();
  DiskUsage u;
  try {
    u = disk.usage(at);
  } catch (const Error& e) {
    return fail(name, e.what(), "mount the recordings disk, or correct mediamtx.record_path");
  }
  const std::uint64_t floor = c.retention.disk_min_free.bytes_of(u.total);
  std::string found = fmt::format("{} free of {} at {} (retention.disk_min_free: {})", gib(u.free), gib(u.total), at.string(), gib(floor));
  if (u.free < floor)
    return fail(name, found + ": below the floor, the disk guard deletes the oldest footage early",
                "free space or grow the disk; lower retention plans or retention.disk_min_free only if that is intended");
  if (u.free < 2 * floor)
    return warn(name, found + ": less than twice the floor", "free space or grow the disk before the disk guard starts deleting early");
  return ok(name, found);
}

// ---- mediamtx-api, server --------------------------------------------------------------------------

DoctorCheck check_mediamtx_api(const Config& c) {
  const std::string name = "mediamtx-api";
  if (c.mediamtx.api_url.empty()) return skip(name, "mediamtx.api_url is empty: camera changes are not hot-applied");
  ControlApi::Info info;
  try {
    info = ControlApi(c.mediamtx.api_url, ControlApi::Options{std::chrono::milliseconds{1000}, std::chrono::milliseconds{2000}}).info();
  } catch (const Error& e) {
    return fail(name, e.what(),
                fmt::format("start MediaMTX with api: true and apiAddress matching mediamtx.api_url ({}), or empty mediamtx.api_url",
                            c.mediamtx.api_url));
  }
  std::string running = info.version.rfind('v', 0) == 0 ? info.version.substr(1) : info.version;
  std::string configured = c.mediamtx.version.rfind('v', 0) == 0 ? c.mediamtx.version.substr(1) : c.mediamtx.version;
  if (running == configured) return ok(name, fmt::format("MediaMTX {} answers at {}", info.version, c.mediamtx.api_url));
  std::string fix = fmt::format("set mediamtx.version: \"{}\" in {}, then run {}", running, c.file.string(), gen_config_command(c));
  bool differ = false;
  try {
    differ = uses_legacy_hook_names(running) != uses_legacy_hook_names(configured);
  } catch (const ConfigError& e) {
    return warn(name, fmt::format("MediaMTX reports version {}: {}", quote(info.version), e.what()), fix);
  }
  if (differ)
    return fail(name, fmt::format("MediaMTX is {} but mediamtx.version is {}: they use different hook names "
                                  "(runOnReady/runOnNotReady before 1.19.3, runOnAvailable/runOnUnavailable since)",
                                  info.version, quote(c.mediamtx.version)),
                fix);
  return warn(name, fmt::format("MediaMTX is {} but mediamtx.version is {}", info.version, quote(c.mediamtx.version)), fix);
}

DoctorCheck check_server(const Config& c) {
  const std::string name = "server";
  std::string host = c.server.host == "0.0.0.0" || c.server.host == "::" || c.server.host.empty() ? "127.0.0.1" : c.server.host;
  httplib::Client cli(host, c.server.port);
  cli.set_connection_timeout(1, 0);
  cli.set_read_timeout(2, 0);
  std::string spool = (c.data_dir / "spool").string();
  auto res = cli.Get("/api/health");
  if (!res)
    return warn(name, fmt::format("hook-server is not answering at {} ({}): hooks are spooled in {} meanwhile", c.listen(),
                                  httplib::to_string(res.error()), spool),
                fmt::format("start it (systemctl start hook-server, or hook-server serve --config {})", c.file.string()));
  try {
    auto body = nlohmann::json::parse(res->body);
    if (res->status == 200 && body.value("status", "") == "ok")
      return ok(name, fmt::format("hook-server {} answers at {}", body.value("version", "?"), c.listen()));
    return warn(name, fmt::format("hook-server at {} reports {}: {}", c.listen(), quote(body.value("status", "?")),
                                  body.contains("alerts") ? body["alerts"].dump() : res->body),
                "act on the alerts (GET /api/health)");
  } catch (const std::exception&) {
    return warn(name, fmt::format("something else answers at {} (HTTP {})", c.listen(), res->status),
                "set server.listen to hook-server's address");
  }
}

DoctorCheck check_snapshots(const Config& c) {
  const std::string name = "snapshots";
  if (c.snapshots.sources.empty()) return skip(name, "snapshots.sources is empty");
  auto candidates = snapshot::capture_module_candidates();
  std::error_code ec;
  for (const auto& path : candidates) {
    if (!fs::exists(path, ec)) continue;
    try {
      snapshot::load_capture_module({path});
      return ok(name, fmt::format("the capture module {} loads (libav found)", path.string()));
    } catch (const snapshot::CaptureUnavailable& e) {
      return fail(name, e.what(), "install the libav libraries it needs (ldd names the missing ones), or reinstall hook-server");
    }
  }
  try {
    snapshot::load_capture_module(candidates);
  } catch (const snapshot::CaptureUnavailable& e) {
    return fail(name, e.what(), "reinstall hook-server: hook-server-capture.so belongs in <prefix>/lib/hook-server/");
  }
  return ok(name, "the capture module loads");
}

}  // namespace

std::vector<DoctorCheck> run_doctor(const fs::path& config_file, const DoctorOptions& o) {
  std::vector<DoctorCheck> checks;
  static const char* const kNeedConfig[] = {"mediamtx-config", "record-cleaner", "hook-commands", "recordings",
                                            "mediamtx-api",    "timezone",       "disk",          "snapshots",
                                            "server"};
  Config c;
  try {
    c = load_config(config_file);
    checks.push_back(ok("config", fmt::format("{} is valid ({} cameras)", config_file.string(), c.cameras.size())));
  } catch (const Error& e) {
    checks.push_back(fail("config", e.what(), fmt::format("correct {} (README.md, Configuration)", config_file.string())));
    for (const char* name : kNeedConfig) checks.push_back(skip(name, "needs a valid configuration"));
    return checks;
  }
  const Clock system;
  const DiskProbe statvfs;
  const TimePoint now = (o.clock ? *o.clock : system).now();
  checks.push_back(check_generated(c));
  checks.push_back(check_cleaner(c));
  checks.push_back(check_hooks(c, o));
  checks.push_back(check_recordings(c));
  checks.push_back(check_mediamtx_api(c));
  checks.push_back(check_timezone(c, now));
  checks.push_back(check_disk(c, o.disk ? *o.disk : statvfs));
  checks.push_back(check_snapshots(c));
  checks.push_back(check_server(c));
  return checks;
}

const char* status_name(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::skip: return "skip";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
  }
  return "?";
}

int doctor_exit_code(const std::vector<DoctorCheck>& checks) {
  int worst = 0;
  for (const auto& c : checks) worst = std::max(worst, c.status == Status::fail ? 2 : c.status == Status::warn ? 1 : 0);
  return worst;
}

std::string doctor_text(const std::vector<DoctorCheck>& checks) {
  std::string out;
  for (const auto& c : checks) {
    out += fmt::format("{:<4}  {:<15}  {}", status_name(c.status), c.name, c.message);
    if (!c.fix.empty()) out += "; fix: " + c.fix;
    out += '\n';
  }
  return out;
}

nlohmann::json doctor_json(const std::vector<DoctorCheck>& checks) {
  static const char* const kWorst[] = {"ok", "warn", "fail"};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : checks)
    list.push_back({{"name", c.name}, {"status", status_name(c.status)}, {"message", c.message}, {"fix", c.fix}});
  return {{"status", kWorst[doctor_exit_code(checks)]}, {"checks", std::move(list)}};
}

}  // namespace hs
