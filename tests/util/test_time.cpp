// Durations (Go syntax plus d), Go-formatted seconds, RFC 3339.
#include <catch2/catch.hpp>

#include "util/error.hpp"
#include "util/time.hpp"

using namespace hs;
using namespace std::chrono;

TEST_CASE("durations parse Go syntax with days", "[time]") {
  struct Row {
    const char* text;
    Micros value;
  };
  const Row rows[] = {
      {"7d", hours{168}},        {"15d", hours{360}},          {"1h30m", minutes{90}},
      {"10m", minutes{10}},      {"60s", seconds{60}},         {"250ms", milliseconds{250}},
      {"1.5s", milliseconds{1500}}, {"0s", Micros{0}},         {"0", Micros{0}},
      {"1h0m0s", hours{1}},      {"2us", Micros{2}},           {"0.5d", hours{12}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    CHECK(parse_duration(r.text) == r.value);
  }
  for (const char* bad : {"fifteen", "", "15", "15x", "d", "-1s", "1.2.3s", ".s"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_duration(bad), BadInput);
  }
  REQUIRE_THROWS_WITH(parse_duration("fifteen"), "expected a duration like 15d, 90m or 30s, got \"fifteen\"");
}

TEST_CASE("durations format to the shortest form", "[time]") {
  CHECK(format_duration(hours{168}) == "7d");
  CHECK(format_duration(minutes{90}) == "1h30m");
  CHECK(format_duration(Micros{0}) == "0s");
  CHECK(format_duration(milliseconds{1500}) == "1s500ms");
  CHECK(parse_duration(format_duration(hours{25} + seconds{3})) == hours{25} + seconds{3});
}

TEST_CASE("MTX_SEGMENT_DURATION parses Go's FormatFloat output", "[time]") {
  struct Row {
    const char* text;
    int64_t micros;
  };
  const Row rows[] = {{"10", 10'000'000},        {"3600.016", 3'600'016'000}, {"0.5", 500'000},
                      {"2.04", 2'040'000},       {"0.000001", 1},             {"0.0000015", 2},
                      {"59.999999", 59'999'999}, {"0", 0}};
  for (const auto& r : rows) {
    CAPTURE(r.text);
    CHECK(parse_go_seconds(r.text).count() == r.micros);
  }
  for (const char* bad : {"", "1h", "-1", "1e3", "NaN", "+Inf", ".5", "1.", "1,5", " 1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_go_seconds(bad), BadInput);
  }
  REQUIRE_THROWS_WITH(parse_go_seconds("1h"), "expected seconds like 3600.016, got \"1h\"");
  // Up to 10^12 s, and no overflow above (found by the time fuzz target: 10^13 s overflowed the
  // microsecond count; tests/fuzz/regressions/time/).
  CHECK(parse_go_seconds("1000000000000").count() == 1'000'000'000'000'000'000);
  CHECK_THROWS_AS(parse_go_seconds("1000000000001"), BadInput);
  REQUIRE_THROWS_WITH(parse_go_seconds("10000000000000"), "expected seconds like 3600.016, got \"10000000000000\"");
  CHECK_THROWS_AS(parse_go_seconds("0000000000000000000100000000000000"), BadInput);
}

TEST_CASE("RFC 3339 parsing is strict and formatting is UTC with milliseconds", "[time]") {
  CHECK(format_rfc3339_ms(parse_rfc3339("2025-01-15T10:00:00Z")) == "2025-01-15T10:00:00.000Z");
  CHECK(format_rfc3339_ms(parse_rfc3339("2025-01-15T12:00:00.1239+02:00")) == "2025-01-15T10:00:00.123Z");
  CHECK(format_rfc3339_us(parse_rfc3339("2025-01-15T05:00:00.123456-05:00")) == "2025-01-15T10:00:00.123456Z");
  for (const char* bad : {"yesterday", "2025-01-15", "2025-01-15T10:00:00", "2025-01-15 10:00:00Z",
                          "2025-13-01T00:00:00Z", "2025-01-15T10:00:00.Z", "2025-01-15T10:00:00+0200",
                          "2025-01-15T10:00:00Zjunk"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_rfc3339(bad), BadInput);
  }
  REQUIRE_THROWS_WITH(parse_rfc3339("yesterday"), "not an RFC 3339 time: \"yesterday\"");
}

TEST_CASE("calendar dates parse strictly and format back", "[time]") {
  CHECK(format_date(parse_date("2026-03-29")) == "2026-03-29");
  CHECK(format_date(parse_date("2024-02-29")) == "2024-02-29");
  for (const char* bad : {"2026-3-29", "2026-02-30", "2025-02-29", "29/03/2026", "2026-03-29T00:00:00Z", "", "2026-13-01"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_date(bad), BadInput);
  }
  REQUIRE_THROWS_WITH(parse_date("yesterday"), "not a date like 2026-03-29: \"yesterday\"");
}
