// Event type names, the webhook body and subscription matching.
#include "domain/webhook_event.hpp"

#include <algorithm>
#include <array>

namespace hs {

namespace {
constexpr std::array kTypes{EventType::camera_offline,      EventType::camera_online,
                            EventType::recording_stalled,   EventType::recording_resumed,
                            EventType::recordings_expiring, EventType::recordings_deleted,
                            EventType::disk_alert,          EventType::disk_ok};
}  // namespace

std::span<const EventType> all_event_types() {
  return kTypes;
}

std::string_view event_type_name(EventType t) {
  switch (t) {
    case EventType::camera_offline:
      return "camera.offline";
    case EventType::camera_online:
      return "camera.online";
    case EventType::recording_stalled:
      return "recording.stalled";
    case EventType::recording_resumed:
      return "recording.resumed";
    case EventType::recordings_expiring:
      return "recordings.expiring";
    case EventType::recordings_deleted:
      return "recordings.deleted";
    case EventType::disk_alert:
      return "disk.alert";
    case EventType::disk_ok:
      return "disk.ok";
  }
  return "?";
}

std::optional<EventType> parse_event_type(std::string_view name) {
  for (auto t : kTypes)
    if (event_type_name(t) == name) return t;
  return std::nullopt;
}

std::string event_body(const WebhookEvent& e) {
  nlohmann::json body{{"id", e.id},
                      {"type", event_type_name(e.type)},
                      {"time", format_rfc3339_ms(e.time)},
                      {"camera", e.camera ? nlohmann::json(*e.camera) : nlohmann::json(nullptr)},
                      {"data", e.data}};
  return body.dump();
}

bool wants(const std::vector<std::string>& events, EventType t) {
  return std::any_of(events.begin(), events.end(),
                     [&](const std::string& name) { return name == "*" || name == event_type_name(t); });
}

std::string signed_text(std::int64_t unix_seconds, std::string_view body) {
  std::string out = std::to_string(unix_seconds);
  out += '.';
  out += body;
  return out;
}

}  // namespace hs
