// Per-day totals of a timeline in a time zone: one timeline over the whole range, its spans and gaps
// and the footage bytes then split at each local midnight.
#include "domain/day_summary.hpp"

#include <algorithm>

namespace hs {

namespace {

// Adds [a, b) to the days it overlaps (days are sorted and contiguous) through add(day, overlap).
template <class Add>
void split(const std::vector<DaySummary>& days, TimePoint a, TimePoint b, Add&& add) {
  auto first =
      std::upper_bound(days.begin(), days.end(), a, [](TimePoint v, const DaySummary& d) { return v < d.end; });
  for (auto d = first; d != days.end() && d->start < b; ++d) {
    auto overlap = std::min(b, d->end) - std::max(a, d->start);
    if (overlap > Micros{0}) add(static_cast<std::size_t>(d - days.begin()), overlap);
  }
}

}  // namespace

std::vector<DaySummary> summarize_days(const TimelineFacts& facts, const TimelineRules& rules, const Zone& zone,
                                       std::chrono::year_month_day first, std::chrono::year_month_day last,
                                       TimePoint now) {
  using std::chrono::sys_days;
  std::vector<DaySummary> days;
  for (sys_days d{first}; d <= sys_days{last}; d += std::chrono::days{1}) {
    DaySummary s;
    s.date = std::chrono::year_month_day{d};
    s.start = TimePoint{zone.start_of_day(s.date)};
    s.end = TimePoint{zone.start_of_day(std::chrono::year_month_day{d + std::chrono::days{1}})};
    days.push_back(s);
  }
  if (days.empty()) return days;
  const TimePoint from = days.front().start, to = days.back().end;

  Timeline t = build_timeline(facts, rules, from, to, now);
  for (const auto& s : t.spans) split(days, s.start, s.end, [&](std::size_t d, Micros m) { days[d].covered += m; });
  for (const auto& g : t.gaps)
    split(days, g.start, g.end,
          [&](std::size_t d, Micros m) { days[d].gaps[static_cast<std::size_t>(g.reason)] += m; });

  // Bytes in proportion to time, cumulatively rounded so a segment's parts add up to its size.
  for (const auto& e : footage_extents(facts, rules, now)) {
    if (e.end <= e.start) {  // nothing recorded yet: its bytes belong to the day it started
      if (e.start >= from && e.start < to)
        split(days, e.start, e.start + Micros{1}, [&](std::size_t d, Micros) { days[d].bytes += e.bytes; });
      continue;
    }
    if (e.end <= from || e.start >= to) continue;
    const auto length = static_cast<long double>((e.end - e.start).count());
    std::int64_t seen = 0, given = 0;
    split(days, e.start, e.end, [&](std::size_t d, Micros m) {
      seen += m.count();
      const auto share = static_cast<std::int64_t>(static_cast<long double>(e.bytes) * seen / length);
      days[d].bytes += share - given;
      given = share;
    });
  }
  return days;
}

}  // namespace hs
