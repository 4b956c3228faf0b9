// The one-shot commands as an operator runs them: gen-config without the index (cameras added
// through the API kept), its hook-command check and default, the sample configurations, progress
// of reconcile and cleanup on a terminal and a summary line otherwise, and JSON log lines.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "support/mediamtx_standin.hpp"
#include "mediamtx/gen_fixture.hpp"
#include "support/server_fixture.hpp"
#include "build_paths.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
using hs::test::mtx::read_file;
namespace fs = std::filesystem;

namespace {

const char* kCameras = R"(cameras:
  - {id: "1", source: "rtsp://10.0.0.5/s"}
)";

// Runs the binary with the arguments as MediaMTX would (no shell); stdout and stderr together.
MediamtxStandin::Result run(const fs::path& cwd, const std::string& args) {
  MediamtxStandin procs(cwd);
  return procs.wait(procs.launch(fmt::format("{} {}", HOOK_SERVER_BIN, args), {}), std::chrono::seconds{60});
}

// Runs argv on a pseudo-terminal (stdout and stderr both) and returns everything it wrote.
std::string run_on_terminal(const std::vector<std::string>& argv, int* status) {
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(master, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));  // EIO at the end
  ::waitpid(pid, status, 0);
  ::close(master);
  return out;
}

}  // namespace

TEST_CASE("gen-config opens no index and keeps the cameras added through the API", "[cli]") {
  ServerFixture server(kCameras);
  server.start();
  auto res = server.request("POST", "/api/streams", R"({"camera_id": "7", "stream_url": "rtsp://10.0.0.7/s", "record": false})");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  server.stop();
  const fs::path output = server.dir() / "mediamtx.yml";
  CHECK(read_file(output).find("# hook-server: api-cameras: 7=camera_7\n") != std::string::npos);

  // Without the index, gen-config still knows camera 7 from the file the server wrote.
  fs::remove_all(server.dir() / "var");
  auto check = run(server.dir(), fmt::format("gen-config --config {} --check", server.config_file().string()));
  CAPTURE(check.output);
  CHECK(check.exit_code == 0);
  CHECK(check.output == output.string() + " is up to date (2 cameras)\n");
  auto write = run(server.dir(), fmt::format("gen-config --config {}", server.config_file().string()));
  CHECK(write.output == output.string() + " unchanged (2 cameras)\n");
  CHECK_FALSE(fs::exists(server.dir() / "var"));
  YAML::Node yml = YAML::LoadFile(output.string());
  CHECK(yml["paths"]["camera_7"]["source"].as<std::string>() == "rtsp://10.0.0.7/s");
  CHECK_FALSE(yml["paths"]["camera_7"]["record"].as<bool>());

  // Its path deleted by hand: the camera goes with it (gen-config has nothing else to rebuild it from).
  std::string text = read_file(output);
  auto at = text.find("  camera_7:\n");
  REQUIRE(at != std::string::npos);
  text.erase(at);
  std::ofstream(output) << text;
  run(server.dir(), fmt::format("gen-config --config {}", server.config_file().string()));
  CHECK_FALSE(YAML::LoadFile(output.string())["paths"]["camera_7"]);
  CHECK(read_file(output).find("# hook-server: api-cameras:\n") != std::string::npos);
}

TEST_CASE("gen-config refuses a hook command MediaMTX cannot run, and defaults to the build's binary", "[cli][bad-input]") {
  TempDir dir;
  auto config = [&](const std::string& hook_line) {
    std::ofstream(dir.path() / "hook-server.yml") << fmt::format(R"(mediamtx:
  working_dir: ./mtx
  base_config: {}/mediamtx-config/base.yml
  output: ./mediamtx.yml
{}
{})",
                                                                 HOOK_SERVER_SOURCE_DIR, hook_line, kCameras);
  };
  const std::string cfg = (dir.path() / "hook-server.yml").string();
  std::ofstream(dir.path() / "plain-file") << "not a program";
  struct Row {
    std::string hook_command, message;
  };
  const Row rows[] = {
      {"/usr/local/bin/hook-server",
       "fork/exec /usr/local/bin/hook-server: no such file or directory"},
      {(dir.path() / "plain-file").string(), fmt::format("fork/exec {}: permission denied", (dir.path() / "plain-file").string())},
      {"no-such-hook-server", "exec: \"no-such-hook-server\": executable file not found in $PATH"},
  };
  for (const auto& r : rows) {
    config("  hook_command: " + r.hook_command);
    auto result = run(dir.path(), "gen-config --config " + cfg);
    CAPTURE(r.hook_command);
    CHECK(result.exit_code == 1);
    CHECK(result.output == fmt::format("hook-server: {}: mediamtx.hook_command: MediaMTX cannot run {}: {}\n", cfg,
                                       quote(r.hook_command), r.message));
    CHECK_FALSE(fs::exists(dir.path() / "mediamtx.yml"));
  }
  // No hook_command: the hook-server beside hook-server-full, i.e. this build's.
  config("");
  auto result = run(dir.path(), "gen-config --config " + cfg);
  CHECK(result.exit_code == 0);
  auto hook = YAML::LoadFile((dir.path() / "mediamtx.yml").string())["paths"]["camera_1"]["runOnAvailable"].as<std::string>();
  CHECK(hook.rfind(std::string(HOOK_SERVER_BIN) + " hook available --config ", 0) == 0);
}

