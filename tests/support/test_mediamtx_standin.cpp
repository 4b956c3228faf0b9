// Pins the MediaMTX stand-in to MediaMTX's launch rules (mediamtx-contract.md §2): go-shellquote
// splitting, os.Expand per argument, LookPath, and the child's env, cwd, stdin and process group.
// Every launched program is a plain binary; no test needs /bin/sh.
#include "support/mediamtx_standin.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using hs::test::go_expand;
using hs::test::HookStartError;
using hs::test::MediamtxStandin;
using hs::test::shellquote_split;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "standin-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = fs::canonical(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  for (auto& line : lines(text)) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

// What MediaMTX does to a command before exec: split, then expand every element.
std::vector<std::string> split_expand(const std::string& command, const std::map<std::string, std::string>& vars) {
  auto words = shellquote_split(command);
  for (auto& w : words) {
    w = go_expand(w, [&](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    });
  }
  return words;
}

void make_file(const fs::path& path, const std::string& content, fs::perms perms) {
  {
    std::ofstream out(path);
    out << content;
  }
  fs::permissions(path, perms);
}

}  // namespace

TEST_CASE("splitting happens before expansion, so values stay one argument", "[standin]") {
  const std::map<std::string, std::string> vars = {
      {"MTX_PATH", "cam1"}, {"MTX_SEGMENT_PATH", "./recordings/my cam/it's \"here\".mp4"}};
  struct Case {
    std::string command;
    std::vector<std::string> argv;
  };
  const std::vector<Case> cases = {
      {R"(/usr/bin/printf '%s\n' "$MTX_SEGMENT_PATH")",
       {"/usr/bin/printf", R"(%s\n)", "./recordings/my cam/it's \"here\".mp4"}},
      {"notify $MTX_SEGMENT_PATH $MTX_PATH", {"notify", "./recordings/my cam/it's \"here\".mp4", "cam1"}},
      // MediaMTX expands inside single quotes too: the shell never sees $1, $$ or $MTX_PATH.
      {"sh -c 'echo $1 $$ \"$MTX_PATH\"'", {"sh", "-c", "echo   \"cam1\""}},
      {"sh -c 'echo $(date)'", {"sh", "-c", "echo $(date)"}},
      {"sh -c 'echo \\$MTX_PATH'", {"sh", "-c", "echo \\cam1"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.command);
    CHECK(split_expand(c.command, vars) == c.argv);
  }
}

TEST_CASE("go_format_seconds matches strconv.FormatFloat(f, 'f', -1, 64)", "[standin]") {
  struct Case {
    double seconds;
    std::string text;
  };
  const std::vector<Case> cases = {
      {10, "10"},
      {3600.016, "3600.016"},
      {0.5, "0.5"},
      {2.04, "2.04"},
      {1e-6, "0.000001"},
      {0, "0"},
      {-0.0, "-0"},
      {0.1 + 0.2, "0.30000000000000004"},
      {86400, "86400"},
      {1e21, "1000000000000000000000"},
      {123456.789012, "123456.789012"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.seconds);
    CHECK(MediamtxStandin::go_format_seconds(c.seconds) == c.text);
  }
}

TEST_CASE("hook variable builders follow the contract", "[standin]") {
  using Vars = std::map<std::string, std::string>;
  CHECK(MediamtxStandin::path_vars("cam1") == Vars{{"MTX_PATH", "cam1"}, {"RTSP_PATH", "cam1"}, {"RTSP_PORT", "8554"}});
  CHECK(MediamtxStandin::ready_vars("site/cam2") == Vars{{"MTX_PATH", "site/cam2"},
                                                         {"RTSP_PATH", "site/cam2"},
                                                         {"RTSP_PORT", "8554"},
                                                         {"MTX_QUERY", ""},
                                                         {"MTX_SOURCE_TYPE", "rtspSource"},
                                                         {"MTX_SOURCE_ID", ""}});
  CHECK(MediamtxStandin::ready_vars("cam1", "rtmpConn", "3f2b").at("MTX_SOURCE_ID") == "3f2b");
  CHECK(MediamtxStandin::segment_create_vars("cam1", "./recordings/cam1/a.mp4") ==
        Vars{{"MTX_PATH", "cam1"},
             {"RTSP_PATH", "cam1"},
             {"RTSP_PORT", "8554"},
             {"MTX_SEGMENT_PATH", "./recordings/cam1/a.mp4"}});
  CHECK(MediamtxStandin::segment_complete_vars("cam1", "./recordings/cam1/a.mp4", 3600.016) ==
        Vars{{"MTX_PATH", "cam1"},
             {"RTSP_PATH", "cam1"},
             {"RTSP_PORT", "8554"},
             {"MTX_SEGMENT_PATH", "./recordings/cam1/a.mp4"},
             {"MTX_SEGMENT_DURATION", "3600.016"}});
}

TEST_CASE("a hook gets MediaMTX's environment plus its variables, which win", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path, {{"MTX_PATH", "from-mediamtx-env"},
                                {"MTX_PATHS_CAM1_SOURCE", "rtsp://user:secret@cam1/stream"},
                                {"STANDIN_ONLY_IN_MEDIAMTX", "yes"}});
  const int id = mtx.launch("/usr/bin/env", MediamtxStandin::ready_vars("cam1"));
  const auto r = mtx.wait(id);
  REQUIRE(r.exit_code == 0);
  CHECK(lines_starting_with(r.output, "MTX_PATH=") == std::vector<std::string>{"MTX_PATH=cam1"});
  CHECK(lines_starting_with(r.output, "RTSP_PATH=") == std::vector<std::string>{"RTSP_PATH=cam1"});
  CHECK(lines_starting_with(r.output, "RTSP_PORT=") == std::vector<std::string>{"RTSP_PORT=8554"});
  CHECK(lines_starting_with(r.output, "MTX_SOURCE_TYPE=") == std::vector<std::string>{"MTX_SOURCE_TYPE=rtspSource"});
  CHECK(lines_starting_with(r.output, "MTX_SOURCE_ID=") == std::vector<std::string>{"MTX_SOURCE_ID="});
  CHECK(lines_starting_with(r.output, "MTX_QUERY=") == std::vector<std::string>{"MTX_QUERY="});
  // MediaMTX hands its whole environment on, secrets included; the hook client must not print them.
  CHECK(lines_starting_with(r.output, "MTX_PATHS_CAM1_SOURCE=") ==
        std::vector<std::string>{"MTX_PATHS_CAM1_SOURCE=rtsp://user:secret@cam1/stream"});
  CHECK(lines_starting_with(r.output, "STANDIN_ONLY_IN_MEDIAMTX=") ==
        std::vector<std::string>{"STANDIN_ONLY_IN_MEDIAMTX=yes"});
  CHECK(lines_starting_with(r.output, "PWD=") == std::vector<std::string>{"PWD=" + wd.path.string()});
  if (const char* path = ::getenv("PATH")) {
    CHECK(lines_starting_with(r.output, "PATH=") == std::vector<std::string>{std::string("PATH=") + path});
  }
}

