// The libav capture module loaded with dlopen: its table works, its exceptions are caught by type
// with their messages in the server, and a missing module is an error naming the paths, not a crash.
#include "snapshot/capture_module.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "snapshot/snapshot_helpers.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/rtsp_server.hpp"
#include "support/server_fixture.hpp"
#include "build_paths.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using hs::snapshot::CaptureLimits;
using hs::snapshot::CaptureUnavailable;
using hs::snapshot::load_capture_module;
using hs::test::free_port;
using hs::test::TempDir;

namespace {

const fs::path kBuilt = HOOK_SERVER_CAPTURE_MODULE_FILE;

}  // namespace

TEST_CASE("the capture module's table captures, and its errors arrive with type and message", "[snapshot][module]") {
  const auto& api = load_capture_module({kBuilt});
  CHECK(&load_capture_module({kBuilt}) == &api);  // loaded once, the same table
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path(), 1, 4.0);
  const CaptureLimits limits{5s, nullptr, 160};

  SECTION("tail, at and the age cut-off") {
    auto tail = api.tail(made[0], 0us, limits);
    CHECK(tail.offset == 3s);
    auto info = hs::test::decode_jpeg(tail.jpeg.bytes);
    CHECK(info.width == 160);
    CHECK(info.height == 90);
    CHECK(tail.jpeg.width == 160);
    // Older than allowed: not encoded.
    auto old = api.tail(made[0], 3s + 1us, limits);
    CHECK(old.offset == 3s);
    CHECK(old.jpeg.bytes.empty());

    auto at = api.at(made[0], 1'379'000us, limits);  // frames at 1.36 and 1.40
    REQUIRE(at);
    CHECK(at->offset == 1'360'000us);
    CHECK(hs::test::decode_jpeg(at->jpeg.bytes).width == 160);
    CHECK_FALSE(api.at(made[0], 60s, limits));
  }
  SECTION("hs::Error thrown in the module is caught as hs::Error with its message") {
    auto junk = tmp.path() / "junk.mp4";
    std::ofstream(junk) << "not an mp4 at all";
    const auto q = hs::quote(junk.string());
    REQUIRE_THROWS_AS(api.tail(junk, 0us, limits), hs::Error);
    REQUIRE_THROWS_WITH(api.tail(junk, 0us, limits), q + ": not an MP4 file (no moov box)");
    REQUIRE_THROWS_WITH(api.live("rtsp://127.0.0.1:1/camera_1", limits),
                        "avformat_open_input(rtsp://127.0.0.1:1/camera_1) failed: Connection refused");
  }
  SECTION("TimedOut thrown in the module is caught as TimedOut, credentials redacted") {
    hs::test::SilentServer silent;
    const auto url = fmt::format("rtsp://127.0.0.1:{}/camera_1", silent.port());
    std::atomic<bool> cancel{true};
    const CaptureLimits cancelled{30s, &cancel, 160};
    auto t0 = std::chrono::steady_clock::now();
    try {
      (void)api.live(fmt::format("rtsp://admin:s3cret@127.0.0.1:{}/camera_1", silent.port()), cancelled);
      FAIL("no exception");
    } catch (const hs::snapshot::TimedOut& e) {
      CHECK(std::string(e.what()) ==
            fmt::format("avformat_open_input(rtsp://admin:***@127.0.0.1:{}/camera_1) failed: cancelled (server stopping)",
                        silent.port()));
    }
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
    const CaptureLimits short_limit{300ms, nullptr, 160};
    REQUIRE_THROWS_AS(api.live(url, short_limit), hs::snapshot::TimedOut);
  }
}

TEST_CASE("a capture module that cannot be loaded is an error naming each path and the reason", "[snapshot][module]") {
  TempDir tmp;
  auto missing = tmp.path() / "nowhere" / "hook-server-capture.so";
  auto not_elf = tmp.path() / "hook-server-capture.so";
  std::ofstream(not_elf) << "not a shared object";
  const std::string prefix =
      "cannot load the snapshot capture module (set HOOK_SERVER_CAPTURE_MODULE to its path): ";

  REQUIRE_THROWS_AS(load_capture_module({missing}), CaptureUnavailable);
  REQUIRE_THROWS_WITH(load_capture_module({missing}), prefix + hs::quote(missing.string()) + ": no such file");
  // dlopen's own reason (glibc's dlerror() text), which names the file again.
  REQUIRE_THROWS_WITH(load_capture_module({missing, not_elf}),
                      prefix + hs::quote(missing.string()) + ": no such file; " + hs::quote(not_elf.string()) + ": " +
                          not_elf.string() + ": file too short");
  REQUIRE_THROWS_WITH(load_capture_module({}), prefix + "no path to try");
}

