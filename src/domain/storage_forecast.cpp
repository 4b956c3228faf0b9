// Disk forecast arithmetic (rules in storage_forecast.hpp).
#include "domain/storage_forecast.hpp"

#include <algorithm>

namespace hs {

std::optional<double> days_until_guard(const DiskForecastFacts& f) {
  if (f.free_bytes <= f.floor_bytes) return 0.0;
  const double net = f.write_bytes_per_day - f.delete_bytes_per_day;
  if (net <= 0) return std::nullopt;
  return static_cast<double>(f.free_bytes - f.floor_bytes) / net;
}

std::optional<double> holdable_days(std::int64_t cycling_bytes, std::int64_t free_bytes, std::int64_t floor_bytes,
                                    const std::vector<CameraLoad>& loads) {
  const double capacity = std::max<double>(0, static_cast<double>(cycling_bytes + free_bytes - floor_bytes));
  struct Load {
    double days, rate;
  };
  std::vector<Load> sorted;
  double full = 0;  // bytes needed to keep every camera's whole retention
  for (const auto& l : loads) {
    if (l.bytes_per_day <= 0) continue;
    sorted.push_back({to_days(l.retention), l.bytes_per_day});
    full += to_days(l.retention) * l.bytes_per_day;
  }
  if (full <= capacity) return std::nullopt;
  std::sort(sorted.begin(), sorted.end(), [](const Load& a, const Load& b) { return a.days < b.days; });
  // Raise D from 0: below the shortest remaining retention, every remaining camera grows by its rate.
  double used = 0, rate = 0, at = 0;
  for (const auto& l : sorted) rate += l.rate;
  for (const auto& l : sorted) {
    const double step = (l.days - at) * rate;
    if (used + step >= capacity) break;
    used += step;
    at = l.days;
    rate -= l.rate;
  }
  return rate > 0 ? at + (capacity - used) / rate : at;
}

bool plan_met(Micros held, Micros retention, Micros slack, bool deleted_early_by_disk_guard) {
  return held + slack >= retention || !deleted_early_by_disk_guard;
}

double per_day(std::int64_t bytes, std::optional<TimePoint> first_footage, TimePoint now, Micros window) {
  TimePoint start = now - window;
  if (first_footage) start = std::max(start, *first_footage);
  const Micros span = std::max<Micros>(now - start, std::chrono::hours{1});
  return static_cast<double>(bytes) / to_days(span);
}

}  // namespace hs
