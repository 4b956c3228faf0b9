// Rendered recordings pages are reused only while their camera's segments are unchanged: every
// kind of change (a hook, a flag, a deletion) must show in the next answer, and ETags must follow.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>

#include "api/page_cache.hpp"
#include "domain/record_path.hpp"
#include "index/database.hpp"
#include "index/segments.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kTwoCameras = R"(cameras:
  - {id: "1", name: Front, source: "rtsp://127.0.0.1:1/a", plan: pro}
  - {id: "2", name: Back, source: "rtsp://127.0.0.1:1/b", plan: pro}
)";

const char* kDay = "/api/cameras/1/recordings?from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z&limit=2000";

// Posts a segment hook for `path` starting `minute` minutes after 2025-03-01T00:00Z, file included.
void post_segment(ServerFixture& server, const std::string& path, int minute, bool complete = true) {
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  std::string rel = rp.encode(path, parse_rfc3339("2025-03-01T00:00:00Z") + std::chrono::minutes{minute});
  fs::create_directories((server.recordings() / rel).parent_path());
  std::ofstream(server.recordings() / rel) << "data";
  json vars{{"MTX_PATH", path}, {"MTX_SEGMENT_PATH", "./recordings/" + rel}};
  if (complete) vars["MTX_SEGMENT_DURATION"] = "60";
  auto res = server.request("POST", complete ? "/hooks/segment-complete" : "/hooks/segment-create", json{{"vars", vars}}.dump());
  REQUIRE(res);
  REQUIRE(res->status == 200);
}

struct Answer {
  int status;
  std::string etag;
  json body;
};

Answer get_page(ServerFixture& server, const std::string& if_none_match = "") {
  httplib::Headers headers;
  if (!if_none_match.empty()) headers.emplace("If-None-Match", if_none_match);
  auto res = server.request("GET", kDay, "", headers);
  REQUIRE(res);
  Answer a{res->status, res->get_header_value("ETag"), nullptr};
  if (res->status == 200) a.body = json::parse(res->body);
  else CHECK(res->body.empty());
  return a;
}

}  // namespace

TEST_CASE("a recordings page is reused until its camera's segments change", "[api][cache]") {
  ServerFixture server(kTwoCameras);
  server.start();
  for (int m = 0; m < 3; ++m) post_segment(server, "camera_1", m);
  post_segment(server, "camera_2", 0);

  Answer first = get_page(server);
  REQUIRE(first.status == 200);
  REQUIRE(first.body["recordings"].size() == 3);
  REQUIRE_FALSE(first.etag.empty());
  Answer again = get_page(server);
  CHECK(again.body == first.body);
  CHECK(again.etag == first.etag);
  CHECK(get_page(server, first.etag).status == 304);

  SECTION("another camera's segments do not touch this page") {
    post_segment(server, "camera_2", 1);
    CHECK(get_page(server, first.etag).status == 304);
  }
  SECTION("a new segment shows at once") {
    post_segment(server, "camera_1", 3);
    Answer a = get_page(server, first.etag);
    REQUIRE(a.status == 200);
    CHECK(a.body["recordings"].size() == 4);
    CHECK(a.etag != first.etag);
  }
  SECTION("marking a recording permanent shows at once") {
    int64_t id = first.body["recordings"][1]["id"];
    auto res = server.request("PATCH", fmt::format("/api/recordings/{}", id), R"({"permanent": true})");
    REQUIRE(res->status == 200);
    Answer a = get_page(server, first.etag);
    REQUIRE(a.status == 200);
    CHECK(a.body["recordings"][1]["permanent"] == true);
    CHECK(a.body["recordings"][0]["permanent"] == false);
  }
  SECTION("a deleted recording disappears at once") {
    int64_t id = first.body["recordings"][0]["id"];
    auto res = server.request("DELETE", fmt::format("/api/recordings/{}", id));
    REQUIRE(res->status == 200);
    Answer a = get_page(server, first.etag);
    REQUIRE(a.status == 200);
    REQUIRE(a.body["recordings"].size() == 2);
    CHECK(a.body["recordings"][0]["id"] != id);
  }
  SECTION("a page holding a segment still recording is never reused: its end is now") {
    post_segment(server, "camera_1", 10, false);
    Answer a = get_page(server, first.etag);
    REQUIRE(a.status == 200);
    REQUIRE(a.body["recordings"].size() == 4);
    CHECK(a.body["recordings"][3]["end"].is_null());
    CHECK(a.etag.empty());
    CHECK(get_page(server).etag.empty());
    post_segment(server, "camera_1", 10, true);  // completed: cacheable again
    Answer done = get_page(server);
    CHECK(done.body["recordings"][3]["duration_s"] == 60.0);
    CHECK_FALSE(done.etag.empty());
  }
}

