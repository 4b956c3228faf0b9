// MediaMTX fires hooks -> the index -> GET /api/cameras/{id}/recordings. The hook client is launched
// the way MediaMTX launches it (no shell, $VAR expansion per argument, MediaMTX's environment and
// working directory, relative MTX_SEGMENT_PATH, Go-formatted durations), concurrently and out of order.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>

#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kCameras = R"(cameras:
  - {id: "1", name: Front door, source: "rtsp://admin:s3cret@10.0.0.5:554/stream1", plan: pro}
)";

// Segment-complete hook variables the way MediaMTX passes them, with the duration Go-formatted.
std::map<std::string, std::string> complete_vars(const std::string& path, const std::string& seg, double seconds) {
  return MediamtxStandin::segment_complete_vars(path, seg, seconds);
}

void expect_all_exit_zero(const std::vector<MediamtxStandin::Result>& results) {
  for (const auto& r : results) {
    INFO(r.output);
    CHECK(r.exit_code == 0);
  }
}

}  // namespace

TEST_CASE("hooks from MediaMTX index segments with exact UTC start, duration and size", "[e2e]") {
  ServerFixture server(kCameras, "Europe/Lisbon");
  server.start();
  // MediaMTX's own environment holds a config override with credentials: it must not leak.
  MediamtxStandin mtx(server.working_dir(), {{"MTX_PATHS_CAMERA_1_SOURCE", "rtsp://admin:s3cret@10.0.0.5/x"}});

  TempDir media;
  auto made = make_segments(media.path(), 3, 2.0);
  // Summer time in Lisbon: names are local (UTC+1), the index must hold UTC.
  TimePoint first = parse_rfc3339("2025-07-01T09:59:58.250000Z");
  auto names = place_segments(made, server.working_dir(), "camera_1", first, 2.0, "Europe/Lisbon");
  CHECK(names[0] == "./recordings/camera_1/2025-07-01_10-59-58-250000.mp4");

  mtx.wait(mtx.launch(server.hook_command("ready"), MediamtxStandin::ready_vars("camera_1")));
  // All segment hooks at once, completes launched before creates: order is not guaranteed.
  for (size_t i = 0; i < names.size(); ++i)
    mtx.launch(server.hook_command("segment-complete"), complete_vars("camera_1", names[i], i == 2 ? 2.04 : 2.0));
  for (const auto& n : names)
    mtx.launch(server.hook_command("segment-create"), MediamtxStandin::segment_create_vars("camera_1", n));
  expect_all_exit_zero(mtx.wait_all());

  json page = server.get("/api/cameras/1/recordings");
  REQUIRE(page["recordings"].size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const json& r = page["recordings"][i];
    CAPTURE(r.dump());
    CHECK(r["state"] == "complete");
    CHECK(r["start"] == format_rfc3339_ms(first + Micros{static_cast<int64_t>(i) * 2'000'000}));
    CHECK(r["duration_s"] == (i == 2 ? 2.04 : 2.0));
    CHECK(r["size_bytes"] == static_cast<int64_t>(fs::file_size(server.working_dir() / names[i])));
    CHECK(r["file"] == names[i].substr(std::string("./recordings/").size()));
    CHECK(r["expires_at"] == format_rfc3339_ms(first + Micros{static_cast<int64_t>(i) * 2'000'000} + std::chrono::hours{24 * 15}));
  }
  CHECK(page["recordings"][0]["playback_url"] ==
        "http://127.0.0.1:9996/get?path=camera_1&start=2025-07-01T09%3A59%3A58.250000Z&duration=2");

  json cam = server.get("/api/cameras/1");
  CHECK(cam["status"]["state"] == "active");
  CHECK(cam["status"]["source_type"] == "rtspSource");
  CHECK(cam["recordings"]["segments"] == 3);
  CHECK(cam["source"] == "rtsp://admin:***@10.0.0.5:554/stream1");
  CHECK(cam["urls"]["whep"] == "http://127.0.0.1:8889/camera_1/whep");
  CHECK(cam["urls"]["hls"] == "http://127.0.0.1:8888/camera_1/index.m3u8");
  CHECK(cam["urls"]["ll_hls"] == "http://127.0.0.1:8888/camera_1/index.m3u8");
  CHECK(cam["urls"]["rtsp"] == "rtsp://127.0.0.1:8554/camera_1");

  // Nothing anywhere in the API shows the password.
  for (const char* p : {"/api/cameras", "/api/cameras/1", "/api/events?limit=1000"})
    CHECK(server.request("GET", p)->body.find("s3cret") == std::string::npos);

  mtx.wait(mtx.launch(server.hook_command("not-ready"), MediamtxStandin::ready_vars("camera_1")));
  CHECK(server.get("/api/cameras/1")["status"]["state"] == "stopped");
}

