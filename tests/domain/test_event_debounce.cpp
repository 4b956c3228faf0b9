// The webhook debounce rule: immediate first event, one per window per camera and family, latest
// state wins, pairs inside a window collapse, a flapping camera sends a bounded number of events.
#include <catch2/catch.hpp>

#include "domain/event_debounce.hpp"

using namespace hs;
using namespace std::chrono;

namespace {
const TimePoint T0 = parse_rfc3339("2026-03-01T10:00:00Z");
TimePoint at(double s) {
  return T0 + Micros{static_cast<std::int64_t>(s * 1e6)};
}
constexpr auto kOff = EventType::camera_offline;
constexpr auto kOn = EventType::camera_online;
}  // namespace

TEST_CASE("debounce: first change goes out, later ones wait for the window", "[debounce]") {
  EventDebounce d(seconds{30});
  auto e = d.offer(kOff, "1", at(0), at(0));
  REQUIRE(e);
  CHECK(e->type == kOff);
  CHECK(e->changes == 1);
  CHECK_FALSE(d.offer(kOn, "1", at(5), at(5)));
  CHECK(d.next_due() == at(30));
  CHECK(d.due(at(29)).empty());
  auto later = d.due(at(30));
  REQUIRE(later.size() == 1);
  CHECK(later[0].type == kOn);
  CHECK(later[0].time == at(5));  // the change's own time
  CHECK(later[0].changes == 1);
  CHECK_FALSE(d.next_due());
}

TEST_CASE("debounce: a pair inside the window collapses, its changes are counted by the next event", "[debounce]") {
  EventDebounce d(seconds{30});
  REQUIRE(d.offer(kOff, "1", at(0), at(0)));
  CHECK_FALSE(d.offer(kOn, "1", at(3), at(3)));
  CHECK_FALSE(d.offer(kOff, "1", at(6), at(6)));
  CHECK(d.due(at(30)).empty());  // back to offline: the receiver is right already
  auto e = d.offer(kOn, "1", at(100), at(100));
  REQUIRE(e);
  CHECK(e->changes == 3);
}

TEST_CASE("debounce: cameras and families are independent, repeats are dropped", "[debounce]") {
  EventDebounce d(seconds{30});
  CHECK(d.offer(kOff, "1", at(0), at(0)));
  CHECK(d.offer(kOff, "2", at(1), at(1)));
  CHECK(d.offer(EventType::recording_stalled, "1", at(2), at(2)));
  CHECK(d.offer(EventType::disk_alert, "", at(2), at(2)));
  CHECK_FALSE(d.offer(kOff, "2", at(100), at(100)));  // a repeat of what was sent
  // Not states: never held.
  CHECK(d.offer(EventType::recordings_deleted, "1", at(3), at(3)));
  CHECK(d.offer(EventType::recordings_deleted, "1", at(4), at(4)));
}

TEST_CASE("debounce: a camera flapping 20 times a minute sends a bounded number of events", "[debounce]") {
  for (int window : {10, 30, 60}) {
    CAPTURE(window);
    EventDebounce d(seconds{window});
    int sent = 0;
    EventType state = kOn;
    for (int i = 0; i < 20 * 10; ++i) {  // ten minutes, a change every 3 s
      const double t = i * 3.0;
      state = state == kOn ? kOff : kOn;
      if (d.offer(state, "1", at(t), at(t))) ++sent;
      sent += static_cast<int>(d.due(at(t + 1)).size());
    }
    sent += static_cast<int>(d.due(at(10000)).size());
    // At most one per window, plus the first: 1 + 600 s / window.
    CHECK(sent <= 1 + 600 / window);
    CHECK(sent >= 1);
  }
}