TEST_CASE("segment versions move per camera, and for all cameras when rows are deleted", "[index][cache]") {
  TempDir dir;
  auto engine = GENERATE(from_range(test::index_engines()));
  INFO(test::engine_name(engine));
  auto index = test::fresh_index(engine, dir.path());
  Database& db = *index;
  auto now = parse_rfc3339("2025-03-01T00:00:00Z");
  db.write([&](Writer& w) {
    w.connection().exec("INSERT INTO cameras (id, path, name, plan, origin, created_us, updated_us) VALUES "
           "('a', 'cam_a', 'a', 'basic', 'config', 0, 0), ('b', 'cam_b', 'b', 'basic', 'config', 0, 0)");
  });
  auto a0 = db.segments_version("a"), b0 = db.segments_version("b");
  db.write([&](Writer& w) { w.segment_completed("a", "cam_a/1.mp4", now, std::chrono::seconds{60}, 10, now, now); });
  auto a1 = db.segments_version("a"), b1 = db.segments_version("b");
  CHECK(a1 > a0);
  CHECK(b1 == b0);
  // A write that changes nothing (same duration and size) moves nothing.
  db.write([&](Writer& w) { w.segment_completed("a", "cam_a/1.mp4", now, std::chrono::seconds{60}, 10, now, now); });
  CHECK(db.segments_version("a") == a1);
  // A failed write in a batch moves nothing it did not commit... but never hides a change either.
  CHECK_THROWS(db.write([&](Writer& w) {
    w.segment_completed("b", "cam_b/1.mp4", now, std::chrono::seconds{60}, 10, now, now);
    throw std::runtime_error("rolled back");
  }));
  CHECK(db.reader().segment_summary("b").segments == 0);
  auto b2 = db.segments_version("b");
  // SQLite's update hook does not say whose deleted rows were: every camera's version moves.
  // PostgreSQL's trigger does: only the owner's moves.
  db.write([&](Writer& w) { w.connection().exec("DELETE FROM segments WHERE file = 'cam_a/1.mp4'"); });
  CHECK(db.segments_version("a") > a1);
  if (engine == test::IndexEngine::sqlite) CHECK(db.segments_version("b") > b2);
  else CHECK(db.segments_version("b") == b2);
}

TEST_CASE("the page cache keeps the most recent pages within its byte budget", "[api][cache]") {
  PageCache cache(4000);
  auto page = [](char c, size_t n) { return std::make_shared<const std::string>(n, c); };
  cache.put("a", 1, page('a', 900));
  cache.put("b", 1, page('b', 900));
  CHECK(cache.get("a", 2) == nullptr);  // another version is another page
  REQUIRE(cache.get("a", 1));
  CHECK(*cache.get("a", 1) == std::string(900, 'a'));
  cache.put("c", 1, page('c', 900));
  cache.put("d", 1, page('d', 900));
  cache.put("e", 1, page('e', 900));  // over 4,000 bytes: the least recently used (b) goes
  CHECK(cache.get("b", 1) == nullptr);
  CHECK(cache.get("a", 1) != nullptr);
  CHECK(cache.bytes() <= 4000);
  cache.put("huge", 1, page('h', 1001));  // more than a quarter of the budget: not kept
  CHECK(cache.get("huge", 1) == nullptr);
  cache.put("a", 2, page('A', 10));  // a new version replaces the old page
  CHECK(cache.get("a", 1) == nullptr);
  CHECK(*cache.get("a", 2) == std::string(10, 'A'));
}
