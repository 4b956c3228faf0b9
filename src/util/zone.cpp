// Zone lookups through Howard Hinnant's date/tz (the OS tz database), since libstdc++ 12 has no
// std::chrono::tzdb.
#include "util/zone.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <cstdlib>

#include "util/error.hpp"

namespace hs {

Zone Zone::named(std::string_view name) {
  Zone z;
  std::string wanted(name);
  if (wanted == "local") {
    const char* tz = std::getenv("TZ");
    if (tz && *tz == '\0') return z;  // Go: TZ="" means UTC
    if (tz) {
      wanted = tz;
      if (!wanted.empty() && wanted[0] == ':') wanted.erase(0, 1);
      const std::string prefix = "/usr/share/zoneinfo/";
      if (wanted.rfind(prefix, 0) == 0) wanted.erase(0, prefix.size());
    } else {
      try {
        z.tz_ = date::current_zone();
        z.name_ = std::string(z.tz_->name());
        return z;
      } catch (const std::exception&) {
        return z;  // no /etc/localtime: Go falls back to UTC too
      }
    }
  }
  if (wanted == "UTC" || wanted == "Etc/UTC" || wanted == "Z") return z;
  try {
    z.tz_ = date::locate_zone(wanted);
    z.name_ = wanted;
  } catch (const std::exception&) {
    throw BadInput(fmt::format("unknown time zone {}", quote(name)));
  }
  return z;
}

std::chrono::seconds Zone::offset_at(std::chrono::sys_seconds t) const {
  if (!tz_) return std::chrono::seconds{0};
  return tz_->get_info(t).offset;
}

std::chrono::sys_seconds Zone::from_local(std::chrono::seconds wall) const {
  std::chrono::sys_seconds guess{wall};
  if (!tz_) return guess;
  auto info = tz_->get_info(guess);
  auto offset = info.offset;
  if (offset != std::chrono::seconds{0}) {
    auto utc = guess - offset;
    if (utc < info.begin || utc >= info.end) offset = tz_->get_info(utc).offset;
  }
  return guess - offset;
}

std::chrono::sys_seconds Zone::start_of_day(std::chrono::year_month_day day) const {
  const std::chrono::sys_days utc_midnight{day};
  if (!tz_) return utc_midnight;
  const date::local_seconds local{date::local_days{date::days{utc_midnight.time_since_epoch().count()}}};
  // choose::earliest: a midnight that happens twice starts the day at its first occurrence; one that
  // does not happen maps to the transition either way.
  return std::chrono::sys_seconds{tz_->to_sys(local, date::choose::earliest).time_since_epoch()};
}

}  // namespace hs
