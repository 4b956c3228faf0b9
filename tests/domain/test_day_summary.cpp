// The month view: local days in a zone (23/25-hour DST days, a zone whose midnight is skipped),
// covered and gap seconds per day, bytes split at midnight, days in the future of now.
#include <catch2/catch.hpp>

#include "domain/day_summary.hpp"

using namespace hs;
using namespace std::chrono;

namespace {
TimePoint utc(const char* t) {
  return parse_rfc3339(t);
}
year_month_day day_of(const char* d) {
  return parse_date(d);
}
double gap_s(const DaySummary& d, GapReason r) {
  return to_seconds(d.gaps[static_cast<std::size_t>(r)]);
}

// One-hour segments of `bytes` each, back to back over [from, to).
TimelineFacts hourly(TimePoint from, TimePoint to, std::int64_t bytes) {
  TimelineFacts f;
  for (TimePoint t = from; t < to; t += hours{1}) f.segments.push_back({t, hours{1}, bytes, SegmentState::complete});
  return f;
}
}  // namespace

TEST_CASE("days follow the zone's midnights, 23 and 25 hours around DST", "[day_summary]") {
  struct Row {
    const char* zone;
    const char* day;
    const char* start;
    const char* end;
    double length_s;
  };
  const Row rows[] = {
      {"UTC", "2026-03-29", "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z", 86400},
      {"Europe/Lisbon", "2026-03-28", "2026-03-28T00:00:00Z", "2026-03-29T00:00:00Z", 86400},
      {"Europe/Lisbon", "2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z", 82800},
      {"Europe/Lisbon", "2026-10-25", "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z", 90000},
      {"America/New_York", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 82800},
      // Santiago springs forward at midnight: 2026-09-06 starts at 01:00 local, the transition.
      {"America/Santiago", "2026-09-06", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z", 82800},
      // ... and falls back at midnight: 23:00-24:00 of 2026-04-04 happens twice.
      {"America/Santiago", "2026-04-04", "2026-04-04T03:00:00Z", "2026-04-05T04:00:00Z", 90000},
      {"Asia/Kolkata", "2026-01-01", "2025-12-31T18:30:00Z", "2026-01-01T18:30:00Z", 86400},
  };
  for (const auto& r : rows) {
    CAPTURE(r.zone, r.day);
    auto days = summarize_days({}, TimelineRules{}, Zone::named(r.zone), day_of(r.day), day_of(r.day),
                               utc("2027-01-01T00:00:00Z"));
    REQUIRE(days.size() == 1);
    CHECK(format_date(days[0].date) == r.day);
    CHECK(format_rfc3339_ms(days[0].start) == format_rfc3339_ms(utc(r.start)));
    CHECK(format_rfc3339_ms(days[0].end) == format_rfc3339_ms(utc(r.end)));
    CHECK(to_seconds(days[0].end - days[0].start) == r.length_s);
    CHECK(to_seconds(days[0].gaps[static_cast<std::size_t>(GapReason::unknown)]) == r.length_s);
  }
}

TEST_CASE("a DST day's footage, gaps and bytes", "[day_summary]") {
  const Zone lisbon = Zone::named("Europe/Lisbon");
  // Hourly segments of 3,600 bytes from 2026-03-28 12:00Z to 2026-03-30 00:00Z, with one hour offline
  // and a half-hour segment crossing midnight into the 30th.
  auto f = hourly(utc("2026-03-28T12:00:00Z"), utc("2026-03-29T10:00:00Z"), 3600);
  auto more = hourly(utc("2026-03-29T11:00:00Z"), utc("2026-03-29T23:00:00Z"), 3600);
  f.segments.insert(f.segments.end(), more.segments.begin(), more.segments.end());
  f.segments.push_back({utc("2026-03-29T22:45:00Z"), minutes{30}, 1800, SegmentState::complete});
  f.states.push_back({StateKind::offline, utc("2026-03-29T10:00:00Z"), utc("2026-03-29T11:00:00Z")});
  const TimePoint now = utc("2026-03-30T06:00:00Z");

  auto days = summarize_days(f, TimelineRules{}, lisbon, day_of("2026-03-28"), day_of("2026-03-31"), now);
  REQUIRE(days.size() == 4);
  // The 28th: unknown until noon, then footage.
  CHECK(to_seconds(days[0].covered) == 12 * 3600);
  CHECK(gap_s(days[0], GapReason::unknown) == 12 * 3600);
  CHECK(days[0].bytes == 12 * 3600);
  // The 29th lasts 23 h: 22 h of footage, 1 h offline.
  CHECK(to_seconds(days[1].end - days[1].start) == 82800);
  CHECK(to_seconds(days[1].covered) == 22 * 3600);
  CHECK(gap_s(days[1], GapReason::offline) == 3600);
  // 22 hourly segments plus 15 of the last one's 30 minutes (900 of its 1,800 bytes).
  CHECK(days[1].bytes == 22 * 3600 + 900);
  // The 30th (from 23:00Z): 15 min of footage, then nothing explained until now (06:00Z).
  CHECK(to_seconds(days[2].covered) == 15 * 60);
  CHECK(gap_s(days[2], GapReason::unknown) == 7 * 3600 - 15 * 60);
  CHECK(days[2].bytes == 900);
  // The 31st is in the future: its length, nothing covered, no gaps.
  CHECK(to_seconds(days[3].end - days[3].start) == 86400);
  CHECK(days[3].covered == Micros{0});
  for (auto g : days[3].gaps) CHECK(g == Micros{0});
  // Covered and gaps of each past day add up to its length.
  for (int i = 0; i < 2; ++i) {
    Micros sum = days[i].covered;
    for (auto g : days[i].gaps) sum += g;
    CHECK(sum == days[i].end - days[i].start);
  }
}

TEST_CASE("bytes of a segment split across days add up to its size", "[day_summary]") {
  TimelineFacts f;
  // 7 bytes over 3 days (48 h from noon): shares rounded so nothing is lost.
  f.segments.push_back({utc("2026-01-01T12:00:00Z"), hours{48}, 7, SegmentState::complete});
  f.segments.push_back({utc("2026-01-03T20:00:00Z"), std::nullopt, 5, SegmentState::recording});
  auto days = summarize_days(f, TimelineRules{}, Zone{}, day_of("2026-01-01"), day_of("2026-01-03"),
                             utc("2026-01-03T22:00:00Z"));
  REQUIRE(days.size() == 3);
  CHECK(days[0].bytes + days[1].bytes + days[2].bytes == 12);
  // Cumulative shares of 7 bytes at 12, 36 and 48 of 48 hours: 1, 5, 7 -> 1, 4, 2.
  CHECK(days[0].bytes == 1);
  CHECK(days[1].bytes == 4);
  CHECK(days[2].bytes == 2 + 5);
}
