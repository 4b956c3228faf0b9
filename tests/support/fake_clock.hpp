#pragma once
// A clock the test moves by hand (the Clock seam of util/time.hpp).
#include "util/time.hpp"

namespace hs::test {

struct FakeClock : Clock {
  TimePoint t = parse_rfc3339("2026-01-01T00:00:00Z");
  TimePoint now() const override { return t; }
};

}  // namespace hs::test
