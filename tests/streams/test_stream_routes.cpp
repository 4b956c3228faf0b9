// StartStream/StopStream through the real server: the camera is persisted, mediamtx.yml is
// regenerated, the Control API stand-in receives the path, and the generated hook commands, run the
// way MediaMTX runs them, index a segment.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

#include "domain/record_path.hpp"
#include "support/control_api_standin.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"
#include "build_paths.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kCameras = R"(cameras:
  - {id: "1", name: Front door, source: "rtsp://10.0.0.5/s", plan: basic}
)";

json call(ServerFixture& server, const std::string& method, const std::string& path, const json& body, int status) {
  auto res = server.request(method, path, body.is_null() ? "" : body.dump());
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  REQUIRE(res->status == status);
  CHECK(res->body.find("s3cret") == std::string::npos);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("streams start, update and stop through the API, MediaMTX's file and its Control API", "[streams][e2e]") {
  ControlApiStandin mtx_api;
  ServerFixture server(kCameras, "UTC", "api_url: " + mtx_api.url());
  server.start();
  REQUIRE(eventually([&] { return mtx_api.paths().count("camera_1") == 1; }));  // re-applied at start

  json started = call(server, "POST", "/api/streams",
                      json{{"camera_id", "7"}, {"stream_url", "rtsp://admin:s3cret@10.0.0.9:554/live"}, {"plan", "pro"}}, 201);
  CHECK(started["whep_url"] == "http://127.0.0.1:8889/camera_7/whep");
  CHECK(started["hls_url"] == "http://127.0.0.1:8888/camera_7/index.m3u8");
  CHECK(started["ll_hls_url"] == "http://127.0.0.1:8888/camera_7/index.m3u8");
  CHECK(started["rtsp_url"] == "rtsp://127.0.0.1:8554/camera_7");
  CHECK(started["webrtc_url"] == "http://127.0.0.1:8889/camera_7/");
  CHECK(started["snapshot_url"] == "/api/cameras/7/snapshot.jpg");
  CHECK(started["playback_url"] == "http://127.0.0.1:9996/list?path=camera_7");
  CHECK(started["applied"] == true);
  CHECK(started["mediamtx_config_written"] == true);

  // MediaMTX got the path through its API, with the credentials it needs.
  auto paths = mtx_api.paths();
  REQUIRE(paths.count("camera_7"));
  CHECK(paths["camera_7"]["source"] == "rtsp://admin:s3cret@10.0.0.9:554/live");
  CHECK(paths["camera_7"]["recordDeleteAfter"] == "0s");
  CHECK(paths["camera_7"]["sourceOnDemand"] == false);

  // And the YAML on disk.
  YAML::Node yml = YAML::LoadFile((server.dir() / "mediamtx.yml").string());
  REQUIRE(yml["paths"]["camera_7"]);
  CHECK(yml["paths"]["camera_7"]["recordDeleteAfter"].as<std::string>() == "0s");
  CHECK(yml["paths"]["camera_7"]["runOnAvailable"]);
  CHECK(yml["paths"]["camera_1"]);

  // The generated hook command, run the way MediaMTX runs it, reaches the server.
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  std::string rel = rp.encode("camera_7", parse_rfc3339("2025-05-05T05:05:05Z"));
  fs::create_directories((server.recordings() / rel).parent_path());
  std::ofstream(server.recordings() / rel) << "fmp4";
  MediamtxStandin mtx(server.working_dir());
  auto hook = yml["paths"]["camera_7"]["runOnRecordSegmentComplete"].as<std::string>();
  auto run = mtx.wait(mtx.launch(hook, MediamtxStandin::segment_complete_vars("camera_7", "./recordings/" + rel, 60)));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(server.get("/api/cameras/7/recordings")["recordings"].size() == 1);
  auto ready = yml["paths"]["camera_7"]["runOnAvailable"].as<std::string>();
  CHECK(mtx.wait(mtx.launch(ready, MediamtxStandin::ready_vars("camera_7"))).exit_code == 0);
  CHECK(server.get("/api/cameras/7")["status"]["state"] == "active");

  // The camera listing never shows the password.
  json cam = server.get("/api/cameras/7");
  CHECK(cam["source"] == "rtsp://admin:***@10.0.0.9:554/live");
  CHECK(cam["origin"] == "api");
  CHECK(cam["plan"] == "pro");

  // Updating: same call again (200), PATCH of plan and name.
  call(server, "POST", "/api/streams", json{{"camera_id", "7"}, {"stream_url", "rtsp://admin:s3cret@10.0.0.10/live"}}, 200);
  CHECK(mtx_api.paths()["camera_7"]["source"] == "rtsp://admin:s3cret@10.0.0.10/live");
  json patched = call(server, "PATCH", "/api/cameras/7", json{{"plan", "basic"}, {"name", "Yard"}}, 200);
  CHECK(patched["plan"] == "basic");
  CHECK(server.get("/api/cameras/7")["name"] == "Yard");
  auto seg = server.get("/api/cameras/7/recordings")["recordings"][0];
  CHECK(seg["expires_at"].get<std::string>() >= format_rfc3339_ms(Clock().now()));  // notice rule on plan change

  // MediaMTX restarts and forgets API changes: they are pushed again.
  mtx_api.restart();
  server.app().streams().reapply_if_restarted();
  CHECK(mtx_api.paths().count("camera_7") == 1);
  CHECK(mtx_api.paths().count("camera_1") == 1);

  // Stopping removes the path; the recordings stay indexed.
  json stopped = call(server, "DELETE", "/api/streams/7", nullptr, 200);
  CHECK(stopped["status"] == "stopped");
  CHECK(mtx_api.paths().count("camera_7") == 0);
  CHECK_FALSE(YAML::LoadFile((server.dir() / "mediamtx.yml").string())["paths"]["camera_7"]);
  cam = server.get("/api/cameras/7");
  CHECK(cam["status"]["state"] == "stopped");
  CHECK_FALSE(cam["removed_at"].is_null());
  CHECK(server.get("/api/cameras/7/recordings")["recordings"].size() == 1);
  call(server, "DELETE", "/api/streams/7", nullptr, 404);

  // A server restart re-applies its cameras to a MediaMTX that lost them.
  server.stop();
  mtx_api.restart();
  server.start();
  CHECK(eventually([&] { return mtx_api.paths().count("camera_1") == 1; }));
}

TEST_CASE("stream requests with bad input are refused naming the value", "[streams][bad-input]") {
  ServerFixture server(kCameras);
  server.start();
  struct Row {
    std::string method, path;
    json body;
    int status;
    std::string error;
  };
  const Row rows[] = {
      {"POST", "/api/streams", json{{"camera_id", "a b"}, {"stream_url", "rtsp://h/s"}}, 400,
       "camera_id: expected 1-64 characters from [A-Za-z0-9_-], got \"a b\""},
      {"POST", "/api/streams", json{{"camera_id", "9"}, {"stream_url", "ftp://u:s3cret@h/s"}}, 400,
       "stream_url: expected an rtsp://, rtmp://, srt://, http(s):// ... URL, got \"ftp://u:***@h/s\""},
      {"POST", "/api/streams", json{{"camera_id", "9"}, {"stream_url", "rtsp://h/s"}, {"plan", "gold"}}, 400,
       "plan: no plan named \"gold\""},
      {"POST", "/api/streams", json{{"stream_url", "rtsp://h/s"}}, 400, "camera_id: missing"},
      {"POST", "/api/streams", json{{"camera_id", "9"}, {"stream_url", "rtsp://h/s"}, {"fps", 5}}, 400,
       "body: unknown field \"fps\""},
      {"POST", "/api/streams", json{{"camera_id", 9}, {"stream_url", "rtsp://h/s"}}, 400, "camera_id: expected a string, got 9"},
      {"POST", "/api/streams", json{{"camera_id", "1"}, {"stream_url", "rtsp://h/s"}}, 409,
       fmt::format("camera \"1\" is defined in {}: change it there", server.config_file().string())},
      {"DELETE", "/api/streams/42", nullptr, 404, "stream \"42\" not found"},
      {"PATCH", "/api/cameras/1", json{{"plan", "pro"}}, 409,
       fmt::format("camera \"1\" is defined in {}: change it there", server.config_file().string())},
      {"PATCH", "/api/cameras/1", json{{"plan", "gold"}}, 400, "plan: no plan named \"gold\""},
      {"PATCH", "/api/cameras/1", json{{"record", "no"}}, 400, "record: expected true or false, got \"no\""},
      {"POST", "/api/streams", json{{"camera_id", "9"}, {"stream_url", "rtsp://h/s"}, {"node", 2}}, 400,
       "node: expected a string, got 2"},
      {"POST", "/api/streams", json{{"camera_id", "9"}, {"stream_url", "rtsp://h/s"}, {"node", "b/../c"}}, 400,
       "node: expected a node id (1 to 64 of A-Z a-z 0-9 _ -), got \"b/../c\""},
      {"POST", "/api/streams", json{{"camera_id", "9"}, {"stream_url", "rtsp://h/s"}, {"node", "b"}}, 400,
       "node: no node \"b\" has registered in the index (known: local)"},
      {"PATCH", "/api/cameras/1", json{{"node", "b"}}, 400, "node: no node \"b\" has registered in the index (known: local)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.method, r.path, r.body.dump());
    CHECK(call(server, r.method, r.path, r.body, r.status)["error"] == r.error);
  }
  CHECK(server.get("/api/cameras/9", 404)["error"] == "camera \"9\" not found");
  CHECK(server.get("/api/cameras")["cameras"].size() == 1);  // nothing was added by a refused request
}

TEST_CASE("gen-config writes MediaMTX's file and --check tells when it is stale", "[streams][cli]") {
  ServerFixture server(kCameras);
  const std::string cfg = server.config_file().string();
  std::string out;
  CHECK(run_command({HOOK_SERVER_BIN, "gen-config", "--config", cfg, "--check"}, &out) == 1);
  CHECK(run_command({HOOK_SERVER_BIN, "gen-config", "--config", cfg}, &out) == 0);
  CHECK(out.find("mediamtx.yml written (1 cameras)") != std::string::npos);
  CHECK(run_command({HOOK_SERVER_BIN, "gen-config", "--config", cfg, "--check"}, &out) == 0);
  YAML::Node yml = YAML::LoadFile((server.dir() / "mediamtx.yml").string());
  CHECK(yml["paths"]["camera_1"]["source"].as<std::string>() == "rtsp://10.0.0.5/s");
  CHECK(yml["paths"]["camera_1"]["recordDeleteAfter"].as<std::string>() == "0s");
  // An admin's edit to a key hook-server does not manage survives regeneration.
  {
    std::ifstream in(server.dir() / "mediamtx.yml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto pos = text.find("  camera_1:\n");
    REQUIRE(pos != std::string::npos);
    text.insert(pos + 12, "    maxReaders: 3\n");
    std::ofstream(server.dir() / "mediamtx.yml") << text;
  }
  CHECK(run_command({HOOK_SERVER_BIN, "gen-config", "--config", cfg}, &out) == 0);
  CHECK(YAML::LoadFile((server.dir() / "mediamtx.yml").string())["paths"]["camera_1"]["maxReaders"].as<int>() == 3);
}
