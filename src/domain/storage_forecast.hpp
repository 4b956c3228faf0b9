#pragma once
// The storage report's arithmetic: how long until the disk guard fires, how many days of footage a
// disk can hold at the current write rates, and whether a camera's plan is met.
//
// Days until the guard: (free - floor) / (write rate - deletion rate), per day; 0 when free space is
// already under the floor; none when deletions keep up with writes (the disk is not filling).
//
// Days a disk holds. The guard deletes the oldest deletable footage first, whichever camera it
// belongs to, so at steady state every camera keeps min(its retention, D) days, where D solves
//   sum over cameras of rate_c * min(retention_c, D) = cycling bytes + free - floor
// (cycling bytes: footage on the disk that retention or the guard may delete, i.e. not permanent
// and not in a clip). None when every camera's full retention fits. A camera's plan is at risk when
// D < its retention.
//
// Plan met: a camera holds its plan when its oldest footage is at least `retention - slack` old
// (slack: a segment plus a retention interval, the normal jitter of cyclic deletion), or when
// nothing of it was deleted early by the disk guard within its retention (a young camera holding
// less is not behind).
//
// Pure: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace hs {

constexpr double kSecondsPerDay = 86400.0;
inline double to_days(Micros d) {
  return to_seconds(d) / kSecondsPerDay;
}

struct DiskForecastFacts {
  std::int64_t free_bytes = 0;
  std::int64_t floor_bytes = 0;
  double write_bytes_per_day = 0;
  double delete_bytes_per_day = 0;
};
std::optional<double> days_until_guard(const DiskForecastFacts& f);

struct CameraLoad {
  std::string camera_id;
  Micros retention{0};
  double bytes_per_day = 0;
};
// D above, in days; none when every camera's retention fits (or nothing is written).
std::optional<double> holdable_days(std::int64_t cycling_bytes, std::int64_t free_bytes, std::int64_t floor_bytes,
                                    const std::vector<CameraLoad>& loads);

bool plan_met(Micros held, Micros retention, Micros slack, bool deleted_early_by_disk_guard);

// The average daily amount over [window_start, now): bytes / days, where the window is at most the
// last `window` and starts no earlier than the first footage (a camera added yesterday is averaged
// over a day, not a week). At least an hour, so a first segment does not read as a huge rate.
double per_day(std::int64_t bytes, std::optional<TimePoint> first_footage, TimePoint now, Micros window);

}  // namespace hs
