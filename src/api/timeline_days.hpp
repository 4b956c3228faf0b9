#pragma once
// The timeline's segments, with whole days folded once and kept. A 30-day timeline reads ~43,000
// segment rows; almost all of them lie in days that have ended and do not change. Per camera and
// UTC day of segment starts the index keeps a version that moves with every change a timeline can
// see (schema 6, Reader::segment_day_versions), so a day's rows, folded into runs
// (domain/timeline fold_footage: a handful per day), are kept with that version and reused by any
// later range that contains the whole day. Only the partial days at the range's edges are read row
// by row. The days are kept in memory up to `max_days` (then all are dropped and refilled).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "domain/timeline.hpp"
#include "index/transaction.hpp"

namespace hs {

class TimelineDays {
 public:
  explicit TimelineDays(std::size_t max_days = 20'000) : max_days_(max_days) {}

  // The camera's segments starting in [from, to) in start order, as Reader::timeline_segments
  // gives them, except that whole UTC days inside [fold_from, fold_to) come folded. build_timeline
  // over [fold_from, fold_to) then gives what it gives over the rows (fold_footage's condition):
  // pass the timeline's range, with fold_to no later than now.
  std::vector<SegmentFact> segments(Reader& r, const std::string& camera_id, TimePoint from, TimePoint to,
                                    TimePoint fold_from, TimePoint fold_to, const TimelineRules& rules);

  // Folded days reused and folded afresh since the start (for tests and benchmarks).
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Day {
    std::int64_t version;
    std::vector<SegmentFact> runs;
  };
  const std::size_t max_days_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::int64_t>, Day> days_;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace hs
