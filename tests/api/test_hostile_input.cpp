// Hostile input over every route of api_routes() on a real server (issue 15): bad JSON, wrong types,
// huge numbers, negative and absurd durations, non-UTF-8, NUL bytes (body, query, path), SQL-looking
// strings, path traversal in ids and file names, unknown fields, empty bodies, absurd dates, bad
// limits and reversed ranges. Each request must answer 4xx JSON {"error"} naming the bad field or
// value (never 5xx), and the index must be unchanged afterwards: a `sqlite3 .dump` of every table is
// compared before and after each request. The table must name every route, so a route added
// without hostile rows fails here.
//
// The rules the rows pin (docs/openapi.yaml, docs/RELIABILITY.md):
//  - Unknown body fields are refused (400 "body: unknown field"); unknown query parameters are
//    ignored (routes without inputs answer 200 and change nothing).
//  - No string of a JSON body may hold U+0000 (400 naming the field).
//  - Times are RFC 3339 from 1970 on; year 9999 is accepted as the open end of a read, but a clip
//    may not reach past now + 1 day, and a segment name or hook time outside [1970, now + 1 day] is
//    refused (domain/segment.hpp).
//  - A refused hook is written to the hook event log (outcome "rejected"): that row is the only
//    change a hostile hook may make.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "api/route_table.hpp"
#include "domain/record_path.hpp"
#include "support/fake_clock.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAdmin = "an-admin-token-for-tests";

TimePoint frozen_now() {
  return TimePoint(std::chrono::time_point_cast<std::chrono::minutes>(ServerApp::system_clock().now()));
}

// A deterministic text of every table: the sqlite3 shell's .dump of the index file (WAL included),
// read while the server is idle.
std::string dump_index(const fs::path& file) {
  std::string cmd = fmt::format("sqlite3 -readonly '{}' .dump 2>&1", file.string());
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  REQUIRE(out.find("CREATE TABLE segments") != std::string::npos);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// What changed from `before` to `after` beyond rows appended to the hook event log with the outcome
// "rejected" (and the AUTOINCREMENT counter they move): "" when nothing did.
std::string change_beyond_rejections(const std::string& before, const std::string& after) {
  auto a = lines_of(before), b = lines_of(after);
  std::multiset<std::string> old(a.begin(), a.end());
  std::string changed;
  for (const auto& line : b) {
    if (auto it = old.find(line); it != old.end()) {
      old.erase(it);
      continue;
    }
    bool rejection = line.rfind("INSERT INTO events VALUES", 0) == 0 && line.find(",'rejected',") != std::string::npos;
    bool counter = line.find("sqlite_sequence") != std::string::npos && line.find("'events'") != std::string::npos;
    if (!rejection && !counter) changed += "+ " + line + "\n";
  }
  for (const auto& line : old)
    if (!(line.find("sqlite_sequence") != std::string::npos && line.find("'events'") != std::string::npos))
      changed += "- " + line + "\n";
  return changed;
}

struct Server {
  test::SharedFakeClock clock{frozen_now()};
  // Camera 1 is configured; camera 3 is discovered through its hooks, camera 5 started by the API.
  test::ServerFixture fx{"access: {mode: jwt}\ncameras: [{id: \"1\", source: \"rtsp://127.0.0.1:1/a\"}]\n", "UTC", "",
                         fmt::format("api_token: {}", kAdmin)};
  RecordPath rp{"./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{}};

  Server() {
    // The clock stands still: the watchdog and the passes find nothing new to write while the
    // requests run.
    fx.use_clock(clock);
    fx.start();
  }

  httplib::Result send(const std::string& method, const std::string& path, const std::string& body, bool admin = true) {
    httplib::Headers h;
    if (admin) h.emplace("Authorization", fmt::format("Bearer {}", kAdmin));
    return fx.request(method, path, body, h);
  }

  json call(const std::string& method, const std::string& path, const std::string& body, int expect, bool admin = true) {
    auto res = send(method, path, body, admin);
    REQUIRE(res);
    INFO(method << " " << path << " -> " << res->status << " " << res->body);
    REQUIRE(res->status == expect);
    return json::parse(res->body);
  }

  // A completed one-minute segment of camera `cam` started `minutes_ago`, file included.
  std::int64_t segment(const std::string& cam, int minutes_ago) {
    std::string rel = rp.encode("camera_" + cam, clock.now() - std::chrono::minutes{minutes_ago});
    fs::create_directories((fx.recordings() / rel).parent_path());
    std::ofstream(fx.recordings() / rel) << "data";
    json vars{{"MTX_PATH", "camera_" + cam}, {"MTX_SEGMENT_PATH", "./recordings/" + rel}, {"MTX_SEGMENT_DURATION", "60"}};
    return call("POST", "/hooks/segment-complete", json{{"vars", vars}}.dump(), 200, false)["segment_id"].get<std::int64_t>();
  }

  fs::path index_file() const { return fx.dir() / "var" / "index.db"; }

  // The dump once two reads a worker tick apart (2 s) agree: nothing is still being written.
  std::string settled_dump() {
    auto a = dump_index(index_file());
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds{2200});
      auto b = dump_index(index_file());
      if (a == b) return a;
      a = std::move(b);
    }
    FAIL("the index kept changing with no request");
    return a;
  }
};