TEST_CASE("argv[0] is resolved through MediaMTX's PATH but passed as written", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path, {{"PATH", "/nonexistent-standin-dir:/usr/bin:/bin"}});
  const auto r = mtx.wait(mtx.launch("cat /proc/self/cmdline", {}));
  CHECK(r.exit_code == 0);
  CHECK(r.output == std::string("cat") + '\0' + "/proc/self/cmdline" + '\0');
}

TEST_CASE("a hook runs in MediaMTX's working directory", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  CHECK(mtx.wait(mtx.launch("/bin/pwd", {})).output == wd.path.string() + "\n");

  // A relative program path is relative to MediaMTX's cwd, not the test's.
  fs::create_directory(wd.path / "bin");
  fs::copy_file("/bin/pwd", wd.path / "bin" / "where");
  const auto r = mtx.wait(mtx.launch("./bin/where", {}));
  CHECK(r.exit_code == 0);
  CHECK(r.output == wd.path.string() + "\n");

  // A working_dir given with a trailing slash or relative components is normalised.
  MediamtxStandin mtx2(wd.path / "bin" / ".." / "");
  CHECK(mtx2.working_dir() == wd.path);
  CHECK(mtx2.wait(mtx2.launch("/bin/pwd", {})).output == wd.path.string() + "\n");
}

