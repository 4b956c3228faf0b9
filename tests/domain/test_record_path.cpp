// recordPath decoding and encoding, table-driven: every specifier, offsets, Unix time, nested path
// names, and wall times around DST changes resolved the way Go's time.Date does.
#include <catch2/catch.hpp>

#include "domain/record_path.hpp"
#include "util/error.hpp"

using namespace hs;

namespace {
TimePoint utc(const char* rfc3339) { return parse_rfc3339(rfc3339); }
const char* kDefault = "./recordings/%path/%Y-%m-%d_%H-%M-%S-%f";
}  // namespace

TEST_CASE("recordPath root and relative pattern follow MediaMTX's CommonPath", "[record_path]") {
  struct Row {
    const char* pattern;
    const char* root;
    const char* relative;
  };
  const Row rows[] = {
      {"./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "./recordings", "%path/%Y-%m-%d_%H-%M-%S-%f.mp4"},
      {"/data/rec/%path/%Y/%m/%d/%H-%M-%S-%f", "/data/rec", "%path/%Y/%m/%d/%H-%M-%S-%f.mp4"},
      {"%path/%s", ".", "%path/%s.mp4"},
      {"/%path_%s", "/", "%path_%s.mp4"},
      {"./rec/cam-%path/%s-%f", "./rec", "cam-%path/%s-%f.mp4"},
  };
  for (const auto& r : rows) {
    RecordPath rp(r.pattern, "fmp4", Zone{});
    CAPTURE(r.pattern);
    CHECK(rp.root() == r.root);
    CHECK(rp.relative_pattern() == r.relative);
  }
  CHECK(RecordPath(kDefault, "mpegts", Zone{}).relative_pattern() == "%path/%Y-%m-%d_%H-%M-%S-%f.ts");
}

TEST_CASE("recordPath decodes every specifier", "[record_path]") {
  struct Row {
    const char* pattern;
    const char* zone;
    const char* name;
    const char* path;
    const char* start;
  };
  const Row rows[] = {
      // default pattern, UTC zone
      {kDefault, "UTC", "camera_1/2025-01-15_10-00-00-123456.mp4", "camera_1", "2025-01-15T10:00:00.123456Z"},
      // local zone: Lisbon is UTC+1 in summer
      {kDefault, "Europe/Lisbon", "camera_1/2025-07-01_12-30-15-000001.mp4", "camera_1", "2025-07-01T11:30:15.000001Z"},
      {kDefault, "America/New_York", "cam/2025-01-15_05-00-00-000000.mp4", "cam", "2025-01-15T10:00:00Z"},
      // nested path names hold '/'
      {kDefault, "UTC", "site/a/cam2/2025-01-15_10-00-00-000000.mp4", "site/a/cam2", "2025-01-15T10:00:00Z"},
      // %z: Z, positive and negative offsets with minutes (fixed in MediaMTX 1.19.2)
      {"./r/%path/%Y-%m-%d_%H-%M-%S-%f%z", "Europe/Lisbon", "c/2025-01-15_10-00-00-000000Z.mp4", "c", "2025-01-15T10:00:00Z"},
      {"./r/%path/%Y-%m-%d_%H-%M-%S-%f%z", "UTC", "c/2025-01-15_15-30-00-000000+0530.mp4", "c", "2025-01-15T10:00:00Z"},
      {"./r/%path/%Y-%m-%d_%H-%M-%S-%f%z", "UTC", "c/2025-01-15_06-15-00-000000-0345.mp4", "c", "2025-01-15T10:00:00Z"},
      // %s wins over the date fields; %f adds microseconds
      {"./r/%path/%s-%f", "Europe/Lisbon", "c/1736935200-250000.mp4", "c", "2025-01-15T10:00:00.25Z"},
      {"./r/%path/%s", "UTC", "c/1736935200.mp4", "c", "2025-01-15T10:00:00Z"},
      // no %f: whole seconds
      {"./r/%path/%Y%m%d-%H%M%S", "UTC", "c/20250115-100000.mp4", "c", "2025-01-15T10:00:00Z"},
      // date in folders
      {"./r/%path/%Y/%m/%d/%H-%M-%S-%f", "UTC", "cam_9/2025/01/15/10-00-00-000000.mp4", "cam_9", "2025-01-15T10:00:00Z"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.pattern, r.zone, r.name);
    RecordPath rp(r.pattern, "fmp4", Zone::named(r.zone));
    auto d = rp.decode(r.name);
    REQUIRE(d);
    CHECK(d->path == r.path);
    CHECK(format_rfc3339_us(d->start) == format_rfc3339_us(utc(r.start)));
  }
}

TEST_CASE("recordPath resolves DST gaps and overlaps like Go's time.Date", "[record_path]") {
  // Go looks up the offset at the wall time read as UTC and keeps it when the result stays in that
  // offset's period, else takes the offset in effect at the result.
  struct Row {
    const char* zone;
    const char* name;
    const char* start;
  };
  const Row rows[] = {
      // Lisbon, 2024-10-27: 02:00 WEST -> 01:00 WET. 01:30 happens twice: Go picks the later (+00).
      {"Europe/Lisbon", "c/2024-10-27_01-30-00-000000.mp4", "2024-10-27T01:30:00Z"},
      {"Europe/Lisbon", "c/2024-10-27_00-59-59-000000.mp4", "2024-10-26T23:59:59Z"},
      {"Europe/Lisbon", "c/2024-10-27_02-00-00-000000.mp4", "2024-10-27T02:00:00Z"},
      // Lisbon, 2024-03-31: 01:00 WET -> 02:00 WEST. 01:30 does not exist: Go gives 01:30Z.
      {"Europe/Lisbon", "c/2024-03-31_01-30-00-000000.mp4", "2024-03-31T01:30:00Z"},
      {"Europe/Lisbon", "c/2024-03-31_02-30-00-000000.mp4", "2024-03-31T01:30:00Z"},
      // New York, 2024-11-03: 02:00 EDT -> 01:00 EST. 01:30 twice: Go picks the earlier (EDT).
      {"America/New_York", "c/2024-11-03_01-30-00-000000.mp4", "2024-11-03T05:30:00Z"},
      // New York, 2024-03-10: 02:00 EST -> 03:00 EDT. 02:30 does not exist: Go gives 06:30Z.
      {"America/New_York", "c/2024-03-10_02-30-00-000000.mp4", "2024-03-10T06:30:00Z"},
      {"America/New_York", "c/2024-03-10_03-00-00-000000.mp4", "2024-03-10T07:00:00Z"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.zone, r.name);
    RecordPath rp(kDefault, "fmp4", Zone::named(r.zone));
    auto d = rp.decode(r.name);
    REQUIRE(d);
    CHECK(format_rfc3339_us(d->start) == format_rfc3339_us(utc(r.start)));
  }
}

TEST_CASE("recordPath encode writes what MediaMTX writes and decode reads it back", "[record_path]") {
  struct Row {
    const char* pattern;
    const char* zone;
    const char* start;
    const char* name;
  };
  const Row rows[] = {
      {kDefault, "UTC", "2025-01-15T10:00:00.123456Z", "camera_1/2025-01-15_10-00-00-123456.mp4"},
      {kDefault, "Europe/Lisbon", "2025-07-01T11:30:15.000001Z", "camera_1/2025-07-01_12-30-15-000001.mp4"},
      {"./r/%path/%Y-%m-%d_%H-%M-%S-%f%z", "Asia/Kolkata", "2025-01-15T10:00:00Z", "camera_1/2025-01-15_15-30-00-000000+0530.mp4"},
      {"./r/%path/%Y-%m-%d_%H-%M-%S-%f%z", "UTC", "2025-01-15T10:00:00Z", "camera_1/2025-01-15_10-00-00-000000Z.mp4"},
      {"./r/%path/%Y-%m-%d_%H-%M-%S-%f%z", "America/St_Johns", "2025-01-15T10:00:00Z", "camera_1/2025-01-15_06-30-00-000000-0330.mp4"},
      {"./r/%path/%s-%f", "UTC", "2025-01-15T10:00:00.5Z", "camera_1/1736935200-500000.mp4"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.pattern, r.zone, r.start);
    RecordPath rp(r.pattern, "fmp4", Zone::named(r.zone));
    CHECK(rp.encode("camera_1", utc(r.start)) == r.name);
    auto d = rp.decode(r.name);
    REQUIRE(d);
    CHECK(d->start == utc(r.start));
  }
}

TEST_CASE("recordPath refuses names that do not match", "[record_path]") {
  RecordPath rp(kDefault, "fmp4", Zone{});
  const char* bad[] = {
      "camera_1/2025-01-15_10-00-00-123456.mp4.json",  // sidecar: MediaMTX's unanchored regex would take it
      "camera_1/2025-01-15_10-00-00-123456.ts",         // other format
      "camera_1/2025-01-15_10-00-00-12345.mp4",         // %f is 6 digits
      "camera_1/2025-13-15_10-00-00-123456.mp4",        // month 13
      "camera_1/2025-02-30_10-00-00-123456.mp4",        // no such day
      "camera_1/2025-01-15_24-00-00-123456.mp4",        // hour 24
      "2025-01-15_10-00-00-123456.mp4",                 // no path
      "../x/2025-01-15_10-00-00-123456.mp4",            // ".." is not a path name
      "a b/2025-01-15_10-00-00-123456.mp4",             // space is not allowed in path names
      "",
  };
  for (const char* name : bad) {
    CAPTURE(name);
    CHECK_FALSE(rp.decode(name));
  }
  REQUIRE_THROWS_WITH(rp.decode_or_throw("camera_1/notes.txt"),
                      "segment name \"camera_1/notes.txt\" does not match recordPath "
                      "\"./recordings/%path/%Y-%m-%d_%H-%M-%S-%f.mp4\"");
}

TEST_CASE("recordPath validation names the pattern", "[record_path]") {
  REQUIRE_THROWS_WITH(RecordPath("./r/%Y-%m-%d", "fmp4", Zone{}), "recordPath \"./r/%Y-%m-%d\" must contain %path");
  REQUIRE_THROWS_WITH(RecordPath("./r/%path/%Y-%m-%d", "fmp4", Zone{}),
                      "recordPath \"./r/%path/%Y-%m-%d\" must contain %s or all of %Y %m %d %H %M %S");
  REQUIRE_THROWS_WITH(RecordPath(kDefault, "mkv", Zone{}), "recordFormat: expected fmp4 or mpegts, got \"mkv\"");
  // Found by the record_path fuzz target: each extra %path multiplied the matcher's tries (a name
  // against a pattern with a dozen took minutes; tests/fuzz/regressions/record_path/).
  REQUIRE_THROWS_WITH(RecordPath("./r/%path/%path_%s", "fmp4", Zone{}),
                      "recordPath \"./r/%path/%path_%s\" must contain %path only once");
  REQUIRE_THROWS_WITH(Zone::named("Mars/Olympus"), "unknown time zone \"Mars/Olympus\"");
}

TEST_CASE("path names follow MediaMTX's rules", "[record_path]") {
  CHECK(valid_path_name("camera_1"));
  CHECK(valid_path_name("site/cam-2.main"));
  CHECK_FALSE(valid_path_name("/cam"));
  CHECK_FALSE(valid_path_name("cam/"));
  CHECK_FALSE(valid_path_name("a//b"));
  CHECK_FALSE(valid_path_name("a/../b"));
  CHECK_FALSE(valid_path_name("cam 1"));
  CHECK_FALSE(valid_path_name(""));
}
