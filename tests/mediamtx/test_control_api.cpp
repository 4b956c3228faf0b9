// The Control API client against a stand-in that follows MediaMTX v1.20.1's openapi.yaml: unknown
// fields refused with 400 `json: unknown field "x"`, 404 for missing paths, 400 "path already
// exists" on a duplicate add, state lost on restart (/v3/info's `started` changes).
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "mediamtx/camera_path.hpp"
#include "mediamtx/config_gen.hpp"
#include "mediamtx/control_api.hpp"
#include "mediamtx/gen_fixture.hpp"
#include "support/control_api_standin.hpp"
#include "util/error.hpp"

using namespace hs;
using hs::test::mtx::GenFixture;
using hs::test::mtx::reference;
using json = nlohmann::json;
using hs::test::ControlApiStandin;


TEST_CASE("Control API: info, add, get, patch, delete and live state", "[mediamtx]") {
  ControlApiStandin mtx;
  ControlApi api(mtx.url());
  auto info = api.info();
  CHECK(info.version == "v1.20.1");
  CHECK(info.started == "2026-08-22T10:00:00Z");

  api.add_path("camera_1", {{"source", "rtsp://10.0.0.1/s"}, {"record", true}});
  CHECK(api.get_path_config("camera_1").at("record") == true);
  api.patch_path("camera_1", {{"record", false}});
  CHECK(api.get_path_config("camera_1").at("record") == false);
  CHECK(api.get_path_config("camera_1").at("source") == "rtsp://10.0.0.1/s");
  api.replace_path("camera_1", {{"source", "rtsp://10.0.0.2/s"}});
  CHECK_FALSE(api.get_path_config("camera_1").contains("record"));

  auto live = api.get_path("camera_1");
  CHECK(live.name == "camera_1");
  CHECK(live.conf_name == "camera_1");
  CHECK_FALSE(live.available);
  CHECK_FALSE(live.available_time);
  REQUIRE(api.list_paths().size() == 1);
  REQUIRE(api.list_path_configs().size() == 1);

  api.delete_path("camera_1");
  CHECK(mtx.paths().empty());
  CHECK(mtx.take_changes() == std::vector<std::string>{"POST /v3/config/paths/add/camera_1",
                                                       "PATCH /v3/config/paths/patch/camera_1",
                                                       "POST /v3/config/paths/replace/camera_1",
                                                       "DELETE /v3/config/paths/delete/camera_1"});
}

TEST_CASE("Control API: MediaMTX's errors name the call, the path and MediaMTX's message", "[mediamtx]") {
  ControlApiStandin mtx;
  ControlApi api(mtx.url());
  api.add_path("camera_1", {{"source", "publisher"}});
  REQUIRE_THROWS_WITH(api.add_path("camera_1", {{"source", "publisher"}}),
                      "MediaMTX API: add path \"camera_1\": POST /v3/config/paths/add/camera_1: HTTP 400: path "
                      "already exists");
  REQUIRE_THROWS_WITH(api.add_path("camera_2", {{"sourceUrl", "x"}}),
                      "MediaMTX API: add path \"camera_2\": POST /v3/config/paths/add/camera_2: HTTP 400: json: "
                      "unknown field \"sourceUrl\"");
  REQUIRE_THROWS_AS(api.patch_path("camera_9", {{"record", true}}), NotFound);
  REQUIRE_THROWS_WITH(api.patch_path("camera_9", {{"record", true}}),
                      "MediaMTX API: patch path \"camera_9\": PATCH /v3/config/paths/patch/camera_9: HTTP 404: path "
                      "configuration not found");
  REQUIRE_THROWS_AS(api.delete_path("camera_9"), NotFound);
  REQUIRE_THROWS_AS(api.get_path_config("camera_9"), NotFound);
  REQUIRE_THROWS_WITH(api.get_path("camera_9"),
                      "MediaMTX API: get state of path \"camera_9\": GET /v3/paths/get/camera_9: HTTP 404: path not found");
  // A message that echoes a source keeps its password out.
  REQUIRE_THROWS_WITH(api.add_path("camera_3", {{"source", "rtsp://admin:s3cret@invalid/"}}),
                      "MediaMTX API: add path \"camera_3\": POST /v3/config/paths/add/camera_3: HTTP 400: invalid "
                      "source: 'rtsp://admin:***@invalid/'");
}

TEST_CASE("Control API: unreachable servers and slow answers fail fast, without credentials", "[mediamtx]") {
  int port;
  {
    ControlApiStandin gone;  // a port that was free a moment ago
    port = gone.port();
  }
  ControlApi api("http://admin:pw@127.0.0.1:" + std::to_string(port));
  auto start = std::chrono::steady_clock::now();
  REQUIRE_THROWS_WITH(api.info(), Catch::StartsWith("MediaMTX API: get info: GET http://admin:***@127.0.0.1:" +
                                                    std::to_string(port) + "/v3/info: "));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

  REQUIRE_THROWS_AS(ControlApi("ftp://127.0.0.1:9997"), ConfigError);
  REQUIRE_THROWS_WITH(ControlApi("127.0.0.1:9997"),
                      "mediamtx.api_url: expected a URL like http://127.0.0.1:9997, got \"127.0.0.1:9997\"");
}

