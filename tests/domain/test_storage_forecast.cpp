// Storage forecast arithmetic: days until the disk guard fires, days a shared disk holds, plan met.
#include <catch2/catch.hpp>

#include "domain/storage_forecast.hpp"

using namespace hs;
using namespace std::chrono;

TEST_CASE("days until the disk guard fires", "[storage_forecast]") {
  struct Row {
    std::int64_t free, floor;
    double write, remove;
    std::optional<double> days;
  };
  const Row rows[] = {
      {1100, 100, 100, 0, 10.0},            // 1,000 bytes of room at 100 a day
      {1100, 100, 300, 200, 10.0},          // deletions take back part of the writes
      {1100, 100, 100, 100, std::nullopt},  // deletions keep up: never
      {1100, 100, 0, 0, std::nullopt},      // nothing written
      {100, 100, 50, 0, 0.0},               // at the floor already
      {50, 100, 50, 0, 0.0},                // under it
  };
  for (const auto& r : rows) {
    CAPTURE(r.free, r.floor, r.write, r.remove);
    CHECK(days_until_guard({r.free, r.floor, r.write, r.remove}) == r.days);
  }
}

TEST_CASE("days a shared disk holds when the guard deletes the oldest first", "[storage_forecast]") {
  const std::vector<CameraLoad> loads{{"a", days{7}, 10}, {"b", days{30}, 20}, {"idle", days{15}, 0}};
  // Every retention fits in 670 bytes (7 x 10 + 30 x 20).
  CHECK_FALSE(holdable_days(600, 170, 100, loads));
  // 400 bytes: both cameras grow together to 7 days (210), then b alone: 7 + 190 / 20.
  CHECK(holdable_days(300, 200, 100, loads) == Approx(16.5));
  // 100 bytes: both at 30 a day.
  CHECK(holdable_days(0, 200, 100, loads) == Approx(100.0 / 30));
  // No room at all.
  CHECK(holdable_days(0, 50, 100, loads) == Approx(0));
  CHECK_FALSE(holdable_days(0, 0, 0, {}));
}

TEST_CASE("plan met", "[storage_forecast]") {
  const Micros slack = hours{1} + minutes{10};
  CHECK(plan_met(days{15}, days{15}, slack, true));
  CHECK(plan_met(days{15} - hours{1}, days{15}, slack, true));  // cyclic deletion jitter
  CHECK_FALSE(plan_met(days{9}, days{15}, slack, true));        // the guard took footage early
  CHECK(plan_met(days{3}, days{15}, slack, false));             // a young camera is not behind
}

TEST_CASE("bytes per day over the last week or since the first footage", "[storage_forecast]") {
  const TimePoint now = parse_rfc3339("2026-03-10T00:00:00Z");
  CHECK(per_day(700, now - days{30}, now, days{7}) == Approx(100));
  CHECK(per_day(200, now - days{2}, now, days{7}) == Approx(100));
  CHECK(per_day(10, now - minutes{1}, now, days{7}) == Approx(240));  // at least an hour
  CHECK(per_day(0, std::nullopt, now, days{7}) == 0);
}
