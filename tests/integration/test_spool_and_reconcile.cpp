// Nothing is lost: events spooled while the server is down (or killed with SIGKILL) are ingested
// when it is back, and files no hook announced are found by reconciliation.
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "index/segments.hpp"
#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/one_camera.hpp"
#include "support/serve_process.hpp"
#include "support/server_fixture.hpp"
#include "support/tmpfs_mount.hpp"
#include "build_paths.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("hooks fired while the server is down are spooled and ingested at restart", "[e2e][spool]") {
  ServerFixture server(kOneCamera);
  server.start();
  server.stop();  // the port in the config file now refuses connections
  MediamtxStandin mtx(server.working_dir());
  auto names = touch_segments(server.working_dir(), "camera_1", 5);
  for (const auto& n : names)
    mtx.launch(server.hook_command("segment-complete"), MediamtxStandin::segment_complete_vars("camera_1", n, 60));
  mtx.launch(server.hook_command("ready"), MediamtxStandin::ready_vars("camera_1"));
  for (const auto& r : mtx.wait_all()) {
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("event spooled in") != std::string::npos);
    CHECK(r.elapsed < std::chrono::seconds{3});
  }
  CHECK(fs::file_size(server.spool_dir() / "events.jsonl") > 0);

  server.start();  // drains the spool at start
  REQUIRE(eventually([&] { return server.get("/api/cameras/1/recordings")["recordings"].size() == 5; }));
  CHECK(server.get("/api/cameras/1")["status"]["state"] == "active");
  REQUIRE(eventually([&] { return server.get("/api/health")["spool_pending_bytes"] == 0; }));
}

TEST_CASE("a server killed with SIGKILL loses no event", "[e2e][spool]") {
  ServeProcess server(kOneCamera);
  auto names = touch_segments(server.working_dir(), "camera_1", 40);
  server.start();

  MediamtxStandin mtx(server.working_dir());
  const std::string hook = server.hook_command("segment-complete");
  for (int i = 0; i < 20; ++i) mtx.launch(hook, MediamtxStandin::segment_complete_vars("camera_1", names[i], 60));
  server.kill(SIGKILL);  // mid-flight
  for (int i = 20; i < 40; ++i) mtx.launch(hook, MediamtxStandin::segment_complete_vars("camera_1", names[i], 60));
  for (const auto& r : mtx.wait_all()) {
    INFO(r.output);
    CHECK(r.exit_code == 0);
  }
  server.wait();

  server.start();
  // The first server's start-up reconcile indexed all 40 (still fresh) files as recording, so 40
  // rows exist before the spool is drained: wait for the worker's start-up pass (drain, then
  // reconcile) before reading the states.
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_reconcile"].is_null(); }));
  json page = server.get("/api/cameras/1/recordings?limit=1000");
  CHECK(page["recordings"].size() == 40);
  for (const auto& r : page["recordings"]) CHECK(r["state"] == "complete");
  server.kill(SIGINT);
  CHECK(server.wait().exit_code == 0);
}

