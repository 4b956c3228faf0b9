// The debounce rule of event_debounce.hpp: one slot per camera and family.
#include "domain/event_debounce.hpp"

namespace hs {

namespace {
// The family of a state event; -1 for events that are not states.
int family(EventType t) {
  switch (t) {
    case EventType::camera_offline:
    case EventType::camera_online:
      return 0;
    case EventType::recording_stalled:
    case EventType::recording_resumed:
      return 1;
    case EventType::disk_alert:
    case EventType::disk_ok:
      return 2;
    case EventType::recordings_expiring:
    case EventType::recordings_deleted:
      return -1;
  }
  return -1;
}
}  // namespace

std::optional<EventDebounce::Event> EventDebounce::offer(EventType type, const std::string& camera, TimePoint at,
                                                         TimePoint now) {
  const int fam = family(type);
  if (fam < 0) return Event{type, camera, at, 1};
  Slot& slot = slots_[{camera, fam}];
  ++slot.unsent_changes;
  if (slot.sent && now < slot.sent_at + window_) {
    slot.held = Event{type, camera, at, 0};
    return std::nullopt;
  }
  slot.held.reset();
  if (slot.sent == type) return std::nullopt;  // a repeat: the receiver knows already
  Event e{type, camera, at, slot.unsent_changes};
  slot.sent = type;
  slot.sent_at = now;
  slot.unsent_changes = 0;
  return e;
}

std::vector<EventDebounce::Event> EventDebounce::due(TimePoint now) {
  std::vector<Event> out;
  for (auto& [key, slot] : slots_) {
    if (!slot.held || now < slot.sent_at + window_) continue;
    Event e = *slot.held;
    slot.held.reset();
    if (slot.sent == e.type) continue;  // collapsed: back where the receiver last heard
    e.changes = slot.unsent_changes;
    slot.sent = e.type;
    slot.sent_at = now;
    slot.unsent_changes = 0;
    out.push_back(e);
  }
  return out;
}

std::optional<TimePoint> EventDebounce::next_due() const {
  std::optional<TimePoint> next;
  for (const auto& [key, slot] : slots_) {
    if (!slot.held) continue;
    TimePoint at = slot.sent_at + window_;
    if (!next || at < *next) next = at;
  }
  return next;
}

}  // namespace hs
