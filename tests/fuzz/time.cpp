// Fuzz target: the time and duration parsers (util/time) that read query parameters, config values
// and MTX_SEGMENT_DURATION. The first byte picks the parser. Invariants: bad text throws BadInput
// only; what parses formats back to text that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "util/error.hpp"
#include "util/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 4) {
      case 0: {
        hs::TimePoint t = hs::parse_rfc3339(text);
        if (hs::parse_rfc3339(hs::format_rfc3339_us(t)) != t) std::abort();
        break;
      }
      case 1: {
        hs::Micros d = hs::parse_duration(text);
        if (hs::parse_duration(hs::format_duration(d)) != d) std::abort();
        break;
      }
      case 2: {
        hs::Micros d = hs::parse_go_seconds(text);
        if (d.count() < 0) std::abort();  // no signs accepted
        break;
      }
      case 3: {
        auto day = hs::parse_date(text);
        if (!day.ok() || hs::parse_date(hs::format_date(day)) != day) std::abort();
        break;
      }
    }
  } catch (const hs::BadInput&) {
  }
  return 0;
}
