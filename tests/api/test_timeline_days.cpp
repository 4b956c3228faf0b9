// The timeline's folded days against the rows they stand for, on both engines: a timeline built
// from TimelineDays equals one built from every row, folded days are reused while unchanged, and a
// change to a day (a segment completed, lost, deleted, added) is seen at once.
#include <catch2/catch.hpp>

#include "api/timeline_days.hpp"
#include "index/database.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"

using namespace hs;
using hs::test::TempDir;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

const TimePoint kDay0 = parse_rfc3339("2026-03-01T00:00:00Z");
const TimePoint kNow = kDay0 + hours{24 * 5};

std::string lines(const Timeline& t) {
  std::string out;
  for (const auto& s : t.spans)
    out += fmt::format("span {} {} {} {}\n", format_rfc3339_ms(s.start), format_rfc3339_ms(s.end), s.segments, s.bytes);
  for (const auto& g : t.gaps)
    out += fmt::format("gap {} {} {}\n", format_rfc3339_ms(g.start), format_rfc3339_ms(g.end), gap_reason_name(g.reason));
  return out;
}

}  // namespace

TEST_CASE("folded days give the rows' timeline and follow every change to a day", "[health][timeline]") {
  TempDir dir;
  auto engine = GENERATE(from_range(test::index_engines()));
  INFO(test::engine_name(engine));
  auto index = test::fresh_index(engine, dir.path());
  Database& db = *index;
  std::vector<std::int64_t> ids;
  db.write([&](Writer& w) {
    Camera c;
    c.id = "1";
    c.path = "camera_1";
    c.name = "Front";
    c.plan = "basic";
    c.origin = CameraOrigin::api;
    w.upsert_camera(c, kDay0);
    // Four days of 10-minute segments with an hour's hole at 06:00 each day.
    for (int m = 0; m < 4 * 24 * 60; m += 10) {
      if (m % (24 * 60) >= 6 * 60 && m % (24 * 60) < 7 * 60) continue;
      ids.push_back(w.segment_completed("1", fmt::format("camera_1/{}.mp4", m), kDay0 + minutes{m}, minutes{10}, 1000,
                                        std::nullopt, kDay0)
                        .value_or(0));
    }
  });
  TimelineRules rules;
  rules.segment_duration = minutes{10};
  TimelineDays days;
  // A range from the middle of day 0 to the middle of day 3: days 1 and 2 are whole.
  const TimePoint from = kDay0 + hours{12} + minutes{3}, to = kDay0 + hours{84} + minutes{7};
  auto both = [&] {
    auto r = db.snapshot();
    TimelineFacts rows, folded;
    rows.segments = r.timeline_segments("1", from - minutes{21}, to);
    folded.segments = days.segments(r, "1", from - minutes{21}, to, from, std::min(to, kNow), rules);
    CHECK(folded.segments.size() + 250 < rows.segments.size());  // days 1 and 2 (276 rows) are a few runs
    return std::make_pair(lines(build_timeline(rows, rules, from, to, kNow)),
                          lines(build_timeline(folded, rules, from, to, kNow)));
  };
  auto [rows0, folded0] = both();
  CHECK(folded0 == rows0);
  CHECK(days.misses() == 2);
  CHECK(days.hits() == 0);
  auto again = both();
  CHECK(again.second == rows0);
  CHECK(days.misses() == 2);  // both days reused
  CHECK(days.hits() == 2);

  // Day 1 changes: a segment lost, one deleted, one added in its hole. Day 2 does not.
  const std::size_t per_day = ids.size() / 4;
  db.write([&](Writer& w) {
    CHECK(w.set_segment_state(ids[per_day + 10], SegmentState::missing, kNow));
    REQUIRE(w.claim_for_manual_deletion(ids[per_day + 20], kNow));
    CHECK(w.forget_deleted(ids[per_day + 20]));
    CHECK(w.segment_created("1", "camera_1/extra.mp4", kDay0 + hours{30} + minutes{20}, std::nullopt, kNow));
  });
  auto [rows1, folded1] = both();
  CHECK(rows1 != rows0);
  CHECK(folded1 == rows1);
  CHECK(days.misses() == 3);  // day 1 folded again, day 2 reused
  CHECK(days.hits() == 3);
}
