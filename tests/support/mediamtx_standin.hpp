#pragma once
// A stand-in for MediaMTX's hook launcher (internal/externalcmd of v1.20.1, Linux build), so that
// integration tests start `hook-server hook <event>` exactly the way MediaMTX does
// (docs: mediamtx-contract.md §2):
//
//   1. the runOn* string is split like github.com/kballard/go-shellquote's Split (no shell);
//   2. every argv element goes through Go's os.Expand, names looked up in the hook's variables
//      first and then in MediaMTX's own environment, unknown names becoming "";
//   3. argv[0] without a '/' is resolved through MediaMTX's $PATH like Go's exec.LookPath;
//   4. the child gets MediaMTX's environment with the hook variables appended (last value wins),
//      MediaMTX's working directory, stdin = /dev/null, and leads its own process group.
//
// Differences on purpose: stdout and stderr go to one file per launch instead of MediaMTX's
// terminal, so tests can read what the hook client printed; exit statuses are kept (MediaMTX drops
// them); and launch() reports start failures by throwing instead of MediaMTX's silent drop for
// one-shot hooks. Not thread-safe: use one instance from one thread.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mediamtx/hook_exec.hpp"

namespace hs::test {

// The launch rules themselves live in src/mediamtx/hook_exec.hpp (doctor checks hook commands
// with them); the stand-in applies them and spawns.
using hs::go_expand;
using hs::HookStartError;
using hs::shellquote_split;

struct HookRun {
  pid_t pid;                          // also the process group id
  std::filesystem::path output_path;  // stdout+stderr of the hook, filled while it runs
};

class MediamtxStandin {
 public:
  struct Result {
    int exit_code;  // like Go's ExitCode(): the exit status, or -1 when ended by a signal
    std::string output;  // everything the hook wrote to stdout and stderr, interleaved
    std::chrono::milliseconds elapsed;  // from launch to the moment the exit was seen
    int term_signal = 0;                // the signal that ended it, 0 when it exited
  };

  // working_dir: MediaMTX's cwd (must be an existing directory; made absolute). env_extra:
  // variables of MediaMTX's own environment on top of this process's environ, taken at
  // construction (e.g. MTX_PATHS_CAM1_SOURCE=rtsp://user:secret@... to check it does not leak).
  // PWD is set to working_dir, as for a MediaMTX started from a shell there, unless env_extra
  // sets it. Throws std::invalid_argument when working_dir is not a directory.
  explicit MediamtxStandin(std::filesystem::path working_dir,
                           std::map<std::string, std::string> env_extra = {});
  // SIGKILLs the process group of every hook, reaps the hooks and removes the output files.
  ~MediamtxStandin();
  MediamtxStandin(const MediamtxStandin&) = delete;
  MediamtxStandin& operator=(const MediamtxStandin&) = delete;

  // Launches `command` (a runOn* value) for one hook event the way MediaMTX does (see the top of
  // this file) and returns at once with an id (0, 1, 2, ... in launch order). Throws BadInput when
  // the command does not split (see shellquote_split), std::invalid_argument when it splits into
  // no words (MediaMTX would crash), HookStartError when the program cannot be started.
  int launch(const std::string& command, const std::map<std::string, std::string>& hook_vars);

  // Waits for one hook. If it is still running after `timeout`, SIGKILLs its process group and
  // throws std::runtime_error naming the hook. Waiting again returns the same result.
  Result wait(int id, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for every hook launched so far and returns their results indexed by id. On timeout,
  // SIGKILLs the groups of those still running and throws std::runtime_error listing them.
  std::vector<Result> wait_all(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Sends SIGINT to the hook's process group, as MediaMTX does when the event of a long-running
  // hook ends. Like MediaMTX, does nothing once the hook itself has exited.
  void interrupt(int id);

  HookRun run(int id) const;
  const std::filesystem::path& working_dir() const { return working_dir_; }
  // MediaMTX's os.Getenv: its environment as set up by the constructor.
  std::optional<std::string> getenv(std::string_view name) const;

  // Hook variables per mediamtx-contract.md §1.2-1.3. path_vars is the base every path hook gets.
  static std::map<std::string, std::string> path_vars(const std::string& path);
  // runOnReady/runOnAvailable/runOnNotReady/runOnOnline/...: source_id is "" for static sources
  // such as rtspSource and a UUID for sessions; MTX_QUERY is "" (static sources have none).
  static std::map<std::string, std::string> ready_vars(const std::string& path,
                                                       const std::string& source_type = "rtspSource",
                                                       const std::string& source_id = "");
  static std::map<std::string, std::string> segment_create_vars(const std::string& path,
                                                                const std::string& segment_path);
  static std::map<std::string, std::string> segment_complete_vars(const std::string& path,
                                                                  const std::string& segment_path,
                                                                  double seconds);
  // Go's strconv.FormatFloat(seconds, 'f', -1, 64): the shortest decimal that reads back as the
  // same double, never in exponent form: 10 -> "10", 3600.016 -> "3600.016", 1e-6 -> "0.000001".
  // NaN -> "NaN", infinities -> "+Inf" / "-Inf" as in Go.
  static std::string go_format_seconds(double seconds);

 private:
  struct Hook {
    std::string command;
    pid_t pid;
    std::filesystem::path output_path;
    std::chrono::steady_clock::time_point started;
    std::optional<Result> result;  // set once the exit has been seen (the zombie is kept)
  };

  Hook& hook(int id);
  const Hook& hook(int id) const;
  bool poll(Hook& h, bool block);

  std::filesystem::path working_dir_;
  std::vector<std::string> environ_;  // MediaMTX's environment, "KEY=value"
  std::filesystem::path output_dir_;
  std::vector<Hook> hooks_;
};

}  // namespace hs::test
