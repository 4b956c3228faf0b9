// Segment writes run from the connection's kept statements (index/connection.hpp) behave the same
// call after call in one transaction; each_segment_file lists every row once.
#include <catch2/catch.hpp>
#include <map>

#include "index/cameras.hpp"
#include "index/database.hpp"
#include "index/segments.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"

using namespace hs;
using hs::test::TempDir;

namespace {

const TimePoint kNow = parse_rfc3339("2025-02-01T12:00:00Z");
const TimePoint kStart = parse_rfc3339("2025-02-01T10:00:00Z");

}  // namespace

TEST_CASE("segment writes reuse their statements across many writes in one transaction", "[segments]") {
  TempDir dir;
  auto engine = GENERATE(from_range(test::index_engines()));
  INFO(test::engine_name(engine));
  auto index = test::fresh_index(engine, dir.path());
  Database& db = *index;
  std::int64_t a_id = 0, b0_id = 0;
  db.write([&](Writer& w) {
    w.upsert_camera(Camera{"1", "camera_1", "Front", "", "basic", {}, true, "tcp", CameraOrigin::config}, kNow);
  });
  db.write([&](Writer& w) {
    a_id = w.segment_created("1", "camera_1/a.mp4", kStart, std::nullopt, kNow).value_or(0);
    CHECK(a_id > 0);
    CHECK_FALSE(w.segment_created("1", "camera_1/a.mp4", kStart, std::nullopt, kNow));  // already known
    CHECK(w.segment_completed("1", "camera_1/a.mp4", kStart, Micros{60'000'000}, 1000, std::nullopt, kNow));
    CHECK_FALSE(w.segment_completed("1", "camera_1/a.mp4", kStart, Micros{60'000'000}, 1000, std::nullopt, kNow));
    for (int i = 0; i < 100; ++i) {
      auto id = w.segment_completed("1", "camera_1/b" + std::to_string(i) + ".mp4", kStart, std::nullopt, i, std::nullopt, kNow);
      CHECK(id);
      if (i == 0) b0_id = id.value_or(0);
    }
    CHECK(w.set_segment_state(a_id, SegmentState::missing, kNow));
    CHECK_FALSE(w.set_segment_state(a_id, SegmentState::missing, kNow));
    CHECK(w.set_segment_state(b0_id, SegmentState::deleting, kNow));
    CHECK_FALSE(w.set_segment_state(b0_id, SegmentState::complete, kNow));  // a row being deleted is left alone
  });

  std::map<std::string, std::pair<std::int64_t, SegmentState>> rows;
  db.reader().each_segment_file([&](std::string_view file, std::int64_t id, SegmentState state) {
    CHECK(rows.emplace(std::string(file), std::make_pair(id, state)).second);
  });
  REQUIRE(rows.size() == 101);
  CHECK(rows["camera_1/a.mp4"] == std::make_pair(a_id, SegmentState::missing));
  CHECK(rows["camera_1/b0.mp4"] == std::make_pair(b0_id, SegmentState::deleting));
  CHECK(rows["camera_1/b99.mp4"].second == SegmentState::complete);
  auto a = db.reader().segment_by_file("camera_1/a.mp4");
  REQUIRE(a);
  CHECK(a->duration == Micros{60'000'000});
  CHECK(a->size_bytes == 1000);
}

TEST_CASE("oldest_segment_start is the summary's oldest: recording and complete rows only", "[segments]") {
  TempDir dir;
  auto engine = GENERATE(from_range(test::index_engines()));
  INFO(test::engine_name(engine));
  auto index = test::fresh_index(engine, dir.path());
  Database& db = *index;
  db.write([&](Writer& w) {
    w.upsert_camera(Camera{"1", "camera_1", "Front", "", "basic", {}, true, "tcp", CameraOrigin::config}, kNow);
    w.upsert_camera(Camera{"2", "camera_2", "Back", "", "basic", {}, true, "tcp", CameraOrigin::config}, kNow);
  });
  CHECK_FALSE(db.reader().oldest_segment_start("1"));
  const Micros minute{60'000'000};
  db.write([&](Writer& w) {
    // Inserted newest first, so the answer is not the first row written.
    for (int i = 4; i >= 0; --i) {
      auto id = w.segment_completed("1", "camera_1/s" + std::to_string(i) + ".mp4", kStart + i * minute, minute, 10,
                                    std::nullopt, kNow);
      REQUIRE(id);
      if (i == 0) CHECK(w.set_segment_state(*id, SegmentState::missing, kNow));   // gone: not footage
      if (i == 1) CHECK(w.set_segment_state(*id, SegmentState::deleting, kNow));  // being deleted
    }
    w.segment_created("1", "camera_1/later.mp4", kStart + 10 * minute, std::nullopt, kNow);
    w.segment_created("2", "camera_2/early.mp4", kStart - 10 * minute, std::nullopt, kNow);  // another camera
  });
  auto r = db.reader();
  CHECK(r.oldest_segment_start("1") == std::optional<TimePoint>(kStart + 2 * minute));
  CHECK(r.oldest_segment_start("1") == r.segment_summary("1").oldest);
  CHECK(r.oldest_segment_start("2") == std::optional<TimePoint>(kStart - 10 * minute));  // a recording row counts
  CHECK_FALSE(r.oldest_segment_start("3"));
}