TEST_CASE("a variable with spaces arrives as one argument, hook vars win over MediaMTX's env", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path, {{"MTX_PATH", "from-mediamtx-env"}, {"ONLY_IN_MEDIAMTX", "from-env"}});
  const auto vars = MediamtxStandin::segment_complete_vars("cam1", "./recordings/my cam/it's here.mp4", 2.04);

  auto r = mtx.wait(mtx.launch(R"(/usr/bin/printf '[%s]\n' "$MTX_SEGMENT_PATH" $MTX_SEGMENT_PATH $MTX_PATH)", vars));
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "[./recordings/my cam/it's here.mp4]\n"
        "[./recordings/my cam/it's here.mp4]\n"
        "[cam1]\n");

  r = mtx.wait(mtx.launch(R"(/usr/bin/printf '%s|%s|%s|%s\n' $MTX_PATH "$ONLY_IN_MEDIAMTX" "$NOT_SET_ANYWHERE" ${MTX_SEGMENT_DURATION}s)", vars));
  CHECK(r.output == "cam1|from-env||2.04s\n");

  // What an `sh -c '...'` script would receive: MediaMTX has already eaten $1 and $$.
  r = mtx.wait(mtx.launch(R"(/usr/bin/printf '%s\n' 'echo $1 $$ $(date)')", vars));
  CHECK(r.output == "echo   $(date)\n");
}

TEST_CASE("a hook's stdin is /dev/null and it inherits no other descriptors", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  CHECK(mtx.wait(mtx.launch("/usr/bin/readlink /proc/self/fd/0", {})).output == "/dev/null\n");
  const auto cat = mtx.wait(mtx.launch("/bin/cat", {}), 5s);  // would hang on a terminal or pipe
  CHECK(cat.exit_code == 0);
  CHECK(cat.output.empty());

  const int low = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  REQUIRE(low >= 0);
  const int high = fcntl(low, F_DUPFD, 60);
  ::close(low);
  REQUIRE(high >= 60);
  const auto fds = lines(mtx.wait(mtx.launch("/bin/ls /proc/self/fd", {})).output);
  ::close(high);
  CHECK(std::find(fds.begin(), fds.end(), std::to_string(high)) == fds.end());
  CHECK(std::find(fds.begin(), fds.end(), "2") != fds.end());
}

TEST_CASE("a hook leads its own process group", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  const int id = mtx.launch("/bin/cat /proc/self/stat", {});
  const auto r = mtx.wait(id);
  REQUIRE(r.exit_code == 0);
  // /proc/<pid>/stat: pid (comm) state ppid pgrp ...
  const auto close_paren = r.output.rfind(')');
  REQUIRE(close_paren != std::string::npos);
  std::istringstream fields(r.output.substr(close_paren + 1));
  std::string state;
  long ppid = 0, pgrp = 0;
  fields >> state >> ppid >> pgrp;
  const long pid = std::stol(r.output);
  CHECK(pid == mtx.run(id).pid);
  CHECK(pgrp == pid);
  CHECK(pgrp != static_cast<long>(getpgrp()));
  CHECK(ppid == static_cast<long>(getpid()));
}

TEST_CASE("start failures carry Go's exec error text", "[standin]") {
  TempDir wd;
  make_file(wd.path / "not-executable", "data\n", fs::perms::owner_read | fs::perms::owner_write);
  MediamtxStandin mtx(wd.path);
  const std::string not_exec = (wd.path / "not-executable").string();
  struct Case {
    std::string command;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"no-such-hook-binary --flag", R"(exec: "no-such-hook-binary": executable file not found in $PATH)"},
      {"/nonexistent/hook-server hook ready", "fork/exec /nonexistent/hook-server: no such file or directory"},
      {"./missing", "fork/exec ./missing: no such file or directory"},
      {not_exec, "fork/exec " + not_exec + ": permission denied"},
      {"''", "exec: no command"},
      {"$UNSET_STANDIN_PROGRAM arg", "exec: no command"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.command);
    CHECK_THROWS_AS(mtx.launch(c.command, {}), HookStartError);
    CHECK_THROWS_WITH(mtx.launch(c.command, {}), c.message);
  }
  CHECK_THROWS_AS(mtx.launch("/usr/bin/printf 'abc", {}), hs::BadInput);
  CHECK_THROWS_WITH(mtx.launch("   ", {}), R"(command splits into no words (MediaMTX would crash): "   ")");
  CHECK(mtx.wait_all().empty());  // nothing was started
  CHECK_THROWS_WITH(MediamtxStandin(wd.path / "nope"),
                    "MediamtxStandin: working_dir is not a directory: \"" + (wd.path / "nope").string() + "\"");
}

