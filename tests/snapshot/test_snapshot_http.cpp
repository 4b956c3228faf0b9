// GET /api/cameras/{id}/snapshot.jpg through the real server (ServerFixture): the latest JPEG and
// its headers, ?fresh=1, ?at=, the available hook as a trigger, and the JSON errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "hooks/hook_payload.hpp"
#include "snapshot/snapshot_helpers.hpp"
#include "snapshot/snapshot_http.hpp"
#include "support/rtsp_server.hpp"
#include "support/server_fixture.hpp"
#include "build_paths.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using hs::TimePoint;
using hs::test::ServerFixture;

namespace {

const char* kConfig = R"(snapshots:
  sources: [recording]
  refresh: 0s
  timeout: 2s
  max_width: 1280
cameras:
  - {id: "1", name: Front door, source: "rtsp://admin:s3cret@10.0.0.5:554/stream1", plan: pro}
)";

nlohmann::json json_of(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->get_header_value("Content-Type") == "application/json");
  return nlohmann::json::parse(res->body);
}

}  // namespace

TEST_CASE("snapshot.jpg serves the latest JPEG with its age, fresh captures, at= reads the recordings",
          "[snapshot][http]") {
  ServerFixture fx(kConfig);
  hs::test::TempDir made_dir;
  auto made = hs::test::make_segments(made_dir.path(), 3, 2.0);
  // Recorded up to 2 s ago: its tail is a live picture.
  const TimePoint first = std::chrono::floor<std::chrono::milliseconds>(hs::Clock().now()) - 8s;
  hs::test::place_segments(made, fx.working_dir(), "camera_1", first, 2.0);
  fx.start();
  fx.app().reconcile();

  SECTION("none yet, unknown camera, bad parameters") {
    auto res = fx.request("GET", "/api/cameras/1/snapshot.jpg");
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(json_of(res) == nlohmann::json{{"error", "camera \"1\" has no snapshot yet"}});

    res = fx.request("GET", "/api/cameras/nope/snapshot.jpg");
    CHECK(res->status == 404);
    CHECK(json_of(res) == nlohmann::json{{"error", "camera \"nope\" not found"}});

    res = fx.request("GET", "/api/cameras/1/snapshot.jpg?at=yesterday");
    CHECK(res->status == 400);
    CHECK(json_of(res) == nlohmann::json{{"error", "at: not an RFC 3339 time: \"yesterday\""}});

    res = fx.request("GET", "/api/cameras/1/snapshot.jpg?fresh=2");
    CHECK(res->status == 400);
    CHECK(json_of(res) == nlohmann::json{{"error", "fresh: expected 1 or 0, got \"2\""}});
  }

  SECTION("fresh=1 captures; headers say when the frame was shown and that the camera is offline") {
    auto res = fx.request("GET", "/api/cameras/1/snapshot.jpg?fresh=1");
    REQUIRE(res);
    INFO(res->body.substr(0, 300));
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "image/jpeg");
    CHECK(res->get_header_value("Cache-Control") == "no-cache");
    const TimePoint shown = first + 5s;  // newest segment at +4 s, its last keyframe 1 s in
    CHECK(res->get_header_value("Last-Modified") == hs::http_date(shown));
    CHECK(res->get_header_value("X-Snapshot-Time") == hs::format_rfc3339_ms(shown));
    auto age = std::stoll(res->get_header_value("X-Snapshot-Age-Ms"));
    CHECK(age >= 3000);
    CHECK(age < 20000);
    CHECK(res->get_header_value("X-Snapshot-Stale") == "true");  // no available hook yet
    CHECK_FALSE(res->has_header("X-Snapshot-Error"));
    auto info = hs::test::decode_jpeg(res->body);
    CHECK(info.width == 320);
    CHECK(info.height == 180);
    CHECK(fs::exists(fx.dir() / "var" / "snapshots" / "1.jpg"));

    // The plain GET serves the stored file.
    auto again = fx.request("GET", "/api/cameras/1/snapshot.jpg");
    REQUIRE(again->status == 200);
    CHECK(again->body == res->body);

    // A failing capture keeps serving the last image, marked stale, with the reason.
    for (const auto& e : fs::directory_iterator(fx.recordings() / "camera_1")) fs::remove(e.path());
    auto failed = fx.request("GET", "/api/cameras/1/snapshot.jpg?fresh=1");
    REQUIRE(failed->status == 200);
    CHECK(failed->body == res->body);
    CHECK(failed->get_header_value("X-Snapshot-Stale") == "true");
    CHECK_THAT(failed->get_header_value("X-Snapshot-Error"), Catch::StartsWith("recording: cannot open "));
  }

  SECTION("the available hook captures, and an active camera is not stale") {
    auto body = hs::make_hook_payload(hs::HookKind::available,
                                      {{"MTX_PATH", "camera_1"}, {"MTX_SOURCE_TYPE", "rtspSource"}, {"MTX_SOURCE_ID", ""}},
                                      hs::Clock().now(), fx.working_dir().string());
    auto hook = fx.request("POST", "/hooks/available", body.dump());
    REQUIRE(hook);
    INFO(hook->body);
    REQUIRE(hook->status == 200);
    auto res = fx.request("GET", "/api/cameras/1/snapshot.jpg");
    for (int i = 0; i < 100 && (!res || res->status != 200); ++i) {
      std::this_thread::sleep_for(30ms);
      res = fx.request("GET", "/api/cameras/1/snapshot.jpg");
    }
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("X-Snapshot-Stale") == "false");
    CHECK(fx.app().snapshots()->stats().captures == 1);
  }

  SECTION("at= gives the frame shown then; 404 names a time nothing covers") {
    auto at = first + 2s + 520ms;
    auto res = fx.request("GET", "/api/cameras/1/snapshot.jpg?at=" + hs::format_rfc3339_ms(at));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "image/jpeg");
    CHECK(res->get_header_value("X-Snapshot-Time") == hs::format_rfc3339_ms(at));
    CHECK(hs::test::decode_jpeg(res->body).height == 180);

    // Between frames: the one on screen, within one frame (40 ms) before.
    res = fx.request("GET", "/api/cameras/1/snapshot.jpg?at=" + hs::format_rfc3339_ms(at + 30ms));
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("X-Snapshot-Time") == hs::format_rfc3339_ms(at));

    res = fx.request("GET", "/api/cameras/1/snapshot.jpg?at=2020-01-01T00:00:00Z");
    CHECK(res->status == 404);
    CHECK(json_of(res) == nlohmann::json{{"error", "no recording of camera \"1\" covers 2020-01-01T00:00:00.000Z"}});
  }
}

