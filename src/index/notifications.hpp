#pragma once
// The notification outbox: each notification (an expiry warning grouped per camera, a disk-guard
// report, an alert) and one delivery row per configured webhook URL. Delivery state survives
// restarts, so a receiver that is down loses nothing.
#include <SQLiteCpp/SQLiteCpp.h>

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
  std::string kind;  // expiry | disk | alert
  std::string camera_id;
  std::string payload;  // JSON text, includes "id"
  std::vector<Delivery> deliveries;
};

// Adds a notification and a pending delivery per URL; returns its id. `payload` gets the id.
std::int64_t add(SQLite::Database& db, const std::string& kind, const std::string& camera_id,
                 const std::string& payload_json_without_id, const std::vector<std::string>& urls, TimePoint now);
// Newest first, with deliveries.
std::vector<Notification> list(SQLite::Database& db, int limit);
// Deliveries due at `now`, oldest first, with their payloads.
std::vector<std::pair<Delivery, std::string>> due(SQLite::Database& db, TimePoint now, int limit);
void mark_delivered(SQLite::Database& db, std::int64_t delivery_id, TimePoint now);
void mark_failed(SQLite::Database& db, std::int64_t delivery_id, const std::string& error, TimePoint next_attempt);

}  // namespace hs::notifications
