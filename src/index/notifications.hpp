#pragma once
// The notification outbox: each notification (an event of docs/webhooks.md: camera.offline,
// recordings.expiring, ...) and one delivery row per webhook URL that wants it. Delivery state survives
// restarts, so a receiver that is down loses nothing. The operations are methods of Reader and
// Writer (index/transaction.hpp), in index/notifications.cpp.
#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace hs::notifications {

struct Delivery {
  std::int64_t id = 0;
  std::int64_t notification_id = 0;
  std::string url;
  std::string state;  // pending | retrying | delivered
  int attempts = 0;
  TimePoint next_attempt;
  std::string last_error;
  std::optional<TimePoint> delivered;
};

struct Notification {
  std::int64_t id = 0;
  TimePoint created;
  std::string kind;  // an event type ("camera.offline", ...); rows of schema 3 and before: expiry | disk | alert
  std::string camera_id;
  std::string payload;  // JSON text, includes "id"
  std::vector<Delivery> deliveries;
};

// Deliveries by state, with the attempts that failed (every attempt of an undelivered row, all
// but the last of a delivered one).
struct DeliveryTotal {
  std::string state;
  std::int64_t count = 0, failed_attempts = 0;
};

// A delivery due now, with what it sends.
struct Due {
  Delivery delivery;
  std::string kind;     // the notification's kind: the X-Hook-Server-Event header
  std::string payload;  // the body
};

}  // namespace hs::notifications