TEST_CASE("a repeated hook changes nothing and a stale status event is ignored", "[e2e]") {
  ServerFixture server(kCameras);
  server.start();
  TempDir media;
  auto names = place_segments(make_segments(media.path(), 1, 2.0), server.working_dir(), "camera_1",
                              parse_rfc3339("2025-01-15T10:00:00Z"), 2.0);
  auto post = [&](const std::string& event, json vars, int64_t time_us) {
    json body{{"time_us", time_us}, {"vars", vars}};
    auto res = server.request("POST", "/hooks/" + event, body.dump());
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  };
  json seg{{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", names[0]}, {"MTX_SEGMENT_DURATION", "2"}};
  CHECK(post("segment-complete", seg, 1000)["changed"] == true);
  CHECK(post("segment-complete", seg, 1000)["changed"] == false);
  CHECK(post("segment-create", seg, 900)["changed"] == false);  // create after complete keeps complete
  CHECK(server.get("/api/cameras/1/recordings")["recordings"][0]["state"] == "complete");

  json path{{"MTX_PATH", "camera_1"}, {"MTX_SOURCE_TYPE", "rtspSource"}};
  CHECK(post("ready", path, 2000)["changed"] == true);
  CHECK(post("ready", path, 2000)["changed"] == false);
  CHECK(post("not-ready", path, 1500)["changed"] == false);  // older than the ready: stale
  CHECK(server.get("/api/cameras/1")["status"]["state"] == "active");
  CHECK(post("unavailable", path, 3000)["changed"] == true);
  CHECK(server.get("/api/cameras/1")["status"]["state"] == "stopped");
  CHECK(server.get("/api/cameras/1")["status"]["since"] == format_rfc3339_ms(TimePoint{Micros{3000}}));
}

TEST_CASE("an unknown MediaMTX path becomes an unmanaged camera instead of being dropped", "[e2e]") {
  ServerFixture server(kCameras);
  server.start();
  MediamtxStandin mtx(server.working_dir());
  TempDir media;
  auto names = place_segments(make_segments(media.path(), 1, 2.0), server.working_dir(), "site/door",
                              parse_rfc3339("2025-01-15T10:00:00Z"), 2.0);
  auto r = mtx.wait(mtx.launch(server.hook_command("segment-complete"), complete_vars("site/door", names[0], 2)));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  json cam = server.get("/api/cameras/site~door");
  CHECK(cam["managed"] == false);
  CHECK(cam["path"] == "site/door");
  CHECK(cam["plan"] == "basic");
  CHECK(server.get("/api/cameras/site~door/recordings")["recordings"].size() == 1);
}

TEST_CASE("bad hooks are refused with a message naming the value, and nothing is indexed", "[e2e][bad-input]") {
  ServerFixture server(kCameras);
  server.start();
  MediamtxStandin mtx(server.working_dir());
  fs::create_directories(server.recordings() / "camera_1");
  // A symlink inside the recordings root that points outside it.
  TempDir outside;
  fs::create_directories(outside.path() / "camera_1");
  std::ofstream(outside.path() / "camera_1" / "2025-01-15_10-00-00-000000.mp4") << "x";
  fs::create_directory_symlink(outside.path() / "camera_1", server.recordings() / "evil");

  struct Row {
    std::map<std::string, std::string> vars;
    std::string message;
  };
  const std::string root = server.recordings().string();
  const Row rows[] = {
      {complete_vars("camera_1", "../../etc/passwd", 2),
       fmt::format("segment path \"../../etc/passwd\" is outside the recordings root \"{}\"", root)},
      {complete_vars("camera_1", "/etc/passwd", 2),
       fmt::format("segment path \"/etc/passwd\" is outside the recordings root \"{}\"", root)},
      {complete_vars("camera_1", "./recordings/evil/2025-01-15_10-00-00-000000.mp4", 2),
       fmt::format("segment path \"./recordings/evil/2025-01-15_10-00-00-000000.mp4\" is outside the recordings root \"{}\"", root)},
      {complete_vars("camera_1", "./recordings/camera_1/holiday.mp4", 2),
       "segment name \"camera_1/holiday.mp4\" does not match recordPath \"./recordings/%path/%Y-%m-%d_%H-%M-%S-%f.mp4\""},
      {complete_vars("camera_1", "./recordings/camera_2/2025-01-15_10-00-00-000000.mp4", 2),
       "MTX_SEGMENT_PATH \"./recordings/camera_2/2025-01-15_10-00-00-000000.mp4\" belongs to path \"camera_2\", but MTX_PATH is \"camera_1\""},
  };
  for (const auto& r : rows) {
    auto result = mtx.wait(mtx.launch(server.hook_command("segment-complete"), r.vars));
    CAPTURE(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find(r.message) != std::string::npos);
  }
  // A malformed duration is caught by the client itself, before it reaches the server.
  auto vars = complete_vars("camera_1", "./recordings/camera_1/2025-01-15_10-00-00-000000.mp4", 2);
  vars["MTX_SEGMENT_DURATION"] = "2s";
  auto bad = mtx.wait(mtx.launch(server.hook_command("segment-complete"), vars));
  CHECK(bad.output.find("MTX_SEGMENT_DURATION: expected seconds like 3600.016, got \"2s\"") != std::string::npos);

  // A bad segment event for a path nobody knows creates no camera.
  auto ghost = mtx.wait(mtx.launch(server.hook_command("segment-complete"), complete_vars("ghost", "/etc/passwd", 2)));
  CHECK(ghost.exit_code == 2);
  server.get("/api/cameras/ghost", 404);

  CHECK(server.get("/api/cameras/1/recordings")["recordings"].empty());
  CHECK(fs::exists(outside.path() / "camera_1" / "2025-01-15_10-00-00-000000.mp4"));
  json events = server.get("/api/events?camera=1");
  int rejected = 0;
  for (const auto& e : events["events"]) rejected += e["outcome"] == "rejected";
  CHECK(rejected == 5);
}

TEST_CASE("the HTTP API answers bad requests with JSON errors naming the parameter", "[e2e][bad-input]") {
  ServerFixture server(kCameras);
  server.start();
  struct Row {
    std::string path;
    int status;
    std::string error;
  };
  const Row rows[] = {
      {"/api/cameras/9", 404, "camera \"9\" not found"},
      {"/api/cameras/9/recordings", 404, "camera \"9\" not found"},
      {"/api/cameras/1/recordings?from=yesterday", 400, "from: not an RFC 3339 time: \"yesterday\""},
      {"/api/cameras/1/recordings?to=2025-01-01", 400, "to: not an RFC 3339 time: \"2025-01-01\""},
      {"/api/cameras/1/recordings?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z", 400,
       "to: must be after from, got from=\"2025-01-02T00:00:00Z\" to=\"2025-01-01T00:00:00Z\""},
      {"/api/cameras/1/recordings?limit=0", 400, "limit: expected an integer from 1 to 5000, got \"0\""},
      {"/api/cameras/1/recordings?limit=ten", 400, "limit: expected an integer from 1 to 5000, got \"ten\""},
      {"/api/cameras/1/recordings?cursor=abc", 400, "cursor: not a cursor from a previous page: \"abc\""},
      {"/api/recordings/x1", 400, "id: expected a recording id (a positive integer), got \"x1\""},
      {"/api/recordings/77", 404, "recording 77 not found"},
      {"/api/nothing", 404, "no such endpoint: GET \"/api/nothing\""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.path);
    json body = server.get(r.path, r.status);
    CHECK(body["error"] == r.error);
  }
  // Bodies over server.max_body_bytes (1 MiB by default).
  auto res = server.request("POST", "/hooks/segment-complete", std::string(2 << 20, 'x'));
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(json::parse(res->body)["error"] == "request body larger than 1048576 bytes (server.max_body_bytes)");
  // Malformed hook bodies.
  res = server.request("POST", "/hooks/segment-complete", "{not json");
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["error"].get<std::string>().rfind("body: not JSON:", 0) == 0);
  // Bytes that are not UTF-8 (a UTF-16 byte order mark; a bad byte inside a JSON string).
  res = server.request("POST", "/hooks/segment-complete", std::string("\xff\xfe\x00", 3));
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["error"] == "body: not UTF-8: byte 0xff at offset 0");
  res = server.request("POST", "/hooks/ready", "{\"event\": \"ready\xc3\"}");
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["error"] == "body: not UTF-8: byte 0xc3 at offset 16");
  res = server.request("POST", "/hooks/explode", "{}");
  CHECK(res->status == 404);
  CHECK(json::parse(res->body)["error"] == "unknown hook event \"explode\"");
}

