// The plausible-segment-time rule as a table: the bounds (1970, now + 1 day) and the whole messages.
#include <catch2/catch.hpp>

#include "domain/record_path.hpp"
#include "domain/segment_time.hpp"

using namespace hs;
using namespace std::chrono;

TEST_CASE("segment times outside 1970 .. now + 1 day are named implausible", "[domain][segment_time]") {
  const TimePoint now = parse_rfc3339("2026-12-02T16:00:00Z");
  struct Row {
    const char* start;
    std::optional<Micros> duration;
    const char* why;  // "" when plausible
  };
  const Row rows[] = {
      {"2026-12-02T15:00:00Z", seconds{60}, ""},
      {"1970-01-01T00:00:00Z", std::nullopt, ""},  // a clock that was never set: still footage
      {"2026-12-03T16:00:00Z", std::nullopt, ""},  // exactly the slack
      {"2026-12-03T15:59:00Z", seconds{60}, ""},
      {"2020-01-01T00:00:00Z", hours{24 * 7}, ""},  // old and long: not impossible
      {"0000-01-01T00:00:00Z", std::nullopt, "starts 0000-01-01T00:00:00.000Z, before 1970-01-01T00:00:00Z"},
      {"1969-12-31T23:59:59Z", seconds{60}, "starts 1969-12-31T23:59:59.000Z, before 1970-01-01T00:00:00Z"},
      {"9999-12-31T23:59:59Z", std::nullopt, "starts 9999-12-31T23:59:59.000Z, after now + 1 day (2026-12-03T16:00:00.000Z)"},
      {"2026-12-03T16:00:01Z", std::nullopt, "starts 2026-12-03T16:00:01.000Z, after now + 1 day (2026-12-03T16:00:00.000Z)"},
      {"2026-12-03T15:59:00Z", seconds{61},
       "lasts 61 s from 2026-12-03T15:59:00.000Z, ending after now + 1 day (2026-12-03T16:00:00.000Z)"},
      {"2026-12-02T15:00:00Z", seconds{999999999999},
       "lasts 999999999999 s from 2026-12-02T15:00:00.000Z, ending after now + 1 day (2026-12-03T16:00:00.000Z)"},
      {"2026-12-02T15:00:00Z", seconds{-1},
       "lasts -1 s from 2026-12-02T15:00:00.000Z, ending after now + 1 day (2026-12-03T16:00:00.000Z)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.start);
    auto why = implausible_segment_time(parse_rfc3339(r.start), r.duration, now);
    CHECK(why.value_or("") == r.why);
  }
}

TEST_CASE("recordPath decodes year 0000 and 9999, which the time rule then refuses", "[domain][segment_time]") {
  // The decoder reads what the pattern can hold (its job is names); the plausibility is the rule's.
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  const TimePoint now = parse_rfc3339("2026-12-02T16:00:00Z");
  for (auto name : {"camera_1/0000-01-01_00-00-00-000000.mp4", "camera_1/9999-12-31_23-59-59-000000.mp4"}) {
    CAPTURE(name);
    auto d = rp.decode(name);
    REQUIRE(d);
    CHECK(implausible_segment_time(d->start, std::nullopt, now).has_value());
  }
  // Month 13, February 30, hour 24: no date at all, so no segment either.
  for (auto name : {"camera_1/2026-13-01_00-00-00-000000.mp4", "camera_1/2026-02-30_00-00-00-000000.mp4",
                    "camera_1/2026-01-01_24-00-00-000000.mp4"}) {
    CAPTURE(name);
    CHECK_FALSE(rp.decode(name));
  }
  CHECK_FALSE(implausible_segment_time(rp.decode("camera_1/2026-12-02_15-00-00-000000.mp4")->start, std::nullopt, now));
}
