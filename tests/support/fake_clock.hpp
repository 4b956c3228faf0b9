#pragma once
// Clocks the test moves by hand (the Clock seam of util/time.hpp).
#include <atomic>

#include "util/time.hpp"

namespace hs::test {

struct FakeClock : Clock {
  TimePoint t = parse_rfc3339("2026-01-01T00:00:00Z");
  TimePoint now() const override { return t; }
};

// The same for a running server, whose threads read it while the test moves it.
class SharedFakeClock : public Clock {
 public:
  explicit SharedFakeClock(TimePoint start) : us_(epoch_us(start)) {}
  TimePoint now() const override { return TimePoint{Micros{us_.load()}}; }
  void set(TimePoint t) { us_.store(epoch_us(t)); }
  void advance(Micros d) { us_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> us_;
};

}  // namespace hs::test