// One hostile request.
struct Row {
  std::string route;  // "<method> <pattern>" of api_routes()
  std::string what;
  std::string method, path, body;
  int status;          // expected
  std::string names;   // the error message contains this (the field or the value)
};

std::string utc(TimePoint t) { return format_rfc3339_ms(t); }

}  // namespace

TEST_CASE("hostile input on every route answers 4xx naming the problem and leaves the index unchanged", "[api][hostile]") {
  Server s;
  const TimePoint now = s.clock.now();
  // Footage: camera 1 (configured), camera 3 (discovered through its hooks), a clip, a permanent segment.
  auto seg = s.segment("1", 30);
  auto kept = s.segment("1", 29);
  s.segment("3", 30);
  s.call("PATCH", fmt::format("/api/recordings/{}", kept), R"({"permanent": true})", 200);
  auto clip = s.call("POST", "/api/cameras/1/clips",
                     json{{"from", utc(now - std::chrono::minutes{30})}, {"to", utc(now - std::chrono::minutes{29})}, {"label", "x"}}.dump(),
                     201)["id"]
                  .get<std::int64_t>();
  s.call("POST", "/api/streams", R"({"camera_id": "5", "stream_url": "rtsp://127.0.0.1:1/e"})", 201);

  const std::string R_HOOK = R"(POST /hooks/([^/]+))";
  const std::string R_CAM = R"(GET /api/cameras/([^/]+))", R_PATCH_CAM = R"(PATCH /api/cameras/([^/]+))";
  const std::string R_SNAP = R"(GET /api/cameras/([^/]+)/snapshot\.jpg)", R_RECS = R"(GET /api/cameras/([^/]+)/recordings)";
  const std::string R_CLIPS_POST = R"(POST /api/cameras/([^/]+)/clips)", R_TIMELINE = R"(GET /api/cameras/([^/]+)/timeline)";
  const std::string R_DAYS = R"(GET /api/cameras/([^/]+)/days)";
  const std::string R_REC = R"(GET /api/recordings/([^/]+))", R_PATCH_REC = R"(PATCH /api/recordings/([^/]+))";
  const std::string R_DEL_REC = R"(DELETE /api/recordings/([^/]+))";
  const std::string R_CLIP = R"(GET /api/clips/([^/]+))", R_DEL_CLIP = R"(DELETE /api/clips/([^/]+))";
  const std::string R_DEL_STREAM = R"(DELETE /api/streams/([^/]+))";

  std::vector<Row> rows;
  auto add = [&](const std::string& route, const std::string& what, const std::string& path, const std::string& body, int status,
                 const std::string& names) {
    auto method = route.substr(0, route.find(' '));
    rows.push_back({route, what, method, path, body, status, names});
  };
  // The body attacks every JSON route gets; `field` is one of its string fields, `valid` a valid
  // body's members (without braces) that the unknown field is added to.
  auto bodies = [&](const std::string& route, const std::string& path, const std::string& field, const std::string& valid) {
    add(route, "empty body", path, "", 400, "body: not JSON");
    add(route, "bad JSON", path, R"({"a": )", 400, "body: not JSON");
    add(route, "not an object", path, "[1, 2]", 400, "body: expected a JSON object");
    add(route, "non-UTF-8", path, "{\"" + field + "\": \"\xff\xfe\"}", 400, "body: not UTF-8: byte 0xff");
    add(route, "raw NUL byte", path, std::string("{\"") + field + std::string("\": \"a\0b\"}", 9), 400, "body: not JSON");
    add(route, "escaped NUL", path, "{\"" + field + "\": \"a\\u0000b\"}", 400, field + ": holds a NUL character");
    add(route, "NUL in a key", path, "{\"" + field + "\\u0000\": \"a\"}", 400, "\"" + field + "\\x00\": holds a NUL character");
    add(route, "number overflow", path, "{\"" + field + "\": 1e400}", 400, "body: not JSON");
    add(route, "unknown field", path, "{" + valid + (valid.empty() ? "" : ", ") + R"("drop_table": "x"})", 400,
        "unknown field \"drop_table\"");
    add(route, "deep nesting", path, std::string(5000, '[') + std::string(5000, ']'), 400, "body: expected a JSON object");
  };
  auto ignored_query = [&](const std::string& route, const std::string& path) {
    add(route, "unknown query parameters are ignored", path + "?x=%00&y=%27%20OR%201%3D1--&z=%ff", "", 200, "");
  };
  const std::string sqlish = "1%27%20OR%20%271%27%3D%271";  // 1' OR '1'='1
  auto bad_ids = [&](const std::string& route, const std::string& base, const std::string& what, const std::string& body = "") {
    for (auto id : {std::string("-1"), std::string("0"), std::string("99999999999999999999"), std::string("1e3"),
                    std::string("%2e%2e"), std::string("1%00"), sqlish, std::string("%ff")})
      add(route, "id " + id, base + id, body, 400, "id: expected a " + what + " id");
    // %2F is decoded before routing: "../1" is no id of this route.
    add(route, "id ..%2F1", base + "..%2F1", body, 404, "no such endpoint: " + route.substr(0, route.find(' ')) + " \"" + base + "../1\"");
    add(route, "id that does not exist", base + "987654", body, 404, what + " 987654 not found");
  };
  auto bad_camera_ids = [&](const std::string& route, const std::string& before, const std::string& after, const std::string& body = "") {
    add(route, "camera id with ..", before + "..%2F..%2Fetc%2Fpasswd" + after, body, 404, "passwd");
    add(route, "camera id %2e%2e", before + "%2e%2e" + after, body, 404, "..");
    add(route, "camera id with NUL", before + "1%00" + after, body, 404, "not found");
    add(route, "camera id SQL", before + sqlish + after, body, 404, "1' OR '1'='1");
    add(route, "camera id non-UTF-8", before + "%ff" + after, body, 404, "not found");
  };
  auto bad_limits = [&](const std::string& route, const std::string& path) {
    for (auto v : {"-1", "0", "99999999999", "1e3", "abc", "%00"}) add(route, std::string("limit ") + v, path + "?limit=" + v, "", 400, "limit: expected an integer");
  };

  // --- open routes without inputs
  ignored_query("GET /.well-known/jwks.json", "/.well-known/jwks.json");
  ignored_query("GET /api/health", "/api/health");
  ignored_query("GET /metrics", "/metrics");
  ignored_query("GET /api/cameras", "/api/cameras");
  ignored_query("GET /api/storage", "/api/storage");

  // --- hooks
  auto hook = [&](const std::string& what, const std::string& event, json vars, int status, const std::string& names, json extra = json::object()) {
    json body{{"vars", std::move(vars)}};
    body.update(extra);
    add(R_HOOK, what, "/hooks/" + event, body.dump(), status, names);
  };
  auto seg_vars = [&](const std::string& file, const std::string& duration = "60") {
    return json{{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", file}, {"MTX_SEGMENT_DURATION", duration}};
  };
  bodies(R_HOOK, "/hooks/segment-complete", "cwd", "");
  add(R_HOOK, "unknown event", "/hooks/drop-table", R"({"vars": {"MTX_PATH": "camera_1"}})", 404, "unknown hook event \"drop-table\"");
  add(R_HOOK, "event with ..", "/hooks/..%2F..%2Fetc", R"({"vars": {"MTX_PATH": "camera_1"}})", 404, "etc");
  add(R_HOOK, "event with NUL", "/hooks/ready%00", R"({"vars": {"MTX_PATH": "camera_1"}})", 404, "ready");
  hook("vars not an object", "ready", json::array(), 400, "vars: expected an object");
  hook("var of the wrong type", "ready", json{{"MTX_PATH", 1}}, 400, "vars.MTX_PATH: expected a string, got 1");
  hook("unknown variable", "ready", json{{"MTX_PATH", "camera_1"}, {"MTX_EVIL", "x"}}, 400, "vars: unknown variable \"MTX_EVIL\"");
  hook("path name with ..", "ready", json{{"MTX_PATH", "../camera_1"}}, 400, "MTX_PATH: not a MediaMTX path name: \"../camera_1\"");
  hook("path name SQL", "ready", json{{"MTX_PATH", "x' OR '1'='1"}}, 400, "MTX_PATH: not a MediaMTX path name");
  hook("time_us a string", "ready", json{{"MTX_PATH", "camera_1"}}, 400, "time_us: expected an integer", json{{"time_us", "now"}});
  hook("time_us negative", "ready", json{{"MTX_PATH", "camera_1"}}, 400, "time_us: -5 is before 1970", json{{"time_us", -5}});
  hook("time_us year 9999", "ready", json{{"MTX_PATH", "camera_1"}}, 400, "time_us: 253402300799000000 is before 1970 or after now + 1 day",
       json{{"time_us", 253402300799000000LL}});
  hook("time_us huge", "ready", json{{"MTX_PATH", "camera_1"}}, 400, "time_us: 18446744073709551615", json{{"time_us", 18446744073709551615ULL}});
  hook("time_us float", "ready", json{{"MTX_PATH", "camera_1"}}, 400, "time_us: expected an integer, got 1e+300", json{{"time_us", 1e300}});
  hook("event mismatch", "ready", json{{"MTX_PATH", "camera_1"}}, 400, "event: \"not-ready\" does not match", json{{"event", "not-ready"}});
  const std::string ok_name = s.rp.encode("camera_1", now - std::chrono::minutes{5});
  hook("duration negative", "segment-complete", seg_vars("./recordings/" + ok_name, "-60"), 400, "MTX_SEGMENT_DURATION: expected seconds");
  hook("duration NaN", "segment-complete", seg_vars("./recordings/" + ok_name, "NaN"), 400, "MTX_SEGMENT_DURATION: expected seconds");
  hook("duration huge", "segment-complete", seg_vars("./recordings/" + ok_name, "99999999999999999999"), 400, "MTX_SEGMENT_DURATION: expected seconds");
  hook("duration of centuries", "segment-complete", seg_vars("./recordings/" + ok_name, "999999999999"), 400, "ending after now + 1 day");
  hook("segment path ../", "segment-complete", seg_vars("./recordings/../../../etc/passwd"), 400, "passwd");
  hook("segment path absolute", "segment-complete", seg_vars("/etc/passwd"), 400, "/etc/passwd");
  hook("segment path %2e%2e", "segment-complete", seg_vars("./recordings/camera_1/%2e%2e/%2e%2e/x.mp4"), 400, "%2e%2e");
  hook("segment path NUL", "segment-complete", seg_vars(std::string("./recordings/camera_1/a\0.mp4", 29)), 400, "NUL");
  hook("segment of another path", "segment-complete", seg_vars("./recordings/" + s.rp.encode("camera_3", now - std::chrono::minutes{5})), 400,
       "belongs to path \"camera_3\"");
  for (auto [what, name] : {std::pair<std::string, std::string>{"year 0000", "camera_1/0000-01-01_00-00-00-000000.mp4"},
                            {"year 9999", "camera_1/9999-12-31_23-59-59-000000.mp4"},
                            {"month 13", "camera_1/2026-13-01_00-00-00-000000.mp4"},
                            {"February 30", "camera_1/2026-02-30_00-00-00-000000.mp4"},
                            {"hour 24", "camera_1/2026-01-01_24-00-00-000000.mp4"},
                            {"a week ahead", s.rp.encode("camera_1", now + std::chrono::hours{24 * 7})},
                            {"1969", "camera_1/1969-12-31_23-59-59-000000.mp4"}}) {
    hook("segment name " + what, "segment-complete", seg_vars("./recordings/" + name), 400, name);
    hook("segment name " + what + " (create)", "segment-create", json{{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", "./recordings/" + name}}, 400, name);
  }

  // --- cameras
  bad_camera_ids(R_CAM, "/api/cameras/", "");
  bodies(R_PATCH_CAM, "/api/cameras/3", "name", R"("name": "x")");
  bad_camera_ids(R_PATCH_CAM, "/api/cameras/", "", R"({"name": "x"})");
  add(R_PATCH_CAM, "name a number", "/api/cameras/3", R"({"name": 1})", 400, "name: expected a string, got 1");
  add(R_PATCH_CAM, "name empty", "/api/cameras/3", R"({"name": ""})", 400, "name: expected 1 to 200 characters");
  add(R_PATCH_CAM, "name of 201 characters", "/api/cameras/3", json{{"name", std::string(201, 'n')}}.dump(), 400, "name: expected 1 to 200");
  add(R_PATCH_CAM, "record a string", "/api/cameras/3", R"({"record": "yes"})", 400, "record: expected true or false, got \"yes\"");
  add(R_PATCH_CAM, "plan SQL", "/api/cameras/3", R"({"plan": "basic'; DROP TABLE cameras;--"})", 400, "plan: no plan named \"basic'; DROP TABLE cameras;--\"");

  bad_camera_ids(R_SNAP, "/api/cameras/", "/snapshot.jpg");
  add(R_SNAP, "at not a time", "/api/cameras/1/snapshot.jpg?at=yesterday", "", 400, "at: not an RFC 3339 time: \"yesterday\"");
  add(R_SNAP, "at NUL", "/api/cameras/1/snapshot.jpg?at=%00", "", 400, "at: not an RFC 3339 time");
  add(R_SNAP, "at year 0", "/api/cameras/1/snapshot.jpg?at=0000-01-01T00:00:00Z", "", 404, "0000-01-01");
  add(R_SNAP, "fresh not a flag", "/api/cameras/1/snapshot.jpg?fresh=maybe", "", 400, "fresh: expected 1 or 0, got \"maybe\"");

  bad_camera_ids(R_RECS, "/api/cameras/", "/recordings");
  add(R_RECS, "from not a time", "/api/cameras/1/recordings?from=yesterday", "", 400, "from: not an RFC 3339 time: \"yesterday\"");
  add(R_RECS, "from SQL", "/api/cameras/1/recordings?from=" + sqlish, "", 400, "from: not an RFC 3339 time: \"1' OR '1'='1\"");
  add(R_RECS, "from year 0", "/api/cameras/1/recordings?from=0000-01-01T00:00:00Z", "", 400, "from: before 1970-01-01T00:00:00Z: \"0000-01-01T00:00:00Z\"");
  add(R_RECS, "to month 13", "/api/cameras/1/recordings?to=2026-13-01T00:00:00Z", "", 400, "to: not an RFC 3339 time: \"2026-13-01T00:00:00Z\"");
  add(R_RECS, "reversed range", "/api/cameras/1/recordings?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "", 400, "to: must be after from");
  add(R_RECS, "year 9999: an open end, nothing there", "/api/cameras/1/recordings?from=9999-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", "", 200, "");
  bad_limits(R_RECS, "/api/cameras/1/recordings");
  add(R_RECS, "cursor garbage", "/api/cameras/1/recordings?cursor=abc", "", 400, "cursor: not a cursor from a previous page: \"abc\"");
  add(R_RECS, "cursor SQL", "/api/cameras/1/recordings?cursor=" + sqlish, "", 400, "cursor: not a cursor from a previous page: \"1' OR '1'='1\"");
  add(R_RECS, "cursor huge", "/api/cameras/1/recordings?cursor=99999999999999999999.99999999999999999999", "", 400, "cursor: not a cursor");

  const std::string clips = "/api/cameras/1/clips";
  const std::string valid_clip = fmt::format(R"("from": "{}", "to": "{}")", utc(now - std::chrono::minutes{10}), utc(now - std::chrono::minutes{9}));
  bodies(R_CLIPS_POST, clips, "label", valid_clip);
  bad_camera_ids(R_CLIPS_POST, "/api/cameras/", "/clips", "{" + valid_clip + "}");
  auto clip_body = [&](const std::string& from, const std::string& to, const std::string& more = "") {
    return fmt::format(R"({{"from": "{}", "to": "{}"{}}})", from, to, more);
  };
  const std::string t1 = utc(now - std::chrono::minutes{10}), t2 = utc(now - std::chrono::minutes{9});
  add(R_CLIPS_POST, "from a number", clips, R"({"from": 5, "to": "2026-01-01T00:00:00Z"})", 400, "from: expected an RFC 3339 time");
  add(R_CLIPS_POST, "from missing", clips, R"({"to": "2026-01-01T00:00:00Z"})", 400, "from: expected an RFC 3339 time");
  add(R_CLIPS_POST, "from year 0", clips, clip_body("0000-01-01T00:00:00Z", t2), 400, "from: before 1970-01-01T00:00:00Z: \"0000-01-01T00:00:00Z\"");
  add(R_CLIPS_POST, "from February 30", clips, clip_body("2026-02-30T00:00:00Z", t2), 400, "from: not an RFC 3339 time: \"2026-02-30T00:00:00Z\"");
  add(R_CLIPS_POST, "to year 9999", clips, clip_body(t1, "9999-12-31T23:59:59Z"), 400, "to: after now + 1 day");
  add(R_CLIPS_POST, "to a week ahead", clips, clip_body(t1, utc(now + std::chrono::hours{24 * 7})), 400, "to: after now + 1 day");
  add(R_CLIPS_POST, "reversed", clips, clip_body(t2, t1), 400, "to: must be after from");
  add(R_CLIPS_POST, "empty range", clips, clip_body(t1, t1), 400, "to: must be after from");
  add(R_CLIPS_POST, "label a list", clips, clip_body(t1, t2, R"(, "label": [])"), 400, "label: expected a string");
  add(R_CLIPS_POST, "label of 201 characters", clips, clip_body(t1, t2, R"(, "label": ")" + std::string(201, 'l') + "\""), 400,
      "label: expected a string of at most 200");

  const std::string day = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
  bad_camera_ids(R_TIMELINE, "/api/cameras/", "/timeline?" + day);
  add(R_TIMELINE, "from missing", "/api/cameras/1/timeline?to=2026-01-02T00:00:00Z", "", 400, "from: required");
  add(R_TIMELINE, "from year 0", "/api/cameras/1/timeline?from=0000-01-01T00:00:00Z&to=0000-01-02T00:00:00Z", "", 400, "from: before 1970");
  add(R_TIMELINE, "to SQL", "/api/cameras/1/timeline?from=2026-01-01T00:00:00Z&to=" + sqlish, "", 400, "to: not an RFC 3339 time");
  add(R_TIMELINE, "reversed", "/api/cameras/1/timeline?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "", 400, "to: must be after from");
  add(R_TIMELINE, "range of 8,000 years", "/api/cameras/1/timeline?from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", "", 400, "is longer than");
  add(R_TIMELINE, "to NUL", "/api/cameras/1/timeline?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z%00", "", 400, "to: not an RFC 3339 time");
  add(R_TIMELINE, "to with ..", "/api/cameras/1/timeline?from=2026-01-01T00:00:00Z&to=..%2F..%2Fetc%2Fpasswd", "", 400,
      "to: not an RFC 3339 time: \"../../etc/passwd\"");

  bad_camera_ids(R_DAYS, "/api/cameras/", "/days?from=2026-01-01&to=2026-01-02");
  add(R_DAYS, "month 13", "/api/cameras/1/days?from=2026-13-01&to=2026-12-02", "", 400, "from: not a date like 2026-03-29: \"2026-13-01\"");
  add(R_DAYS, "February 30", "/api/cameras/1/days?from=2026-02-30&to=2026-03-02", "", 400, "from: not a date like 2026-03-29: \"2026-02-30\"");
  add(R_DAYS, "year 0 to 9999", "/api/cameras/1/days?from=0000-01-01&to=9999-12-31", "", 400, "to: the range from \"0000-01-01\" to \"9999-12-31\" is longer");
  add(R_DAYS, "reversed", "/api/cameras/1/days?from=2026-01-02&to=2026-01-01", "", 400, "to: must not be before from");
  add(R_DAYS, "to missing", "/api/cameras/1/days?from=2026-01-02", "", 400, "to: required");
  add(R_DAYS, "tz SQL", "/api/cameras/1/days?from=2026-01-01&to=2026-01-02&tz=" + sqlish, "", 400, "tz: unknown time zone \"1' OR '1'='1\"");
  add(R_DAYS, "tz with ..", "/api/cameras/1/days?from=2026-01-01&to=2026-01-02&tz=..%2F..%2Fetc%2Fpasswd", "", 400,
      "tz: unknown time zone \"../../etc/passwd\"");
  add(R_DAYS, "tz NUL", "/api/cameras/1/days?from=2026-01-01&to=2026-01-02&tz=UTC%00", "", 400, "tz: unknown time zone \"UTC\\x00\"");

  // --- recordings
  const std::string R_EXP = "GET /api/recordings/expiring";
  for (auto [what, v] : {std::pair<std::string, std::string>{"negative", "-1d"}, {"NaN", "NaN"}, {"words", "soon"}, {"huge", "99999999999999999999999d"},
                         {"thousands of years", "99999999d"}, {"5,000 digits", std::string(5000, '9') + "d"}, {"NUL", "1d%00"}})
    add(R_EXP, "within " + what, "/api/recordings/expiring?within=" + v, "", 400, "within: expected a duration");
  bad_limits(R_EXP, "/api/recordings/expiring");
  add(R_EXP, "camera SQL", "/api/recordings/expiring?camera=" + sqlish, "", 404, "camera \"1' OR '1'='1\" not found");
  add(R_EXP, "camera ..", "/api/recordings/expiring?camera=..%2F..", "", 404, "camera \"../..\" not found");

  bad_ids(R_REC, "/api/recordings/", "recording");
  bodies(R_PATCH_REC, fmt::format("/api/recordings/{}", seg), "permanent", R"("permanent": true)");
  bad_ids(R_PATCH_REC, "/api/recordings/", "recording", R"({"permanent": true})");
  add(R_PATCH_REC, "permanent a string", fmt::format("/api/recordings/{}", seg), R"({"permanent": "yes"})", 400, "permanent: expected true or false, got \"yes\"");
  add(R_PATCH_REC, "permanent a number", fmt::format("/api/recordings/{}", seg), R"({"permanent": 1})", 400, "permanent: expected true or false, got 1");
  add(R_PATCH_REC, "permanent missing", fmt::format("/api/recordings/{}", seg), "{}", 400, "permanent: expected true or false, got nothing");
  bad_ids(R_DEL_REC, "/api/recordings/", "recording");
  add(R_DEL_REC, "a permanent recording", fmt::format("/api/recordings/{}", kept), "", 409, fmt::format("recording {} is permanent", kept));
  add(R_DEL_REC, "a recording in a clip", fmt::format("/api/recordings/{}", seg), "", 409, "inside a permanent clip");

  // --- clips
  add("GET /api/clips", "camera SQL", "/api/clips?camera=" + sqlish, "", 404, "camera \"1' OR '1'='1\" not found");
  add("GET /api/clips", "camera NUL", "/api/clips?camera=1%00", "", 404, "not found");
  bad_ids(R_CLIP, "/api/clips/", "clip");
  bad_ids(R_DEL_CLIP, "/api/clips/", "clip");

  // --- admin reads
  add("GET /api/retention/preview", "plan SQL", "/api/retention/preview?plan=" + sqlish, "", 400, "plan: no plan named \"1' OR '1'='1\"");
  add("GET /api/retention/preview", "camera ..", "/api/retention/preview?camera=..%2Fetc", "", 404, "camera \"../etc\" not found");
  const std::string R_AUDIT = "GET /api/audit";
  add(R_AUDIT, "from year 0", "/api/audit?from=0000-01-01T00:00:00Z", "", 400, "from: before 1970");
  add(R_AUDIT, "to not a time", "/api/audit?to=tomorrow", "", 400, "to: not an RFC 3339 time: \"tomorrow\"");
  add(R_AUDIT, "reversed", "/api/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "", 400, "to: must be after from");
  add(R_AUDIT, "camera SQL", "/api/audit?camera=" + sqlish, "", 404, "camera \"1' OR '1'='1\" not found");
  bad_limits(R_AUDIT, "/api/audit");
  bad_limits("GET /api/notifications", "/api/notifications");
  bad_limits("GET /api/events", "/api/events");
  add("GET /api/events", "camera SQL", "/api/events?camera=" + sqlish, "", 404, "camera \"1' OR '1'='1\" not found");

  // --- streams and tokens
  const std::string R_STREAMS = "POST /api/streams";
  bodies(R_STREAMS, "/api/streams", "name", R"("camera_id": "6", "stream_url": "rtsp://127.0.0.1:1/f")");
  auto stream = [&](const std::string& what, json body, const std::string& names) { add(R_STREAMS, what, "/api/streams", body.dump(), 400, names); };
  stream("camera_id with ..", {{"camera_id", "../etc"}, {"stream_url", "rtsp://127.0.0.1:1/f"}}, "camera_id: expected 1-64 characters from [A-Za-z0-9_-], got \"../etc\"");
  stream("camera_id absolute", {{"camera_id", "/etc/passwd"}, {"stream_url", "rtsp://127.0.0.1:1/f"}}, "got \"/etc/passwd\"");
  stream("camera_id SQL", {{"camera_id", "6' OR '1'='1"}, {"stream_url", "rtsp://127.0.0.1:1/f"}}, "got \"6' OR '1'='1\"");
  stream("camera_id a number", {{"camera_id", 6}, {"stream_url", "rtsp://127.0.0.1:1/f"}}, "camera_id: expected a string, got 6");
  stream("camera_id missing", {{"stream_url", "rtsp://127.0.0.1:1/f"}}, "camera_id: missing");
  stream("stream_url a file", {{"camera_id", "6"}, {"stream_url", "file:///etc/passwd"}}, "stream_url: expected an rtsp://");
  stream("stream_url missing", {{"camera_id", "6"}}, "stream_url: missing");
  stream("plan unknown", {{"camera_id", "6"}, {"stream_url", "rtsp://127.0.0.1:1/f"}, {"plan", "forever"}}, "plan: no plan named \"forever\"");
  stream("record a string", {{"camera_id", "6"}, {"stream_url", "rtsp://127.0.0.1:1/f"}, {"record", "yes"}}, "record: expected true or false");
  stream("name of 201 characters", {{"camera_id", "6"}, {"stream_url", "rtsp://127.0.0.1:1/f"}, {"name", std::string(201, 'n')}}, "name: at most 200");
  stream("viewer_token ttl negative",
         {{"camera_id", "6"}, {"stream_url", "rtsp://127.0.0.1:1/f"}, {"viewer_token", {{"actions", {"read"}}, {"ttl", "-1h"}}}},
         "viewer_token.ttl:");
  add(R_DEL_STREAM, "id with ..", "/api/streams/..%2F..%2Fetc", "", 404, "etc");
  add(R_DEL_STREAM, "id NUL", "/api/streams/5%00", "", 404, "not found");
  add(R_DEL_STREAM, "id SQL", "/api/streams/" + sqlish, "", 404, "stream \"1' OR '1'='1\" not found");
  add(R_DEL_STREAM, "a configured camera", "/api/streams/1", "", 409, "camera \"1\" is defined in");
  add(R_DEL_STREAM, "a discovered camera", "/api/streams/3", "", 409, "camera \"3\" is not managed by hook-server");

  const std::string R_TOKENS = "POST /api/tokens";
  bodies(R_TOKENS, "/api/tokens", "subject", R"("cameras": ["1"], "actions": ["read"])");
  auto token = [&](const std::string& what, json body, const std::string& names) { add(R_TOKENS, what, "/api/tokens", body.dump(), 400, names); };
  token("ttl negative", {{"cameras", {"1"}}, {"actions", {"read"}}, {"ttl", "-1h"}}, "ttl: expected a duration");
  token("ttl huge", {{"cameras", {"1"}}, {"actions", {"read"}}, {"ttl", "99999999999999999999999d"}}, "ttl: expected a duration");
  token("ttl of years", {{"cameras", {"1"}}, {"actions", {"read"}}, {"ttl", "3650d"}}, "ttl: at most");
  token("ttl a number", {{"cameras", {"1"}}, {"actions", {"read"}}, {"ttl", 60}}, "ttl: expected a duration like 15m, got \"60\"");
  token("cameras a string", {{"cameras", "1"}, {"actions", {"read"}}}, "cameras: expected a non-empty list");
  token("camera with ..", {{"cameras", {"../1"}}, {"actions", {"read"}}}, "cameras: no camera \"../1\"");
  token("camera SQL", {{"cameras", {"1' OR '1'='1"}}, {"actions", {"read"}}}, "cameras: no camera \"1' OR '1'='1\"");
  token("action unknown", {{"cameras", {"1"}}, {"actions", {"root"}}}, "actions: expected");
  token("actions missing", {{"cameras", {"1"}}}, "actions: missing");

  // Every route has rows, and every row a route.
  std::set<std::string> declared, tested;
  for (const auto& r : api_routes()) declared.insert(fmt::format("{} {}", r.method, r.pattern));
  for (const auto& r : rows) tested.insert(r.route);
  CHECK(declared == tested);

  const std::string before = s.settled_dump();
  std::string prev = before;
  std::map<std::string, int> per_route;
  for (const auto& row : rows) {
    auto res = s.send(row.method, row.path, row.body, row.route != R_HOOK);
    REQUIRE(res);
    INFO(row.route << " — " << row.what << ": " << row.method << " " << row.path << " " << row.body.substr(0, 200) << " -> "
                   << res->status << " " << res->body.substr(0, 400));
    ++per_route[row.route];
    CHECK(res->status == row.status);
    CHECK(res->status < 500);
    if (res->status >= 400) {
      REQUIRE(res->get_header_value("Content-Type") == "application/json");
      auto body = json::parse(res->body);
      REQUIRE(body["error"].is_string());
      CHECK_THAT(body["error"].get<std::string>(), Catch::Matchers::Contains(row.names));
    }
    auto after = dump_index(s.index_file());
    // A refused hook may append its "rejected" row to the hook event log; any other route changes
    // nothing at all.
    if (row.route == R_HOOK) CHECK(change_beyond_rejections(prev, after) == "");
    else CHECK(after == prev);
    prev = std::move(after);
  }
  // Nothing but hook rejections was written over the whole run, byte for byte.
  auto after_all = dump_index(s.index_file());
  CHECK(change_beyond_rejections(before, after_all) == "");
  WARN(fmt::format("hostile input: {} requests over {} routes", rows.size(), per_route.size()));

  // The comparison sees a change: one legitimate write makes it fail.
  s.call("PATCH", fmt::format("/api/recordings/{}", seg), R"({"permanent": true})", 200);
  CHECK(change_beyond_rejections(before, dump_index(s.index_file())) != "");
  // The clip still exists with its recording, the permanent one is still permanent.
  CHECK(s.call("GET", fmt::format("/api/clips/{}", clip), "", 200)["recordings"].size() >= 1);
  CHECK(s.call("GET", fmt::format("/api/recordings/{}", kept), "", 200)["permanent"] == true);
}
