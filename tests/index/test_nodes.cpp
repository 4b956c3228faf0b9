// Nodes sharing one index (issue 10, step 3), on both engines: each node lists, announces and claims
// only the segments whose files it holds, rows written before nodes existed are adopted by the first
// node that opens the index, a webhook delivery is claimed by one node at a time, and nodes register
// with their URLs.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "index/database.hpp"
#include "index/pg_connection.hpp"
#include "index/sqlite_connection.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"

using namespace hs;
using hs::test::TempDir;
using namespace std::chrono;

namespace {

const TimePoint kNow = parse_rfc3339("2025-03-01T12:00:00Z");

// One index and a Database per node on it, as two hook-server processes would open it.
struct Shared {
  test::IndexEngine engine;
  TempDir dir;
  std::string pg_url;

  explicit Shared(test::IndexEngine e) : engine(e) {
    if (engine == test::IndexEngine::postgresql) pg_url = test::fresh_pg_schema_url();
  }
  std::unique_ptr<Database> open(const std::string& node) {
    if (engine == test::IndexEngine::postgresql)
      return std::make_unique<Database>(std::make_unique<index::PgBackend>(index::PgSettings{pg_url, {}}), node);
    return std::make_unique<Database>(std::make_unique<index::SqliteBackend>(dir.path() / "index.db"), node);
  }
};

Camera camera(const std::string& id, const std::string& node = "") {
  Camera c{id, "camera_" + id, id, "", "basic", {}, true, "tcp", CameraOrigin::config};
  c.node = node;
  return c;
}

// A complete 60 s segment written by `db`'s node, expired (announced) by kNow.
std::int64_t segment(Database& db, const std::string& camera_id, int minute, std::int64_t size = 100) {
  const TimePoint start = kNow - hours{24 * 30} + minutes{minute};
  auto file = fmt::format("camera_{}/{:05}.mp4", camera_id, minute);
  return db.write([&](Writer& w) { return *w.segment_completed(camera_id, file, start, seconds{60}, size, kNow - hours{1}, kNow); });
}

std::set<std::string> files_of(Database& db) {
  std::set<std::string> out;
  db.reader().each_segment_file([&](std::string_view file, std::int64_t, SegmentState) { out.emplace(file); });
  return out;
}

template <class Rows>
std::set<std::int64_t> ids(const Rows& rows) {
  std::set<std::int64_t> out;
  for (const auto& r : rows) out.insert(r.id);
  return out;
}

}  // namespace

TEST_CASE("each node lists, announces and claims only the segments whose files it holds", "[index][nodes]") {
  Shared index(GENERATE(from_range(test::index_engines())));
  INFO(test::engine_name(index.engine));
  auto a = index.open("a");
  auto b = index.open("b");
  a->write([&](Writer& w) { w.upsert_camera(camera("x"), kNow); });  // "": the writer's node
  b->write([&](Writer& w) { w.upsert_camera(camera("y"), kNow); });
  CHECK(a->reader().camera("x")->camera.node == "a");
  CHECK(b->reader().camera("y")->camera.node == "b");

  const auto xa1 = segment(*a, "x", 0), xa2 = segment(*a, "x", 1);
  const auto yb = segment(*b, "y", 2);
  const auto xb = segment(*b, "x", 3);  // camera x moved to b: this file is on b
  CHECK(a->reader().segment(xb)->node == "b");
  CHECK(b->reader().segment(xa1)->node == "a");
  // Both nodes list every segment of a camera, wherever its file is.
  CHECK(a->reader().segment_page("x", std::nullopt, std::nullopt, 100, std::nullopt, kNow).items.size() == 3);

  CHECK(files_of(*a) == std::set<std::string>{"camera_x/00000.mp4", "camera_x/00001.mp4"});
  CHECK(files_of(*b) == std::set<std::string>{"camera_y/00002.mp4", "camera_x/00003.mp4"});

  // Notices: each node announces its own.
  auto notices_a = a->write([&](Writer& w) { return w.mark_notified(kNow - hours{2}, kNow, kNow - hours{3}); });
  CHECK(ids(notices_a) == std::set<std::int64_t>{xa1, xa2});
  auto notices_b = b->write([&](Writer& w) { return w.mark_notified(kNow - hours{2}, kNow, kNow - hours{3}); });
  CHECK(ids(notices_b) == std::set<std::int64_t>{yb, xb});
  CHECK(a->reader().deletable_now(kNow).size() == 1);  // camera x, a's two
  CHECK(a->reader().deletable_now(kNow)[0].count == 2);

  // Claims: retention's and the disk guard's.
  auto claimed_a = a->write([&](Writer& w) { return w.claim_expired(kNow, 100); });
  CHECK(ids(claimed_a) == std::set<std::int64_t>{xa1, xa2});
  CHECK(ids(a->reader().deleting_segments(100)) == std::set<std::int64_t>{xa1, xa2});
  CHECK(b->reader().deleting_segments(100).empty());
  auto space_b = b->write([&](Writer& w) { return w.claim_for_space(1'000'000, kNow, 100); });
  CHECK(ids(space_b) == std::set<std::int64_t>{yb, xb});

  // A manual deletion is claimed only by the node holding the file.
  for (auto id : {yb, xb}) b->write([&](Writer& w) { w.restore_undeleted(id); });
  CHECK_FALSE(a->write([&](Writer& w) { return w.claim_for_manual_deletion(yb, kNow); }));
  CHECK(a->reader().segment(yb)->state == SegmentState::complete);
  CHECK(b->write([&](Writer& w) { return w.claim_for_manual_deletion(yb, kNow); }));
}

