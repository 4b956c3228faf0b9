#pragma once
// The webhook debounce rule: a camera flapping 20 times a minute sends a bounded number of events.
//
// Events come in families of two opposite states: camera.offline/online, recording.stalled/resumed
// (per camera) and disk.alert/ok (per server). Per camera and family:
//   - A change goes out at once when nothing of its family went out in the last `window`.
//   - Otherwise it is held, and a later change replaces it (the latest state wins). When the window
//     ends, the held change goes out only if it differs from the last one sent: an offline/online
//     pair inside the window collapses to nothing, as the receiver's view is already right.
//   - A change equal to the last one sent never goes out again.
// So a family sends at most one event per window: within any minute at most 1 + 60 s / window
// events (3 with the default 30 s window), however often the camera flaps. Each event carries
// `changes`: how many state changes it stands for since the previous event of its family (those
// collapsed, and itself). recordings.expiring and recordings.deleted are not states and pass
// through at once (a retention pass already groups them per camera).
//
// In memory: a change held when the server stops is not sent (the camera's state in the API stays
// right, and the next change is reported). Pure: time passed in.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/webhook_event.hpp"
#include "util/time.hpp"

namespace hs {

class EventDebounce {
 public:
  explicit EventDebounce(Micros window) : window_(window) {}

  struct Event {
    EventType type;
    std::string camera;  // "" for server-wide events (disk)
    TimePoint time;      // when the change happened (the latest one, for a held change)
    int changes = 1;
  };
  // A change that happened at `at`, seen at `now`. Returns it when it may be sent now.
  std::optional<Event> offer(EventType type, const std::string& camera, TimePoint at, TimePoint now);
  // Held changes whose window ended by `now` and that still differ from what was sent, in key order.
  std::vector<Event> due(TimePoint now);
  // When due() next may return something.
  std::optional<TimePoint> next_due() const;

 private:
  struct Slot {
    std::optional<EventType> sent;
    TimePoint sent_at;
    std::optional<Event> held;
    int unsent_changes = 0;  // since the last event sent, held one included
  };
  Micros window_;
  std::map<std::pair<std::string, int>, Slot> slots_;  // (camera, family)
};

}  // namespace hs
