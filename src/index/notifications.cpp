// SQL for the notification outbox.
#include "index/notifications.hpp"

#include <nlohmann/json.hpp>

namespace hs::notifications {

namespace {

Delivery read_delivery(SQLite::Statement& q, int o) {
  Delivery d;
  d.id = q.getColumn(o).getInt64();
  d.notification_id = q.getColumn(o + 1).getInt64();
  d.url = q.getColumn(o + 2).getString();
  d.state = q.getColumn(o + 3).getString();
  d.attempts = q.getColumn(o + 4).getInt();
  d.next_attempt = TimePoint{Micros{q.getColumn(o + 5).getInt64()}};
  d.last_error = q.getColumn(o + 6).getString();
  if (!q.getColumn(o + 7).isNull()) d.delivered = TimePoint{Micros{q.getColumn(o + 7).getInt64()}};
  return d;
}
constexpr const char* kDeliveryColumns =
    "d.id, d.notification_id, d.url, d.state, d.attempts, d.next_attempt_us, d.last_error, d.delivered_us";
}  // namespace

std::int64_t add(SQLite::Database& db, const std::string& kind, const std::string& camera_id,
                 const std::string& payload, const std::vector<std::string>& urls, TimePoint now) {
  SQLite::Statement ins(db, "INSERT INTO notifications (created_us, kind, camera_id, payload) VALUES (?1, ?2, ?3, '{}')");
  ins.bind(1, epoch_us(now));
  ins.bind(2, kind);
  if (camera_id.empty()) ins.bind(3);
  else ins.bind(3, camera_id);
  ins.exec();
  std::int64_t id = db.getLastInsertRowid();
  auto body = nlohmann::json::parse(payload);
  body["id"] = id;
  SQLite::Statement set(db, "UPDATE notifications SET payload = ?2 WHERE id = ?1");
  set.bind(1, static_cast<int64_t>(id));
  set.bind(2, body.dump());
  set.exec();
  for (const auto& url : urls) {
    SQLite::Statement d(db, "INSERT INTO deliveries (notification_id, url, state, next_attempt_us) VALUES (?1, ?2, 'pending', ?3)");
    d.bind(1, static_cast<int64_t>(id));
    d.bind(2, url);
    d.bind(3, epoch_us(now));
    d.exec();
  }
  return id;
}

std::vector<Notification> list(SQLite::Database& db, int limit) {
  std::vector<Notification> out;
  SQLite::Statement q(db, "SELECT id, created_us, kind, COALESCE(camera_id, ''), payload FROM notifications ORDER BY id DESC LIMIT ?1");
  q.bind(1, limit);
  while (q.executeStep())
    out.push_back(Notification{q.getColumn(0).getInt64(), TimePoint{Micros{q.getColumn(1).getInt64()}},
                               q.getColumn(2).getString(), q.getColumn(3).getString(), q.getColumn(4).getString(), {}});
  for (auto& n : out) {
    SQLite::Statement d(db, std::string("SELECT ") + kDeliveryColumns + " FROM deliveries d WHERE d.notification_id = ?1 ORDER BY d.id");
    d.bind(1, static_cast<int64_t>(n.id));
    while (d.executeStep()) n.deliveries.push_back(read_delivery(d, 0));
  }
  return out;
}

std::vector<std::pair<Delivery, std::string>> due(SQLite::Database& db, TimePoint now, int limit) {
  SQLite::Statement q(db, std::string("SELECT ") + kDeliveryColumns +
                              ", n.payload FROM deliveries d JOIN notifications n ON n.id = d.notification_id "
                              "WHERE d.state != 'delivered' AND d.next_attempt_us <= ?1 ORDER BY d.next_attempt_us, d.id LIMIT ?2");
  q.bind(1, epoch_us(now));
  q.bind(2, limit);
  std::vector<std::pair<Delivery, std::string>> out;
  while (q.executeStep()) out.emplace_back(read_delivery(q, 0), q.getColumn(8).getString());
  return out;
}

void mark_delivered(SQLite::Database& db, std::int64_t id, TimePoint now) {
  SQLite::Statement q(db, "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, delivered_us = ?2, last_error = '' WHERE id = ?1");
  q.bind(1, static_cast<int64_t>(id));
  q.bind(2, epoch_us(now));
  q.exec();
}

void mark_failed(SQLite::Database& db, std::int64_t id, const std::string& error, TimePoint next_attempt) {
  SQLite::Statement q(db, "UPDATE deliveries SET state = 'retrying', attempts = attempts + 1, last_error = ?2, next_attempt_us = ?3 WHERE id = ?1");
  q.bind(1, static_cast<int64_t>(id));
  q.bind(2, error);
  q.bind(3, epoch_us(next_attempt));
  q.exec();
}

}  // namespace hs::notifications
