// The camera status history: change points that repeat the latest one are not stored, intervals
// come back clipped to nothing but with the state in force at `from`, record switches and stream
// status changes write it, and pruning keeps the change in force at the cut.
#include <catch2/catch.hpp>
#include <map>

#include "index/database.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"

using namespace hs;
using hs::test::TempDir;
using std::chrono::minutes;

namespace {

const TimePoint kT0 = parse_rfc3339("2026-03-01T00:00:00Z");

Camera camera(bool record) {
  Camera c;
  c.id = "1";
  c.path = "camera_1";
  c.name = "Front";
  c.plan = "basic";
  c.record = record;
  c.origin = CameraOrigin::api;
  return c;
}

std::int64_t rows(Database& db) {
  auto r = db.reader();
  auto q = r.connection().prepare("SELECT count(*) FROM state_changes");
  q->step();
  return q->int64(0);
}

}  // namespace

TEST_CASE("the status history stores changes only, and answers with the state in force at from", "[index][health]") {
  TempDir dir;
  Database db(dir.path() / "index.db");
  db.write([&](Writer& w) {
    w.upsert_camera(camera(true), kT0);                                          // record on from t0
    CHECK(w.apply_stream_status("1", StreamState::active, kT0 + minutes{1}, "rtspSource"));  // online
    CHECK(w.apply_stream_status("1", StreamState::stopped, kT0 + minutes{10}, ""));          // offline
    CHECK_FALSE(w.apply_stream_status("1", StreamState::stopped, kT0 + minutes{11}, ""));   // repeat
    CHECK(w.apply_stream_status("1", StreamState::active, kT0 + minutes{20}, ""));
    w.upsert_camera(camera(false), kT0 + minutes{30});  // record off
    w.upsert_camera(camera(false), kT0 + minutes{31});  // unchanged: no write
    CHECK(w.add_state_change("1", StateKind::stalled, kT0 + minutes{40}, true));
    CHECK_FALSE(w.add_state_change("1", StateKind::stalled, kT0 + minutes{41}, true));
  });
  CHECK(rows(db) == 6);  // record on, online, offline, online, record off, stalled

  auto r = db.reader();
  auto h = r.state_history("1", kT0 + minutes{15}, kT0 + minutes{60});
  REQUIRE(h.size() == 3);
  CHECK(h[0].kind == StateKind::offline);  // in force at from: starts before it
  CHECK(h[0].start == kT0 + minutes{10});
  CHECK(h[0].end == kT0 + minutes{20});
  CHECK(h[1].kind == StateKind::not_recording);
  CHECK(h[1].start == kT0 + minutes{30});
  CHECK_FALSE(h[1].end);
  CHECK(h[2].kind == StateKind::stalled);
  CHECK(h[2].start == kT0 + minutes{40});
  CHECK_FALSE(h[2].end);
  // Before the first change of a kind nothing is known: no interval.
  CHECK(r.state_history("2", kT0, kT0 + minutes{60}).empty());
}

TEST_CASE("pruning the status history keeps the change in force at the cut", "[index][health]") {
  TempDir dir;
  Database db(dir.path() / "index.db");
  db.write([&](Writer& w) {
    w.upsert_camera(camera(true), kT0);
    for (int i = 0; i < 10; ++i)
      w.apply_stream_status("1", i % 2 ? StreamState::active : StreamState::stopped, kT0 + minutes{i + 1}, "");
  });
  CHECK(rows(db) == 11);
  // Cut at t0 + 5m30s: offline changes at 1..5 min are older; only the one at 5 min (offline) stays,
  // and the record-on change at t0 is the newest of its kind: kept.
  CHECK(db.write([&](Writer& w) { return w.prune_state_history("1", kT0 + minutes{5} + std::chrono::seconds{30}); }) == 4);
  CHECK(rows(db) == 7);
  auto r = db.reader();
  auto h = r.state_history("1", kT0 + minutes{5} + std::chrono::seconds{40}, kT0 + minutes{7});
  REQUIRE(h.size() == 1);
  CHECK(h[0].kind == StateKind::offline);
  CHECK(h[0].start == kT0 + minutes{5});
  CHECK(h[0].end == kT0 + minutes{6});
  // Pruning again changes nothing.
  CHECK(db.write([&](Writer& w) { return w.prune_state_history("1", kT0 + minutes{5} + std::chrono::seconds{30}); }) == 0);
}

TEST_CASE("a day's segment version moves with every change a timeline can see, and only then", "[index][health]") {
  TempDir dir;
  auto engine = GENERATE(from_range(test::index_engines()));
  INFO(test::engine_name(engine));
  auto index = test::fresh_index(engine, dir.path());
  Database& db = *index;
  const TimePoint day0 = parse_rfc3339("2026-03-01T00:00:00Z");
  const std::int64_t d0 = epoch_us(day0) / 86'400'000'000;
  auto versions = [&] {
    std::map<std::int64_t, std::int64_t> v;
    for (auto [day, version] : db.reader().segment_day_versions("1", d0 - 1, d0 + 3)) v[day - d0] = version;
    return v;
  };
  std::int64_t a = 0, b = 0;
  db.write([&](Writer& w) {
    w.upsert_camera(camera(true), kT0);
    a = w.segment_created("1", "camera_1/a.mp4", day0 + minutes{10}, std::nullopt, kT0).value_or(0);
    b = w.segment_completed("1", "camera_1/b.mp4", day0 + std::chrono::hours{25}, Micros{60'000'000}, 10, std::nullopt,
                            kT0).value_or(0);
  });
  REQUIRE(a > 0);
  REQUIRE(b > 0);
  auto v0 = versions();
  REQUIRE(v0.size() == 2);  // days 0 and 1; day 2 never had a segment
  CHECK(v0.count(0) == 1);
  CHECK(v0.count(1) == 1);

  auto moved = [&](auto&& change) {
    auto before = versions();
    db.write(change);
    auto after = versions();
    std::vector<std::int64_t> days;
    for (auto [day, version] : after)
      if (!before.count(day) || before[day] != version) days.push_back(day);
    return days;
  };
  using Days = std::vector<std::int64_t>;
  CHECK(moved([&](Writer& w) {
          w.segment_completed("1", "camera_1/a.mp4", day0 + minutes{10}, Micros{60'000'000}, 5, std::nullopt, kT0);
        }) == Days{0});
  CHECK(moved([&](Writer& w) { w.set_segment_state(b, SegmentState::missing, kT0); }) == Days{1});
  CHECK(moved([&](Writer& w) { w.mark_permanent(a, kT0); }).empty());  // not something a timeline shows
  CHECK(moved([&](Writer& w) {
          w.unmark_permanent(a, std::chrono::hours{1}, kT0, kT0);
          auto v = w.claim_for_manual_deletion(a, kT0);
          REQUIRE(v);
          w.forget_deleted(a);
        }) == Days{0});
  CHECK(moved([&](Writer& w) {
          w.segment_created("1", "camera_1/c.mp4", day0 + std::chrono::hours{49}, std::nullopt, kT0);
        }) == Days{2});
}
