#include "api/timeline_days.hpp"

#include <algorithm>
#include <optional>

namespace hs {

namespace {

constexpr std::int64_t kDayUs = 86'400'000'000;  // the schema's day: start_us / kDayUs

TimePoint day_start(std::int64_t day) {
  return TimePoint{Micros{day * kDayUs}};
}
// For t >= 0: the first day starting at or after t, and the day t is in.
std::int64_t day_at_or_after(TimePoint t) {
  return (epoch_us(t) + kDayUs - 1) / kDayUs;
}
std::int64_t day_of(TimePoint t) {
  return epoch_us(t) / kDayUs;
}

void append(std::vector<SegmentFact>& out, const std::vector<SegmentFact>& more) {
  out.insert(out.end(), more.begin(), more.end());
}

}  // namespace

std::vector<SegmentFact> TimelineDays::segments(Reader& r, const std::string& camera_id, TimePoint from, TimePoint to,
                                                TimePoint fold_from, TimePoint fold_to, const TimelineRules& rules) {
  fold_from = std::max({fold_from, from, TimePoint{}});  // days before 1970 are not folded
  fold_to = std::min(fold_to, to);
  const std::int64_t first = fold_from < fold_to ? day_at_or_after(fold_from) : 0;
  const std::int64_t end = fold_from < fold_to ? day_of(fold_to) : 0;
  if (first >= end) return r.timeline_segments(camera_id, from, to);

  std::vector<SegmentFact> out = r.timeline_segments(camera_id, from, day_start(first));
  for (const auto& [day, version] : r.segment_day_versions(camera_id, first, end)) {
    const auto key = std::make_pair(camera_id, day);
    std::optional<std::vector<SegmentFact>> runs;
    {
      std::lock_guard lock(mutex_);
      auto it = days_.find(key);
      if (it != days_.end() && it->second.version == version) {
        ++hits_;
        runs = it->second.runs;
      }
    }
    if (!runs) {
      runs = fold_footage(r.timeline_segments(camera_id, day_start(day), day_start(day + 1)), rules);
      std::lock_guard lock(mutex_);
      ++misses_;
      if (days_.size() >= max_days_) days_.clear();
      auto [it, added] = days_.try_emplace(key, Day{version, *runs});
      if (!added && it->second.version <= version) it->second = Day{version, *runs};  // versions only grow
    }
    append(out, *runs);
  }
  append(out, r.timeline_segments(camera_id, day_start(end), to));
  return out;
}

std::uint64_t TimelineDays::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::uint64_t TimelineDays::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace hs
