// The retention queries of the index (index/expiry.cpp) on their own: the disk guard's claim in one
// statement (running sizes, soonest expiry first, protections), the other claims and their undo.
#include <catch2/catch.hpp>

#include <algorithm>

#include "index/database.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"

using namespace hs;
using hs::test::TempDir;
using namespace std::chrono;

namespace {

const TimePoint kNow = parse_rfc3339("2025-03-01T12:00:00Z");

struct Index {
  TempDir dir;
  std::unique_ptr<Database> index;
  Database& db;

  explicit Index(test::IndexEngine engine) : index(test::fresh_index(engine, dir.path())), db(*index) {
    db.write([&](Writer& w) {
      for (std::string id : {"a", "b"})
        w.upsert_camera(Camera{id, "camera_" + id, id, "", "basic", {}, true, "tcp", CameraOrigin::config}, kNow);
    });
  }
  // A complete 60 s segment of `camera` starting `start_min` minutes after kNow - 30 days, `size`
  // bytes, expiring `expires_in` from kNow.
  std::int64_t segment(const std::string& camera, int start_min, std::int64_t size, Micros expires_in) {
    TimePoint start = kNow - hours{24 * 30} + minutes{start_min};
    auto file = camera + "/" + std::to_string(start_min) + ".mp4";
    return db.write([&](Writer& w) {
      return *w.segment_completed(camera, file, start, seconds{60}, size, kNow + expires_in, kNow);
    });
  }
  std::vector<std::int64_t> claim_for_space(std::int64_t bytes, int window = 200) {
    std::vector<std::int64_t> ids;
    for (const auto& v : db.write([&](Writer& w) { return w.claim_for_space(bytes, kNow, window); })) {
      CHECK(v.reason == "disk");
      ids.push_back(v.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  SegmentState state(std::int64_t id) { return db.reader().segment(id)->state; }
};

}  // namespace

TEST_CASE("the disk guard claims the soonest-expiring deletable segments until their sizes cover the need",
          "[index][expiry]") {
  Index x(GENERATE(from_range(test::index_engines())));
  auto s1 = x.segment("a", 0, 400, hours{1});
  auto s2 = x.segment("b", 1, 300, hours{2});
  auto s3 = x.segment("a", 2, 0, hours{2});  // same expiry as s2: the lower id first
  auto s4 = x.segment("a", 3, 500, hours{3});

  SECTION("nothing needed, nothing claimed") { CHECK(x.claim_for_space(0).empty()); }
  SECTION("one byte takes the soonest one") { CHECK(x.claim_for_space(1) == std::vector<std::int64_t>{s1}); }
  SECTION("a segment is taken while the sizes before it sum to less than the need") {
    CHECK(x.claim_for_space(400) == std::vector<std::int64_t>{s1});      // 400 covers it
    CHECK(x.claim_for_space(301) == std::vector<std::int64_t>{s2, s3, s4});  // s2 300, s3 0: s4 is needed too
    CHECK(x.state(s1) == SegmentState::deleting);
    CHECK(x.claim_for_space(1).empty());  // claimed rows are not claimed again
  }
  SECTION("an empty segment after the need was met is left") {
    CHECK(x.claim_for_space(700) == std::vector<std::int64_t>{s1, s2});
    CHECK(x.state(s3) == SegmentState::complete);
  }
  SECTION("only `window` candidates are looked at") {
    CHECK(x.claim_for_space(1'000'000, 2) == std::vector<std::int64_t>{s1, s2});
  }
}

TEST_CASE("the disk guard never claims permanent, clip or recording segments", "[index][expiry]") {
  Index x(GENERATE(from_range(test::index_engines())));
  auto perm = x.segment("a", 0, 100, hours{1});
  auto clipped = x.segment("a", 10, 100, hours{1});
  auto recording = x.segment("b", 20, 100, hours{1});
  auto missing = x.segment("b", 30, 100, hours{2});
  auto plain = x.segment("a", 40, 100, hours{3});
  x.db.write([&](Writer& w) {
    w.mark_permanent(perm, kNow);
    auto c = *w.segment(clipped);
    w.add_clip("a", c.start + seconds{59}, c.start + seconds{61}, "", kNow);  // overlaps its last second
    w.set_segment_state(recording, SegmentState::recording, kNow);
    w.set_segment_state(missing, SegmentState::missing, kNow);
  });
  CHECK(x.claim_for_space(1'000'000) == std::vector<std::int64_t>{missing, plain});
  CHECK(x.state(perm) == SegmentState::complete);
  CHECK(x.state(clipped) == SegmentState::complete);
  CHECK(x.state(recording) == SegmentState::recording);
  // The other claims hold the same protections.
  x.db.write([&](Writer& w) {
    CHECK_FALSE(w.claim_for_manual_deletion(perm, kNow));
    CHECK_FALSE(w.claim_for_manual_deletion(clipped, kNow));
    CHECK_FALSE(w.claim_for_manual_deletion(recording, kNow));
    CHECK(w.mark_notified(kNow, kNow + hours{24}, kNow).empty());
    CHECK(w.claim_expired(kNow + hours{48}, 500).empty());
  });
  CHECK(x.db.reader().expiring(kNow + hours{48}, std::nullopt, 10).empty());
}

TEST_CASE("claimed rows are forgotten or restored, unclaimed rows are never touched", "[index][expiry]") {
  Index x(GENERATE(from_range(test::index_engines())));
  auto a = x.segment("a", 0, 100, hours{1});
  auto b = x.segment("a", 1, 100, hours{1});
  auto c = x.segment("a", 2, 100, hours{1});
  x.db.write([&](Writer& w) {
    REQUIRE(w.mark_notified(kNow, kNow + hours{24}, kNow).size() == 3);
    auto manual = w.claim_for_manual_deletion(c, kNow);
    REQUIRE(manual);
    CHECK(manual->reason == "manual");
    CHECK(manual->size == 100);
    auto claimed = w.claim_expired(kNow + hours{1}, 1);  // a limit of one: the soonest, lower id
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].id == a);
    CHECK(claimed[0].reason == "retention");
  });
  auto deleting = x.db.reader().deleting_segments(10);
  REQUIRE(deleting.size() == 2);
  x.db.write([&](Writer& w) {
    CHECK(w.forget_deleted(a));
    CHECK(w.restore_undeleted(c));
    CHECK_FALSE(w.forget_deleted(b));  // not claimed
    CHECK_FALSE(w.restore_undeleted(b));
  });
  CHECK_FALSE(x.db.reader().segment(a));
  CHECK(x.state(b) == SegmentState::complete);
  CHECK(x.state(c) == SegmentState::complete);
  CHECK(x.db.reader().deleting_segments(10).empty());
}