TEST_CASE("rows written before nodes existed belong to the first node that opens the index", "[index][nodes]") {
  Shared index(GENERATE(from_range(test::index_engines())));
  INFO(test::engine_name(index.engine));
  {
    auto old = index.open("a");
    old->write([&](Writer& w) { w.upsert_camera(camera("x"), kNow); });
    segment(*old, "x", 0);
    segment(*old, "x", 1);
    // As schema 7 found them: no node.
    old->write([&](Writer& w) {
      w.connection().exec("UPDATE cameras SET node = ''");
      w.connection().exec("UPDATE segments SET node = ''");
    });
  }
  auto b = index.open("b");
  CHECK(b->reader().camera("x")->camera.node == "b");
  CHECK(files_of(*b).size() == 2);
  // Adopted once: a later node takes nothing.
  auto c = index.open("c");
  CHECK(files_of(*c).empty());
  CHECK(c->write([](Writer& w) { return w.adopt_unowned(); }) == 0);
}

TEST_CASE("a webhook delivery is claimed by one node at a time and taken over when its claim lapses",
          "[index][nodes][notify]") {
  Shared index(GENERATE(from_range(test::index_engines())));
  INFO(test::engine_name(index.engine));
  auto a = index.open("a");
  auto b = index.open("b");
  const std::vector<std::string> urls{"http://127.0.0.1:1/one", "http://127.0.0.1:1/two"};
  a->write([&](Writer& w) { w.add_event(WebhookEvent{"", EventType::camera_offline, kNow, "x"}, urls, kNow); });

  auto first = a->write([&](Writer& w) { return w.claim_due_deliveries(kNow, 10, kNow + seconds{60}); });
  REQUIRE(first.size() == 2);
  CHECK(first[0].kind == "camera.offline");
  CHECK(first[0].payload.find("\"camera.offline\"") != std::string::npos);
  CHECK(b->write([&](Writer& w) { return w.claim_due_deliveries(kNow, 10, kNow + seconds{60}); }).empty());
  // a delivers one and dies with the other claimed: b takes it after the lease.
  a->write([&](Writer& w) { w.mark_delivered(first[0].delivery.id, kNow); });
  CHECK(b->write([&](Writer& w) { return w.claim_due_deliveries(kNow + seconds{59}, 10, kNow + seconds{120}); }).empty());
  auto taken = b->write([&](Writer& w) { return w.claim_due_deliveries(kNow + seconds{61}, 10, kNow + seconds{120}); });
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].delivery.id == first[1].delivery.id);
  // Rescheduled (tried later in this run): due again then, not before.
  b->write([&](Writer& w) { w.reschedule_delivery(taken[0].delivery.id, kNow + seconds{200}); });
  CHECK(a->write([&](Writer& w) { return w.claim_due_deliveries(kNow + seconds{199}, 10, kNow + seconds{300}); }).empty());
  CHECK(a->write([&](Writer& w) { return w.claim_due_deliveries(kNow + seconds{200}, 10, kNow + seconds{300}); }).size() == 1);
}

