// GET /metrics on a real server: scraped over HTTP and parsed by Python's prometheus_client (Debian
// python3-prometheus-client), the parser Prometheus' own Python tooling uses. Checks names, types
// and values against what the test did; and who may scrape.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

#include "build_paths.hpp"
#include "domain/record_path.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The exposition parsed by prometheus_client: {"<sample name>{<sorted labels>}": value, "#types": {family: type}}.
json parse_exposition(const fs::path& dir, const std::string& text) {
  auto in = dir / "metrics.txt";
  auto out = dir / "metrics.json";
  std::ofstream(in) << text;
  const char* script =
      "import json,sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "samples, types = {}, {}\n"
      "for fam in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "    types[fam.name] = fam.type\n"
      "    for s in fam.samples:\n"
      "        key = s.name + '{' + ','.join(f'{k}={v}' for k, v in sorted(s.labels.items())) + '}'\n"
      "        samples[key] = s.value\n"
      "samples['#types'] = types\n"
      "json.dump(samples, open(sys.argv[2], 'w'))\n";
  std::ofstream(dir / "parse.py") << script;
  auto cmd = fmt::format("/usr/bin/python3 '{}' '{}' '{}'", (dir / "parse.py").string(), in.string(), out.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream f(out);
  return json::parse(f);
}

}  // namespace

TEST_CASE("GET /metrics is Prometheus text that a real parser reads, with what happened", "[api][metrics]") {
  test::ServerFixture fx(R"(access: {mode: jwt}
cameras:
  - {id: "1", source: "rtsp://127.0.0.1:1/a", plan: pro}
)", "UTC", "", "api_token: an-admin-token-for-tests");
  fx.start();
  // Two segments through the hook endpoint, one hook rejected, a few API calls.
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  auto t0 = std::chrono::time_point_cast<std::chrono::seconds>(ServerApp::system_clock().now()) - std::chrono::hours{2};
  for (int i = 0; i < 2; ++i) {
    std::string rel = rp.encode("camera_1", t0 + std::chrono::minutes{i});
    fs::create_directories((fx.recordings() / rel).parent_path());
    std::ofstream(fx.recordings() / rel) << std::string(1000, 'x');
    json vars{{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", "./recordings/" + rel}, {"MTX_SEGMENT_DURATION", "60"}};
    auto res = fx.request("POST", "/hooks/segment-complete", json{{"vars", vars}}.dump());
    REQUIRE(res);
    REQUIRE(res->status == 200);
  }
  auto bad = fx.request("POST", "/hooks/segment-complete", R"({"vars": {"MTX_PATH": "../etc"}})");
  REQUIRE(bad);
  REQUIRE(bad->status == 400);
  httplib::Headers admin{{"Authorization", "Bearer an-admin-token-for-tests"}};
  for (int i = 0; i < 3; ++i) REQUIRE(fx.request("GET", "/api/cameras/1", "", admin)->status == 200);
  REQUIRE(fx.request("GET", "/api/cameras/9", "", admin)->status == 404);

  // From 127.0.0.1 no token is needed (a local Prometheus).
  auto res = fx.request("GET", "/metrics");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  auto m = parse_exposition(fx.dir(), res->body);
  INFO(res->body.substr(0, 4000));

  auto types = m["#types"];
  CHECK(types["hook_server_http_requests"] == "counter");
  CHECK(types["hook_server_http_request_duration_seconds"] == "histogram");
  CHECK(types["hook_server_hook_events"] == "counter");
  CHECK(types["hook_server_camera_segments"] == "gauge");
  CHECK(types["process_resident_memory_bytes"] == "gauge");

  CHECK(m["hook_server_http_requests_total{method=GET,route=/api/cameras/([^/]+),status=200}"] == 3.0);
  CHECK(m["hook_server_http_requests_total{method=GET,route=/api/cameras/([^/]+),status=404}"] == 1.0);
  CHECK(m["hook_server_http_request_duration_seconds_count{method=GET,route=/api/cameras/([^/]+)}"] == 4.0);
  CHECK(m["hook_server_hook_events_total{event=segment-complete,outcome=indexed}"] == 2.0);
  CHECK(m["hook_server_hook_events_total{event=segment-complete,outcome=rejected}"] == 1.0);
  CHECK(m["hook_server_hook_index_lag_seconds_count{}"] == 2.0);
  CHECK(m["hook_server_camera_segments{camera=1}"] == 2.0);
  CHECK(m["hook_server_camera_bytes{camera=1}"] == 2000.0);
  CHECK(m["hook_server_camera_retention_seconds{camera=1}"] == 15 * 86400.0);  // plan pro
  auto age = m["hook_server_camera_oldest_footage_age_seconds{camera=1}"].get<double>();
  CHECK(age > 7190);
  CHECK(age < 7300);
  CHECK(m["hook_server_spool_pending_bytes{}"] == 0.0);
  CHECK(m["hook_server_disk_free_bytes{}"].get<double>() > 0);
  CHECK(m["process_resident_memory_bytes{}"].get<double>() > 1e6);
  CHECK(m["process_open_fds{}"].get<double>() > 3);

  // A retention-style deletion shows up by reason: a manual one through the API.
  auto segs = json::parse(fx.request("GET", "/api/cameras/1/recordings", "", admin)->body)["recordings"];
  REQUIRE(fx.request("DELETE", fmt::format("/api/recordings/{}", segs[0]["id"].get<std::int64_t>()), "", admin)->status == 200);
  m = parse_exposition(fx.dir(), fx.request("GET", "/metrics")->body);
  CHECK(m["hook_server_segments_deleted_total{outcome=deleted,reason=manual}"] == 1.0);
  CHECK(m["hook_server_segments_deleted_bytes_total{outcome=deleted,reason=manual}"] == 1000.0);
  CHECK(m["hook_server_camera_segments{camera=1}"] == 1.0);
}

TEST_CASE("GET /metrics refuses a viewer token and a wrong one, and takes the admin token", "[api][metrics]") {
  test::ServerFixture fx(R"(access: {mode: jwt}
cameras:
  - {id: "1", source: "rtsp://127.0.0.1:1/a"}
)", "UTC", "", "api_token: an-admin-token-for-tests");
  fx.start();
  httplib::Headers admin{{"Authorization", "Bearer an-admin-token-for-tests"}};
  auto tok = json::parse(fx.request("POST", "/api/tokens", R"({"cameras": ["1"], "actions": ["read"], "subject": "v"})", admin)->body)["token"];
  auto viewer = fx.request("GET", "/metrics", "", {{"Authorization", "Bearer " + tok.get<std::string>()}});
  REQUIRE(viewer);
  CHECK(viewer->status == 403);
  CHECK(json::parse(viewer->body)["error"] == "GET /metrics is for the admin token (server.api_token); a viewer token cannot use it");
  auto wrong = fx.request("GET", "/metrics", "", {{"Authorization", "Bearer not-the-admin-token-at-all"}});
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(fx.request("GET", "/metrics", "", admin)->status == 200);
}
