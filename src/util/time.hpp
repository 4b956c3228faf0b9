#pragma once
// Time points, durations and their text forms. All instants are UTC microseconds since the epoch
// (MediaMTX names files with microseconds, %f). The API prints RFC 3339 UTC with milliseconds.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace hs {

using Micros = std::chrono::microseconds;
using TimePoint = std::chrono::sys_time<Micros>;

// "2025-01-15T10:00:00.123Z" (always UTC, always milliseconds).
std::string format_rfc3339_ms(TimePoint t);
// Accepts RFC 3339 with 'Z' or a ±HH:MM offset and up to 9 fraction digits (kept to the µs).
// Throws BadInput: not an RFC 3339 time: "yesterday".
TimePoint parse_rfc3339(std::string_view text);

// Go's duration syntax plus MediaMTX's `d` (24h) suffix: "7d", "1h30m", "250ms", "1.5s", "0s".
// Throws BadInput: expected a duration like 15d, got "fifteen".
Micros parse_duration(std::string_view text);
// The shortest form that parse_duration reads back: 604800s -> "7d", 5400s -> "1h30m", 0 -> "0s".
std::string format_duration(Micros d);

// MTX_SEGMENT_DURATION: Go's strconv.FormatFloat(seconds, 'f', -1, 64), e.g. "10" or "3600.016".
// Rounded to the microsecond. Throws BadInput on anything else (signs, exponents, inf, nan, empty).
Micros parse_go_seconds(std::string_view text);

// Calendar dates of the month view: "2026-03-29" (exactly that form, a real date).
// Throws BadInput: not a date like 2026-03-29: "29/03".
std::chrono::year_month_day parse_date(std::string_view text);
std::string format_date(std::chrono::year_month_day day);

inline double to_seconds(Micros d) { return static_cast<double>(d.count()) / 1e6; }
// Microseconds since the Unix epoch: how the index stores times.
inline std::int64_t epoch_us(TimePoint t) { return t.time_since_epoch().count(); }

// A clock seam for the domain and for tests that move time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const;
};

}  // namespace hs

namespace hs {
// "2025-01-15T10:00:00.123456Z": exact to the microsecond, for URLs handed to MediaMTX's playback
// server (a start a few ms before a segment finds nothing there).
std::string format_rfc3339_us(TimePoint t);
}  // namespace hs