TEST_CASE("with a hook secret, hooks without it are refused", "[e2e][bad-input]") {
  ServerFixture server(std::string(kCameras) + "\n");
  // The secret comes from the environment MediaMTX passes to hooks and from the server's config.
  ::setenv("HOOK_SERVER_HOOK_SECRET", "hunter2", 1);
  server.start();
  ::unsetenv("HOOK_SERVER_HOOK_SECRET");
  json body{{"vars", {{"MTX_PATH", "camera_1"}}}};
  auto res = server.request("POST", "/hooks/ready", body.dump());
  CHECK(res->status == 401);
  CHECK(json::parse(res->body)["error"] == "hook: missing or wrong X-Hook-Secret header");
  res = server.request("POST", "/hooks/ready", body.dump(), {{"X-Hook-Secret", "hunter2"}});
  CHECK(res->status == 200);
  MediamtxStandin mtx(server.working_dir(), {{"HOOK_SERVER_HOOK_SECRET", "hunter2"}});
  auto r = mtx.wait(mtx.launch(server.hook_command("not-ready"), MediamtxStandin::ready_vars("camera_1")));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(server.get("/api/cameras/1")["status"]["state"] == "stopped");
}

TEST_CASE("recordings pages are stable and complete", "[e2e]") {
  ServerFixture server(kCameras);
  server.start();
  fs::create_directories(server.recordings() / "camera_1");
  // 250 one-minute segments through the hook endpoint (empty files are fine for the index).
  TimePoint t0 = parse_rfc3339("2025-03-01T00:00:00Z");
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  for (int i = 0; i < 250; ++i) {
    std::string rel = rp.encode("camera_1", t0 + std::chrono::minutes{i});
    std::ofstream(server.recordings() / rel) << "data";
    json body{{"vars", {{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", "./recordings/" + rel}, {"MTX_SEGMENT_DURATION", "60"}}}};
    REQUIRE(server.request("POST", "/hooks/segment-complete", body.dump())->status == 200);
  }
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    std::string path = "/api/cameras/1/recordings?limit=100" + (next.empty() ? "" : "&cursor=" + next);
    json page = server.get(path);
    for (const auto& r : page["recordings"]) seen.push_back(r["start"]);
    next = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!next.empty());
  CHECK(pages == 3);
  REQUIRE(seen.size() == 250);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());

  // A range picks the overlapping segments: 00:30:30..00:33:00 overlaps minutes 30, 31, 32.
  json range = server.get("/api/cameras/1/recordings?from=2025-03-01T00:30:30Z&to=2025-03-01T00:33:00Z");
  REQUIRE(range["recordings"].size() == 3);
  CHECK(range["recordings"][0]["start"] == "2025-03-01T00:30:00.000Z");
  CHECK(range["recordings"][2]["start"] == "2025-03-01T00:32:00.000Z");
  json one = server.get(fmt::format("/api/recordings/{}", range["recordings"][1]["id"].get<int64_t>()));
  CHECK(one["start"] == "2025-03-01T00:31:00.000Z");
}
