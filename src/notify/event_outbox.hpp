#pragma once
// Events into the notification outbox (docs/webhooks.md): which webhooks want an event, and the
// debounce in front of the outbox for state changes (domain/event_debounce.hpp). The outbox
// (index/notifications.hpp) makes delivery durable; notify/webhook_delivery.hpp sends it.
//
// What is written:
//   - recordings.expiring, recordings.deleted, disk.alert, disk.ok: always, in the transaction of
//     the change they report (add_event()), so a notice and its mark commit
//     together; they are retention's record (GET /api/notifications) even without a webhook.
//   - camera.offline/online, recording.stalled/resumed: debounced through change(), and written only
//     when a webhook wants them (a flapping camera without webhooks writes nothing).
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/event_debounce.hpp"
#include "domain/webhook_event.hpp"
#include "index/database.hpp"

namespace hs {

// A webhook as deliveries see it: `webhooks` entries, then retention.notify_webhooks (deprecated:
// the recordings.* events, no secret, so unsigned).
struct WebhookTarget {
  std::string url;
  std::vector<std::string> events;
  std::string secret;  // empty: requests are not signed
};
std::vector<WebhookTarget> webhook_targets(const Config& config);
// URLs of the webhooks that want `type`, in config order.
std::vector<std::string> webhook_urls(const std::vector<WebhookTarget>& targets, EventType type);
// Writes an event that happened at `at` (camera "" for server-wide ones) in the caller's
// transaction, with a delivery for each webhook that wants it; no debounce.
void add_event(Writer& w, const std::vector<WebhookTarget>& targets, EventType type, const std::string& camera,
               TimePoint at, nlohmann::json data, TimePoint now);

class EventOutbox {
 public:
  static constexpr Micros kDebounceWindow = std::chrono::seconds{30};

  EventOutbox(const Config& config, Database& db, const Clock& clock, Micros window = kDebounceWindow);

  // A state change of a camera (camera.offline/online, recording.stalled/resumed) that happened at
  // `at`: written now, held, or dropped by the debounce rule. Thread-safe; call outside
  // Database::write. `data` goes into the event's body ("changes" is added).
  void change(EventType type, const std::string& camera, TimePoint at, nlohmann::json data);
  // Writes held changes whose window ended; returns how many. Called by the background worker.
  std::size_t flush_due();

  const std::vector<WebhookTarget>& targets() const { return targets_; }

 private:
  void write(const EventDebounce::Event& e);

  Database& db_;
  const Clock& clock_;
  std::vector<WebhookTarget> targets_;
  std::mutex mutex_;
  EventDebounce debounce_;
  std::map<std::pair<std::string, EventType>, nlohmann::json> data_;  // latest data per camera and type
};

}  // namespace hs
