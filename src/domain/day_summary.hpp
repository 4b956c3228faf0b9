#pragma once
// The month view: a camera's timeline cut at local midnights. Each local day of an IANA zone is
// [start_of_day(d), start_of_day(d + 1)), so days around DST changes last 23 or 25 hours, and its
// covered and gap seconds (by reason, timeline.hpp's precedence) add up to the part of the day that
// is not in the future of `now`.
//
// Bytes are footage bytes held for the day: a segment crossing midnight counts on each side in
// proportion to its time there (so a range's days add up to the bytes of its footage), a segment
// still recording over [start, now) with its current size. Vanished files count nothing.
//
// Pure: no I/O, `now` passed in.
#include <chrono>
#include <cstdint>
#include <vector>

#include "domain/timeline.hpp"
#include "util/zone.hpp"

namespace hs {

struct DaySummary {
  std::chrono::year_month_day date;
  TimePoint start, end;  // UTC instants of the local midnights
  Micros covered{0};
  GapTotals gaps{};
  std::int64_t bytes = 0;
};

// Days first..last inclusive (last >= first, checked by the caller), in order.
std::vector<DaySummary> summarize_days(const TimelineFacts& facts, const TimelineRules& rules, const Zone& zone,
                                       std::chrono::year_month_day first, std::chrono::year_month_day last,
                                       TimePoint now);

}  // namespace hs