TEST_CASE("two nodes claiming deliveries at once claim each one exactly once", "[index][nodes][notify]") {
  Shared index(GENERATE(from_range(test::index_engines())));
  INFO(test::engine_name(index.engine));
  auto a = index.open("a");
  auto b = index.open("b");
  constexpr int kEvents = 150;
  a->write([&](Writer& w) {
    for (int i = 0; i < kEvents; ++i)
      w.add_event(WebhookEvent{"", EventType::camera_online, kNow, "x"}, {"http://127.0.0.1:1/hook"}, kNow);
  });
  std::vector<std::int64_t> got_a, got_b;
  auto drain = [&](Database& db, std::vector<std::int64_t>& got) {
    for (;;) {
      auto claimed = db.write([&](Writer& w) { return w.claim_due_deliveries(kNow, 7, kNow + hours{1}); });
      if (claimed.empty()) return;
      for (const auto& d : claimed) got.push_back(d.delivery.id);
    }
  };
  std::thread ta([&] { drain(*a, got_a); });
  std::thread tb([&] { drain(*b, got_b); });
  ta.join();
  tb.join();
  std::vector<std::int64_t> all = got_a;
  all.insert(all.end(), got_b.begin(), got_b.end());
  std::sort(all.begin(), all.end());
  CHECK(all.size() == kEvents);
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());  // none twice
  WARN(test::engine_name(index.engine) << ": node a claimed " << got_a.size() << ", node b " << got_b.size());
}

TEST_CASE("nodes register with their URLs and beat; a camera moves between nodes", "[index][nodes]") {
  Shared index(GENERATE(from_range(test::index_engines())));
  INFO(test::engine_name(index.engine));
  auto a = index.open("a");
  auto b = index.open("b");
  a->write([&](Writer& w) {
    w.upsert_node({"a", "http://127.0.0.1:9980", {"rtsp://a:8554", "http://a:8888", "http://a:8889", "http://a:9996"}, kNow, kNow, "a1"});
  });
  b->write([&](Writer& w) {
    w.upsert_node({"b", "http://127.0.0.2:9980", {"rtsp://b:8554", "http://b:8888", "http://b:8889", "http://b:9996"}, kNow, kNow, "b1"});
  });
  CHECK(b->write([&](Writer& w) { return w.touch_node(kNow + seconds{10}, "b1"); }));
  // Another process registered as b since: b1's heartbeat no longer lands.
  CHECK_FALSE(b->write([&](Writer& w) { return w.touch_node(kNow + seconds{20}, "b0"); }));
  auto nodes = a->reader().all_nodes();
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0].id == "a");
  CHECK(nodes[0].seen == kNow);
  CHECK(nodes[1].api_url == "http://127.0.0.2:9980");
  CHECK(nodes[1].streams.playback == "http://b:9996");
  CHECK(nodes[1].seen == kNow + seconds{10});
  CHECK_FALSE(a->reader().node_info("c"));

  a->write([&](Writer& w) { w.upsert_camera(camera("x"), kNow); });
  CHECK_FALSE(a->write([&](Writer& w) { return w.upsert_camera(camera("x", "a"), kNow); }));  // unchanged
  CHECK(a->write([&](Writer& w) { return w.upsert_camera(camera("x", "b"), kNow); }));        // moved
  CHECK(b->reader().camera("x")->camera.node == "b");
}

TEST_CASE("reconcile's file list pages through more rows than one page, this node's only", "[index][nodes]") {
  Shared index(GENERATE(from_range(test::index_engines())));
  INFO(test::engine_name(index.engine));
  auto a = index.open("a");
  a->write([&](Writer& w) { w.upsert_camera(camera("x"), kNow); });
  // 120,010 rows: two full pages of 50,000 and a part; every 4th another node's.
  a->write([&](Writer& w) {
    w.connection().exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120010) "
        "INSERT INTO segments (camera_id, file, start_us, state, created_us, updated_us, node) "
        "SELECT 'x', 'camera_x/' || i || '.mp4', i, 'complete', 0, 0, CASE WHEN i % 4 = 0 THEN 'b' ELSE 'a' END FROM n");
  });
  std::size_t n = 0;
  std::int64_t last = 0;
  bool ordered = true;
  a->reader().each_segment_file([&](std::string_view, std::int64_t id, SegmentState) {
    ordered = ordered && id > last;
    last = id;
    ++n;
  });
  CHECK(n == 120010 - 120010 / 4);
  CHECK(ordered);  // each row once
}