TEST_CASE("end to end: the available hook captures from MediaMTX's RTSP output", "[snapshot][http][rtsp]") {
  if (!hs::test::rtsp_server_available()) {
    WARN("GStreamer's RTSP server is not installed (scripts/setup.sh): skipped");
    return;
  }
  hs::test::RtspServer rtsp({{"camera_1"}, 640, 360, 25, 25});
  hs::test::TempDir tmp;
  fs::create_directories(tmp.path() / "mtx" / "recordings");
  std::ofstream(tmp.path() / "hook-server.yml") << fmt::format(R"(server:
  listen: 127.0.0.1:0
access: {{mode: open}}
data_dir: ./var
mediamtx:
  working_dir: ./mtx
  urls: {{rtsp: "{}", hls: "http://127.0.0.1:8888", webrtc: "http://127.0.0.1:8889", playback: "http://127.0.0.1:9996"}}
  hook_command: {}
  base_config: {}/mediamtx-config/base.yml
  output: ./mediamtx.yml
snapshots: {{sources: [recording, rtsp], refresh: 0s, timeout: 3s, max_width: 320}}
cameras:
  - {{id: "1", name: Front door, source: "rtsp://admin:s3cret@10.0.0.5:554/stream1"}}
)", rtsp.base(), HOOK_SERVER_BIN, HOOK_SERVER_SOURCE_DIR);
  hs::ServerApp app(hs::load_config(tmp.path() / "hook-server.yml"));
  int port = app.bind();
  std::thread serve([&] { app.run(); });
  struct Stop {
    hs::ServerApp& a;
    std::thread& t;
    ~Stop() {
      a.stop();
      t.join();
    }
  } stop{app, serve};
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(10, 0);
  for (int i = 0; i < 200 && !cli.Get("/api/health"); ++i) std::this_thread::sleep_for(10ms);

  auto body = hs::make_hook_payload(hs::HookKind::available,
                                    {{"MTX_PATH", "camera_1"}, {"MTX_SOURCE_TYPE", "rtspSource"}, {"MTX_SOURCE_ID", ""}},
                                    hs::Clock().now(), (tmp.path() / "mtx").string());
  auto hook = cli.Post("/hooks/available", body.dump(), "application/json");
  REQUIRE(hook);
  REQUIRE(hook->status == 200);
  auto res = cli.Get("/api/cameras/1/snapshot.jpg");
  for (int i = 0; i < 200 && (!res || res->status != 200); ++i) {  // the next IDR: up to 1 s
    std::this_thread::sleep_for(20ms);
    res = cli.Get("/api/cameras/1/snapshot.jpg");
  }
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("X-Snapshot-Stale") == "false");
  CHECK(std::stoll(res->get_header_value("X-Snapshot-Age-Ms")) < 2000);
  auto info = hs::test::decode_jpeg(res->body);
  CHECK(info.width == 320);
  CHECK(info.height == 180);
  CHECK(app.snapshots()->stats().captures == 1);

  // ?fresh=1 captures again from the stream.
  auto fresh = cli.Get("/api/cameras/1/snapshot.jpg?fresh=1");
  REQUIRE(fresh);
  CHECK(fresh->status == 200);
  CHECK(app.snapshots()->stats().captures == 2);
}