TEST_CASE("reconciliation indexes files no hook announced and tracks vanished ones", "[e2e][reconcile]") {
  ServerFixture server(kOneCamera);
  server.start();
  // The worker reconciles at start; let it finish so the passes below are the only ones.
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_reconcile"].is_null(); }));
  TempDir media;
  auto made = make_segments(media.path(), 3, 2.0);
  auto names = place_segments(made, server.working_dir(), "camera_1", parse_rfc3339("2025-01-15T10:00:00Z"), 2.0);
  for (size_t i = 0; i < 2; ++i) set_mtime_ago(server.working_dir() / names[i], std::chrono::seconds{600});
  // names[2] was just written: still growing, as the segment MediaMTX is recording.
  std::ofstream(server.working_dir() / (names[0] + ".json")) << "{}";          // a sidecar
  std::ofstream(server.recordings() / "camera_1" / "notes.txt") << "hello";     // not a segment
  fs::create_symlink("/etc/hostname", server.recordings() / "camera_1" / "2025-01-15_11-00-00-000000.mp4");

  auto report = server.app().reconcile();
  CHECK(report.scanned == 3);
  CHECK(report.added == 3);
  CHECK(report.ignored == 3);
  json page = server.get("/api/cameras/1/recordings");
  REQUIRE(page["recordings"].size() == 3);
  for (int i = 0; i < 2; ++i) {
    const json& r = page["recordings"][i];
    CAPTURE(r.dump());
    CHECK(r["state"] == "complete");
    CHECK(r["duration_s"].get<double>() == Approx(2.0).margin(0.041));
    CHECK(r["size_bytes"] == static_cast<int64_t>(fs::file_size(server.working_dir() / names[i])));
  }
  CHECK(page["recordings"][2]["state"] == "recording");
  CHECK(page["recordings"][2]["duration_s"].is_null());

  // Again: nothing new. Then the growing file stops growing, one file vanishes.
  CHECK(server.app().reconcile().added == 0);
  set_mtime_ago(server.working_dir() / names[2], std::chrono::seconds{600});
  fs::path gone = server.working_dir() / names[0];
  fs::path kept = server.dir() / "kept.mp4";
  fs::rename(gone, kept);
  report = server.app().reconcile();
  CHECK(report.finished == 1);
  CHECK(report.missing == 1);
  page = server.get("/api/cameras/1/recordings");
  CHECK(page["recordings"][0]["state"] == "missing");
  CHECK(page["recordings"][2]["state"] == "complete");
  CHECK(page["recordings"][2]["duration_s"].get<double>() == Approx(2.0).margin(0.041));
  // It comes back.
  fs::rename(kept, gone);
  CHECK(server.app().reconcile().restored == 1);
  CHECK(server.get("/api/cameras/1/recordings")["recordings"][0]["state"] == "complete");
  CHECK(fs::exists(server.recordings() / "camera_1" / "notes.txt"));
}

TEST_CASE("a walk that could not see the files marks nothing missing", "[e2e][reconcile][bad-input]") {
  ServerFixture server(kOneCamera);
  server.start();
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_reconcile"].is_null(); }));
  TempDir media;
  auto made = make_segments(media.path(), 2, 2.0);
  auto names = place_segments(made, server.working_dir(), "camera_1", parse_rfc3339("2025-01-15T10:00:00Z"), 2.0);
  for (const auto& n : names) set_mtime_ago(server.working_dir() / n, std::chrono::seconds{600});
  REQUIRE(server.app().reconcile().added == 2);
  auto states = [&] {
    json page = server.get("/api/cameras/1/recordings");  // kept alive for the loop
    std::vector<std::string> out;
    for (const auto& r : page["recordings"]) out.push_back(r["state"]);
    return out;
  };

  SECTION("the recordings root is gone (a disk not mounted yet)") {
    fs::path away = server.dir() / "unmounted";
    fs::rename(server.recordings(), away);
    CHECK(server.app().reconcile().missing == 0);
    CHECK(states() == std::vector<std::string>{"complete", "complete"});
    fs::rename(away, server.recordings());
    auto again = server.app().reconcile();
    CHECK(again.missing == 0);
    CHECK(again.scanned == 2);
  }
  SECTION("the recordings disk is unmounted: its mount point is an empty folder") {
    if (!TmpfsMount::possible()) {
      WARN("skipped: mounting a tmpfs needs root (CI runs as root)");
      return;
    }
    fs::path stash = server.dir() / "stash";
    fs::rename(server.recordings(), stash);
    TmpfsMount disk(server.recordings(), 16 * 1024 * 1024);
    fs::copy(stash, server.recordings(), fs::copy_options::recursive);
    for (const auto& n : names) set_mtime_ago(server.working_dir() / n, std::chrono::seconds{600});
    REQUIRE(server.app().reconcile().scanned == 2);
    disk.unmount();
    REQUIRE(fs::is_empty(server.recordings()));
    CHECK(server.app().reconcile().missing == 0);
    CHECK(states() == std::vector<std::string>{"complete", "complete"});
  }
  SECTION("the walk stops early (out of file descriptors)") {
    // A deep folder chain the walk runs out of descriptors in, and one file really gone.
    fs::path deep = server.recordings() / "deep";
    for (int i = 0; i < 12; ++i) deep /= "d";
    fs::create_directories(deep);
    REQUIRE(server.app().reconcile().missing == 0);  // also leaves a pooled reader: no new one below
    fs::rename(server.working_dir() / names[0], server.dir() / "kept.mp4");

    rlimit old{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
    std::size_t open_now = std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{});
    rlimit tight = old;
    tight.rlim_cur = open_now + 3;  // the root and two folders below it, no more
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &tight) == 0);
    auto report = server.app().reconcile();
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK(report.missing == 0);
    CHECK(states() == std::vector<std::string>{"complete", "complete"});
    // A walk that finishes marks it.
    CHECK(server.app().reconcile().missing == 1);
    CHECK(states() == std::vector<std::string>{"missing", "complete"});
  }
}