TEST_CASE("the capture module is looked for in $HOOK_SERVER_CAPTURE_MODULE only when it is set", "[snapshot][module]") {
  struct Restore {
    ~Restore() { ::unsetenv("HOOK_SERVER_CAPTURE_MODULE"); }
  } restore;
  ::setenv("HOOK_SERVER_CAPTURE_MODULE", "/opt/x/capture.so", 1);
  CHECK(hs::snapshot::capture_module_candidates() == std::vector<fs::path>{"/opt/x/capture.so"});
  ::unsetenv("HOOK_SERVER_CAPTURE_MODULE");
  auto exe_dir = fs::read_symlink("/proc/self/exe").parent_path();
  auto found = hs::snapshot::capture_module_candidates();
  REQUIRE(found.size() == 3);
  CHECK(found[0] == exe_dir / "hook-server-capture.so");
  CHECK(found[1] == (exe_dir.parent_path() / "lib/hook-server/hook-server-capture.so").lexically_normal());
  CHECK(found[2] == kBuilt);
}

TEST_CASE("a server without its capture module keeps serving and says why snapshots fail", "[snapshot][module][e2e]") {
  TempDir dir;
  const int port = free_port();
  const auto missing = dir.path() / "gone" / "hook-server-capture.so";
  fs::create_directories(dir.path() / "mtx" / "recordings");
  const auto first = hs::parse_rfc3339("2025-01-15T10:00:00Z");
  TempDir media;
  hs::test::place_segments(hs::test::make_segments(media.path(), 1, 4.0), dir.path() / "mtx", "camera_1", first, 4.0);
  const auto cfg = dir.path() / "hook-server.yml";
  std::ofstream(cfg) << fmt::format(R"(server: {{listen: 127.0.0.1:{}}}
access: {{mode: open}}
data_dir: ./var
mediamtx:
  working_dir: ./mtx
  timezone: UTC
  urls: {{rtsp: "rtsp://127.0.0.1:1", hls: "http://127.0.0.1:1", webrtc: "http://127.0.0.1:1", playback: "http://127.0.0.1:1"}}
snapshots: {{sources: [recording, rtsp], refresh: 0s, timeout: 2s}}
cameras:
  - {{id: "1", name: Front door, source: "rtsp://10.0.0.5:554/stream1", plan: basic}}
)",
                                    port);
  hs::test::MediamtxStandin procs(dir.path(), {{"HOOK_SERVER_CAPTURE_MODULE", missing.string()}});
  int server = procs.launch(fmt::format("{} serve --config '{}'", HOOK_SERVER_BIN, cfg.string()), {});
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(15, 0);
  // Healthy, and the start-up reconcile has indexed the segment.
  REQUIRE(hs::test::eventually([&] {
    auto res = cli.Get("/api/cameras/1/recordings");
    return res && res->status == 200 && nlohmann::json::parse(res->body)["recordings"].size() == 1;
  }));
  const std::string why =
      "cannot load the snapshot capture module (set HOOK_SERVER_CAPTURE_MODULE to its path): " +
      hs::quote(missing.string()) + ": no such file";

  auto fresh = cli.Get("/api/cameras/1/snapshot.jpg?fresh=1");
  REQUIRE(fresh);
  CHECK(fresh->status == 502);
  CHECK(nlohmann::json::parse(fresh->body)["error"] ==
        "camera \"1\": snapshot failed: recording: " + why + "; rtsp: " + why);

  auto at = cli.Get("/api/cameras/1/snapshot.jpg?at=" + hs::format_rfc3339_ms(first + 1s));
  REQUIRE(at);
  CHECK(at->status == 503);
  CHECK(nlohmann::json::parse(at->body) == nlohmann::json{{"error", why}});

  auto health = cli.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  procs.interrupt(server);
  auto stopped = procs.wait(server);
  INFO(stopped.output);
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.output.find(why) != std::string::npos);  // logged once, as an error
}