TEST_CASE("gen-config accepts the sample configurations", "[cli]") {
  // Copies, so the source tree is not written to; the same layout (examples/ beside mediamtx-config/).
  TempDir dir;
  fs::create_directories(dir.path() / "examples");
  fs::create_directories(dir.path() / "mediamtx-config");
  fs::copy_file(fs::path(HOOK_SERVER_SOURCE_DIR) / "mediamtx-config" / "base.yml", dir.path() / "mediamtx-config" / "base.yml");
  struct Row {
    std::string file;
    std::size_t cameras;
  };
  for (const Row& r : {Row{"hook-server.yml", 2}, Row{"hook-server-1-camera.yml", 1}, Row{"hook-server-50-cameras.yml", 50}}) {
    CAPTURE(r.file);
    fs::copy_file(fs::path(HOOK_SERVER_SOURCE_DIR) / "examples" / r.file, dir.path() / "examples" / r.file);
    auto result = run(dir.path(), "gen-config --config " + (dir.path() / "examples" / r.file).string());
    CAPTURE(result.output);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find(fmt::format(" written ({} cameras)\n", r.cameras)) != std::string::npos);
  }
  auto fifty = YAML::LoadFile((dir.path() / "examples" / "var" / "fifty-cameras" / "mediamtx.yml").string());
  CHECK(fifty["paths"].size() == 50);
  CHECK(fifty["paths"]["camera_07"]["rtspTransport"].as<std::string>() == "udp");
  CHECK(fifty["paths"]["camera_07"]["recordSegmentDuration"].as<std::string>() == "15m");
}

TEST_CASE("reconcile and cleanup show progress on a terminal and a summary line otherwise", "[cli]") {
  ServerFixture server(kCameras);
  TempDir media;
  auto made = make_segments(media.path(), 3, 2.0);
  place_segments(made, server.working_dir(), "camera_1", parse_rfc3339("2025-01-15T10:00:00Z"), 2.0);
  const std::string cfg = server.config_file().string();

  int status = 0;
  std::string shown = run_on_terminal({HOOK_SERVER_BIN, "--log-level", "warn", "reconcile", "--config", cfg}, &status);
  CAPTURE(shown);
  CHECK(status == 0);
  CHECK(shown.find("\r\x1b[2Kwalking 0") != std::string::npos);
  CHECK(shown.find("\r\x1b[2Kindexing new files 0/3 (0%)") != std::string::npos);
  // The status line is erased before the summary.
  CHECK(shown.find("\r\x1b[2K0 spooled events ingested; 3 segment files: 3 added, 0 finished, 0 missing") != std::string::npos);

  std::string out;
  CHECK(run_command({HOOK_SERVER_BIN, "--log-level", "warn", "reconcile", "--config", cfg}, &out) == 0);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.rfind("0 spooled events ingested; 3 segment files: 0 added, 0 finished, 0 missing, 0 restored, 0 other files ignored (", 0) == 0);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);

  shown = run_on_terminal({HOOK_SERVER_BIN, "--log-level", "warn", "cleanup", "--config", cfg}, &status);
  CAPTURE(shown);
  CHECK(shown.find("\r\x1b[2Kfinishing interrupted deletions 0") != std::string::npos);
  CHECK(shown.find("\r\x1b[2Kdeleting expired 0") != std::string::npos);
  CHECK(run_command({HOOK_SERVER_BIN, "--log-level", "warn", "cleanup", "--config", cfg}, &out) == 0);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.rfind("0 deleted (0 bytes), 0 deleted for disk space, ", 0) == 0);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("server.log_format: json writes one object per line, each with its component", "[cli]") {
  ServerFixture server(kCameras);
  std::string text = read_file(server.config_file());
  text.replace(text.find("server:\n"), 8, "server:\n  log_format: json\n");
  std::ofstream(server.config_file()) << text;

  TempDir media;
  place_segments(make_segments(media.path(), 1, 2.0), server.working_dir(), "camera_1", parse_rfc3339("2025-01-15T10:00:00Z"), 2.0);
  auto result = run(server.dir(), fmt::format("reconcile --config {}", server.config_file().string()));
  CAPTURE(result.output);
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.output);
  int logged = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("0 spooled events ingested", 0) == 0) continue;  // the summary, on stdout
    json j = json::parse(line);
    CHECK(j.size() == 4);
    CHECK(j["time"].get<std::string>().back() == 'Z');
    CHECK(j["level"] == "info");
    CHECK_FALSE(j["component"].get<std::string>().empty());
    CHECK_FALSE(j["message"].get<std::string>().empty());
    ++logged;
  }
  CHECK(logged >= 2);  // the migration of the new index and the reconcile report, at least
}