TEST_CASE("hook-server reconcile indexes 10,000 files in one pass", "[e2e][reconcile]") {
  ServerFixture server(kOneCamera);
  auto names = touch_segments(server.working_dir(), "camera_1", 10000);
  for (const auto& n : names) set_mtime_ago(server.working_dir() / n, std::chrono::seconds{600});
  std::string out;
  int rc = run_command({HOOK_SERVER_BIN, "reconcile", "--config", server.config_file().string()}, &out);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(out.find("10000 segment files: 10000 added") != std::string::npos);
  server.start();
  CHECK(server.get("/api/cameras/1")["recordings"]["segments"] == 10000);
}

TEST_CASE("reconciliation matches whole names below the root: nested paths, other folders, symlinks", "[e2e][reconcile]") {
  const std::string pattern = "./recordings/%path/%Y-%m/%d_%H-%M-%S-%f";
  ServerFixture server(kOneCamera, "UTC", "record_path: " + pattern);
  server.start();
  // The worker reconciles at start; let it finish so the passes below are the only ones.
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_reconcile"].is_null(); }));
  RecordPath rp(pattern, "fmp4", Zone{});
  const TimePoint t0 = parse_rfc3339("2025-03-01T10:00:00Z");
  auto put = [&](const std::string& path, TimePoint start) {
    std::string rel = rp.encode(path, start);
    fs::create_directories((server.recordings() / rel).parent_path());
    std::ofstream(server.recordings() / rel) << "segment";
    set_mtime_ago(server.recordings() / rel, std::chrono::seconds{600});
    return rel;
  };
  auto state_of = [&](const std::string& rel) {
    auto row = server.app().database().reader().segment_by_file(rel);
    return row ? std::string(segment_state_name(row->state)) : std::string("not indexed");
  };
  const std::string a = put("camera_1", t0);
  const std::string b = put("site/cam2", t0);  // a path name with a slash: folders within folders
  const std::string c = put("site/cam2", t0 + std::chrono::minutes{1});
  CHECK(b == "site/cam2/2025-03/01_10-00-00-000000.mp4");
  // A symlinked folder and a symlinked segment: reported as ignored, never followed.
  fs::create_symlink(server.recordings() / "site", server.recordings() / "alias");
  fs::create_symlink(server.recordings() / a, server.recordings() / rp.encode("camera_1", t0 + std::chrono::minutes{2}));

  auto report = server.app().reconcile();
  CHECK(report.scanned == 3);
  CHECK(report.added == 3);
  CHECK(report.ignored == 2);
  CHECK(state_of(b) == "complete");
  CHECK(state_of(c) == "complete");
  CHECK(state_of("alias/cam2/2025-03/01_10-00-00-000000.mp4") == "not indexed");

  // c's file moves to camera_1's folder: the same last element, but not the indexed file.
  const std::string moved = "camera_1/2025-03/01_10-01-00-000000.mp4";
  fs::rename(server.recordings() / c, server.recordings() / moved);
  report = server.app().reconcile();
  CHECK(report.scanned == 3);
  CHECK(report.added == 1);
  CHECK(report.missing == 1);
  CHECK(state_of(c) == "missing");
  CHECK(state_of(moved) == "complete");
  CHECK(state_of(a) == "complete");
}
