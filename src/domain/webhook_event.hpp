#pragma once
// Event webhooks: the event types, the JSON body every receiver gets, which webhook wants which
// event, and the text the signature covers.
//
// Body: {"id": "<unique>", "type": "camera.offline", "time": "<RFC 3339>", "camera": "1" | null,
//        "data": {...}}
// Signature (computed by notify/signature.hpp): X-Hook-Server-Signature: sha256=<hex of
// HMAC-SHA256(secret, "<X-Hook-Server-Timestamp>.<body>")>. A receiver recomputes it over the raw
// body bytes, compares in constant time, and refuses timestamps far from its clock (replays).
//
// Pure: no I/O.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/time.hpp"

namespace hs {

enum class EventType {
  camera_offline,
  camera_online,
  recording_stalled,
  recording_resumed,
  recordings_expiring,
  recordings_deleted,
  disk_alert,
  disk_ok,
};
std::span<const EventType> all_event_types();
std::string_view event_type_name(EventType t);  // "camera.offline"
std::optional<EventType> parse_event_type(std::string_view name);

struct WebhookEvent {
  std::string id;
  EventType type;
  TimePoint time;
  std::optional<std::string> camera;
  nlohmann::json data = nlohmann::json::object();
};
std::string event_body(const WebhookEvent& e);

// A webhook's `events` list: type names, or "*" for all.
bool wants(const std::vector<std::string>& events, EventType t);

// What the signature covers: "<unix seconds>.<body>".
std::string signed_text(std::int64_t unix_seconds, std::string_view body);

}  // namespace hs