TEST_CASE("LookPath refuses a program found through a relative PATH entry", "[standin]") {
  TempDir wd;
  fs::copy_file("/bin/true", wd.path / "myhook");
  {
    MediamtxStandin mtx(wd.path, {{"PATH", "/nonexistent-standin-dir:"}});  // "" means "."
    CHECK_THROWS_WITH(mtx.launch("myhook", {}),
                      R"(exec: "myhook": cannot run executable found relative to current directory)");
  }
  {
    MediamtxStandin mtx(wd.path, {{"PATH", "/nonexistent-standin-dir:" + wd.path.string()}});
    CHECK(mtx.wait(mtx.launch("myhook", {})).exit_code == 0);
  }
  {
    MediamtxStandin mtx(wd.path, {{"PATH", ""}});
    CHECK_THROWS_WITH(mtx.launch("true", {}), R"(exec: "true": executable file not found in $PATH)");
  }
}

TEST_CASE("exit status and both output streams are captured", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  CHECK(mtx.wait(mtx.launch("/bin/false", {})).exit_code == 1);
  const auto r = mtx.wait(mtx.launch("/bin/ls /nonexistent-standin-dir", {}));
  CHECK(r.exit_code == 2);
  CHECK(r.term_signal == 0);
  CHECK_THAT(r.output, Catch::Contains("/nonexistent-standin-dir"));  // from stderr
  CHECK(mtx.run(1).output_path.filename() == "hook-1.out");
}

TEST_CASE("interrupt sends SIGINT to a running hook's group", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  const int id = mtx.launch("/bin/sleep 30", {});
  std::this_thread::sleep_for(50ms);
  mtx.interrupt(id);
  const auto r = mtx.wait(id, 5s);
  CHECK(r.exit_code == -1);
  CHECK(r.term_signal == SIGINT);
  CHECK(r.elapsed < 5s);

  // Like MediaMTX, interrupting a hook that has already exited does nothing.
  const int done = mtx.launch("/bin/true", {});
  CHECK(mtx.wait(done).exit_code == 0);
  CHECK_NOTHROW(mtx.interrupt(done));
}

TEST_CASE("waiting too long kills the hook and fails", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  const int id = mtx.launch("/bin/sleep 30", {});
  CHECK_THROWS_WITH(mtx.wait(id, 100ms),
                    R"(hook 0 (command "/bin/sleep 30") was still running after 100 ms; its process group was killed)");
  const auto r = mtx.wait(id);
  CHECK(r.term_signal == SIGKILL);
  CHECK(r.exit_code == -1);

  const int other = mtx.launch("/bin/sleep 30", {});
  CHECK_THROWS_WITH(mtx.wait_all(100ms),
                    R"(hooks still running after 100 ms, their process groups were killed: 1 ("/bin/sleep 30"))");
  CHECK(mtx.wait(other).term_signal == SIGKILL);
}

TEST_CASE("hooks run concurrently and wait_all returns them by id", "[standin]") {
  TempDir wd;
  MediamtxStandin mtx(wd.path);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) mtx.launch("/bin/sleep 0.5", {});
  mtx.launch(R"(/usr/bin/printf 'last %s\n' $MTX_PATH)", MediamtxStandin::path_vars("cam9"));
  const auto results = mtx.wait_all();
  const auto wall = std::chrono::steady_clock::now() - start;
  REQUIRE(results.size() == 4);
  for (int i = 0; i < 3; ++i) {
    CHECK(results[i].exit_code == 0);
    CHECK(results[i].elapsed >= 500ms);
  }
  CHECK(results[3].output == "last cam9\n");
  CHECK(wall < 1400ms);  // three half-second sleeps in parallel, not in sequence
}

TEST_CASE("the destructor kills and reaps hooks still running", "[standin]") {
  TempDir wd;
  pid_t pid = 0;
  fs::path output;
  {
    MediamtxStandin mtx(wd.path);
    const int id = mtx.launch("/bin/sleep 30", {});
    pid = mtx.run(id).pid;
    output = mtx.run(id).output_path;
    REQUIRE(::kill(pid, 0) == 0);
  }
  errno = 0;
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
  CHECK_FALSE(fs::exists(output));
}
