#pragma once
// The time zone MediaMTX names recording files in, and Go's rules for turning a local wall time into
// an instant (time.Date), reproduced so that hook-server reads every file name to the same instant
// MediaMTX wrote.
#include <chrono>
#include <string>
#include <string_view>

#include "util/time.hpp"

namespace date {
class time_zone;
}

namespace hs {

class Zone {
 public:
  // UTC.
  Zone() = default;
  // "UTC", an IANA name such as "Europe/Lisbon", or "local": the zone Go's time.Local would pick
  // from this process's environment (TZ unset -> /etc/localtime, TZ="" -> UTC, TZ=name -> name).
  // Throws BadInput: unknown time zone "Mars/Olympus".
  static Zone named(std::string_view name);

  const std::string& name() const { return name_; }
  // Offset from UTC in effect at instant t.
  std::chrono::seconds offset_at(std::chrono::sys_seconds t) const;
  // Go's time.Date(..., loc): a wall time that falls in a gap or an overlap resolves exactly as Go
  // does (look the offset up at the wall time read as UTC; if the result lies outside that offset's
  // period, take the offset in effect at the result).
  std::chrono::sys_seconds from_local(std::chrono::seconds wall_since_epoch) const;

  // The first instant of a local calendar day (the month view). A day is [start_of_day(d),
  // start_of_day(d + 1)): 23 or 25 hours around DST changes. When midnight does not exist (a zone
  // that springs forward at 00:00) the day starts at the transition; when it happens twice, at the
  // first.
  std::chrono::sys_seconds start_of_day(std::chrono::year_month_day day) const;

 private:
  const date::time_zone* tz_ = nullptr;  // null: UTC
  std::string name_ = "UTC";
};

}  // namespace hs