TEST_CASE("Control API: lists are read across pages", "[mediamtx]") {
  ControlApiStandin mtx;
  mtx.set_page_size(2);
  for (int i = 0; i < 5; ++i) mtx.seed("p" + std::to_string(i), {{"source", "publisher"}});
  ControlApi api(mtx.url());
  auto items = api.list_path_configs();
  REQUIRE(items.size() == 5);
  CHECK(items[4].at("name") == "p4");
}

TEST_CASE("apply_cameras adds, replaces and deletes only owned paths, again after a MediaMTX restart", "[mediamtx]") {
  GenFixture f;
  ControlApiStandin mtx;
  f.config.mediamtx.api_url = mtx.url();
  ControlApi api(f.config.mediamtx.api_url);

  // The generated file carries an admin's key on camera_1: a replace must not drop it.
  write_mediamtx_config(f.config, f.cameras, reference());
  {
    auto text = hs::test::mtx::read_file(f.output());
    auto pos = text.find("  camera_1:\n");
    text.insert(pos + 12, "    maxReaders: 4\n");
    hs::test::mtx::write_file(f.output(), text);
  }

  mtx.seed("lobby", {{"source", "publisher"}});                                    // an admin's path
  mtx.seed("camera_8", {{"source", "publisher"}, {"runOnRecordSegmentComplete", "/bin/other"}});  // not ours
  mtx.seed("camera_9", {{"source", "rtsp://10.0.0.9/s"},
                        {"runOnRecordSegmentComplete", hook_command_line(f.config, "segment-complete")}});  // ours
  mtx.take_calls();

  auto r = apply_cameras(api, f.config, f.cameras);
  CHECK(r.added == std::vector<std::string>{"camera_1", "camera_2"});
  CHECK(r.replaced.empty());
  CHECK(r.deleted == std::vector<std::string>{"camera_9"});
  CHECK(mtx.take_changes() == std::vector<std::string>{"POST /v3/config/paths/add/camera_1",
                                                       "POST /v3/config/paths/add/camera_2",
                                                       "DELETE /v3/config/paths/delete/camera_9"});
  auto paths = mtx.paths();
  CHECK(paths.count("lobby"));
  CHECK(paths.count("camera_8"));
  CHECK_FALSE(paths.count("camera_9"));
  const auto& c1 = paths.at("camera_1");
  CHECK(c1.at("source") == hs::test::mtx::kSecretSource);
  CHECK(c1.at("recordDeleteAfter") == "0s");
  CHECK(c1.at("sourceOnDemand") == false);
  CHECK(c1.at("maxReaders") == 4);
  CHECK(c1.at("runOnAvailable") == hook_command_line(f.config, "available"));

  // Applying again replaces (idempotent), and a removed camera's path goes.
  f.cameras.pop_back();
  r = apply_cameras(api, f.config, f.cameras);
  CHECK(r.replaced == std::vector<std::string>{"camera_1"});
  CHECK(r.added.empty());
  CHECK(r.deleted == std::vector<std::string>{"camera_2"});  // listed as owned in the generated file
  CHECK(mtx.take_changes() == std::vector<std::string>{"POST /v3/config/paths/replace/camera_1",
                                                       "DELETE /v3/config/paths/delete/camera_2"});

  // First call after start: applies. Same `started`: nothing to do. MediaMTX restarts: applies again.
  std::string started;
  CHECK(reapply_if_restarted(api, f.config, f.cameras, started));
  CHECK(started == "2026-08-22T10:00:00Z");
  mtx.take_calls();
  CHECK_FALSE(reapply_if_restarted(api, f.config, f.cameras, started));
  CHECK(mtx.take_calls() == std::vector<std::string>{"GET /v3/info"});

  mtx.restart();
  CHECK(mtx.paths().empty());
  CHECK(reapply_if_restarted(api, f.config, f.cameras, started));
  CHECK(started == "2026-08-22T10:01:00Z");
  CHECK(mtx.take_changes() == std::vector<std::string>{"POST /v3/config/paths/add/camera_1"});
  CHECK(mtx.paths().at("camera_1").at("maxReaders") == 4);
}

TEST_CASE("apply_cameras stops at MediaMTX's refusal with its message", "[mediamtx]") {
  GenFixture f;
  ControlApiStandin mtx;
  ControlApi api(mtx.url());
  f.cameras = {hs::test::mtx::camera("1", "rtsp://admin:s3cret@invalid.example/s")};
  REQUIRE_THROWS_WITH(apply_cameras(api, f.config, f.cameras),
                      "MediaMTX API: add path \"camera_1\": POST /v3/config/paths/add/camera_1: HTTP 400: invalid "
                      "source: 'rtsp://admin:***@invalid.example/s'");
  std::string started;
  REQUIRE_THROWS(reapply_if_restarted(api, f.config, f.cameras, started));
  CHECK(started.empty());  // retried next time
}

TEST_CASE("Control API: read timeout is honoured", "[mediamtx]") {
  ControlApiStandin mtx;
  ControlApi::Options options;
  options.read_timeout = std::chrono::milliseconds(150);
  // /slow is not a MediaMTX endpoint; reach it through a path prefix so the client asks for it.
  ControlApi api(mtx.url() + "/slow?", options);
  auto start = std::chrono::steady_clock::now();
  REQUIRE_THROWS_AS(api.info(), Error);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(650));
}
