// The bounds of a plausible segment time (see the header for the rule and why).
#include "domain/segment_time.hpp"

#include <fmt/format.h>

namespace hs {

std::optional<std::string> implausible_segment_time(TimePoint start, std::optional<Micros> duration, TimePoint now) {
  const TimePoint latest = now + kFutureSlack;
  if (start < TimePoint{}) return fmt::format("starts {}, before 1970-01-01T00:00:00Z", format_rfc3339_ms(start));
  if (start > latest)
    return fmt::format("starts {}, after now + 1 day ({})", format_rfc3339_ms(start), format_rfc3339_ms(latest));
  if (duration && (*duration < Micros{0} || *duration > latest - start))
    return fmt::format("lasts {} s from {}, ending after now + 1 day ({})", duration->count() / 1000000,
                       format_rfc3339_ms(start), format_rfc3339_ms(latest));
  return std::nullopt;
}

}  // namespace hs
