// The notification outbox: the Reader and Writer operations on the notifications and deliveries
// tables.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

constexpr const char* kDeliveryColumns =
    "d.id, d.notification_id, d.url, d.state, d.attempts, d.next_attempt_us, d.last_error, d.delivered_us";

notifications::Delivery read_delivery(index::Statement& q) {
  notifications::Delivery d;
  d.id = q.int64(0);
  d.notification_id = q.int64(1);
  d.url = q.text(2);
  d.state = q.text(3);
  d.attempts = static_cast<int>(q.int64(4));
  d.next_attempt = q.time(5);
  d.last_error = q.text(6);
  d.delivered = q.optional_time(7);
  return d;
}

const Sql kAdd{"INSERT INTO notifications (created_us, kind, camera_id, payload) VALUES (?1, ?2, ?3, '{}') RETURNING id"};
const Sql kSetPayload{"UPDATE notifications SET payload = ?2 WHERE id = ?1"};
const Sql kAddDelivery{
    "INSERT INTO deliveries (notification_id, url, state, next_attempt_us) VALUES (?1, ?2, 'pending', ?3)"};
const Sql kRecent{
    "SELECT id, created_us, kind, COALESCE(camera_id, ''), payload FROM notifications ORDER BY id DESC LIMIT ?1"};
const Sql kDeliveriesOf{
    fmt::format("SELECT {} FROM deliveries d WHERE d.notification_id = ?1 ORDER BY d.id", kDeliveryColumns)};
// A claim moves the due deliveries' next attempt to the end of a lease: another node (or a run of
// this one) skips them until then, and takes them over if this one dies before marking them.
// Picked in the order they fell due, then leased one by one (in the same write transaction).
const Sql kDue{fmt::format(
    "SELECT {} FROM deliveries d WHERE d.state != 'delivered' AND d.next_attempt_us <= ?1 "
    "ORDER BY d.next_attempt_us, d.id LIMIT ?2 {{skip_locked}}",
    kDeliveryColumns)};
const Sql kLease{"UPDATE deliveries SET next_attempt_us = ?2 WHERE id = ?1"};
const Sql kNotificationBody{"SELECT kind, payload FROM notifications WHERE id = ?1"};
const Sql kReschedule{"UPDATE deliveries SET next_attempt_us = ?2 WHERE id = ?1 AND state != 'delivered'"};
const Sql kDelivered{
    "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, delivered_us = ?2, last_error = '' "
    "WHERE id = ?1"};
const Sql kFailed{
    "UPDATE deliveries SET state = 'retrying', attempts = attempts + 1, last_error = ?2, next_attempt_us = ?3 "
    "WHERE id = ?1"};

const Sql kDeliveryTotals{
    "SELECT state, COUNT(*), CAST(COALESCE(SUM(CASE WHEN state = 'delivered' THEN attempts - 1 ELSE attempts END), 0) AS BIGINT) "
    "FROM deliveries GROUP BY state ORDER BY state"};

}  // namespace

namespace {

// The row (its payload still "{}") and its deliveries; returns its id.
std::int64_t insert_notification(index::Connection& c, const std::string& kind, const std::string& camera_id,
                                 const std::vector<std::string>& urls, TimePoint now) {
  std::int64_t id = 0;
  {
    auto q = c.query(kAdd);
    q->bind(1, now);
    q->bind(2, kind);
    if (camera_id.empty()) q->bind_null(3);
    else q->bind(3, camera_id);
    q->step();
    id = q->int64(0);
  }
  for (const auto& url : urls) {
    auto d = c.query(kAddDelivery);
    d->bind(1, id);
    d->bind(2, url);
    d->bind(3, now);
    d->exec();
  }
  return id;
}

void set_payload(index::Connection& c, std::int64_t id, const std::string& text) {
  auto set = c.query(kSetPayload);
  set->bind(1, id);
  set->bind(2, text);
  set->exec();
}

}  // namespace

std::int64_t Writer::add_notification(const std::string& kind, const std::string& camera_id,
                                      const std::string& payload, const std::vector<std::string>& urls,
                                      TimePoint now) {
  const std::int64_t id = insert_notification(*connection_, kind, camera_id, urls, now);
  auto body = nlohmann::json::parse(payload);
  body["id"] = id;
  set_payload(*connection_, id, body.dump());
  return id;
}

std::int64_t Writer::add_event(const WebhookEvent& event, const std::vector<std::string>& urls, TimePoint now) {
  const std::int64_t id = insert_notification(*connection_, std::string(event_type_name(event.type)),
                                              event.camera.value_or(""), urls, now);
  WebhookEvent stored = event;
  stored.id = std::to_string(id);
  set_payload(*connection_, id, event_body(stored));
  return id;
}

std::vector<notifications::Notification> Reader::recent_notifications(int limit) {
  std::vector<notifications::Notification> out;
  {
    auto q = query(kRecent);
    q->bind(1, std::int64_t{limit});
    while (q->step()) out.push_back(notifications::Notification{q->int64(0), q->time(1), q->text(2), q->text(3), q->text(4), {}});
  }
  for (auto& n : out) {
    auto d = query(kDeliveriesOf);
    d->bind(1, n.id);
    while (d->step()) n.deliveries.push_back(read_delivery(*d));
  }
  return out;
}

std::vector<notifications::Due> Writer::claim_due_deliveries(TimePoint now, int limit, TimePoint lease_until) {
  std::vector<notifications::Due> out;
  {
    auto q = query(kDue);
    q->bind(1, now);
    q->bind(2, std::int64_t{limit});
    while (q->step()) out.push_back(notifications::Due{read_delivery(*q), {}, {}});
  }
  for (auto& due : out) {
    {
      auto lease = query(kLease);
      lease->bind(1, due.delivery.id);
      lease->bind(2, lease_until);
      lease->exec();
    }
    auto q = query(kNotificationBody);
    q->bind(1, due.delivery.notification_id);
    if (q->step()) {
      due.kind = q->text(0);
      due.payload = q->text(1);
    }
  }
  return out;
}

void Writer::reschedule_delivery(std::int64_t id, TimePoint at) {
  auto q = query(kReschedule);
  q->bind(1, id);
  q->bind(2, at);
  q->exec();
}

void Writer::mark_delivered(std::int64_t id, TimePoint now) {
  auto q = query(kDelivered);
  q->bind(1, id);
  q->bind(2, now);
  q->exec();
}

void Writer::mark_delivery_failed(std::int64_t id, const std::string& error, TimePoint next_attempt) {
  auto q = query(kFailed);
  q->bind(1, id);
  q->bind(2, error);
  q->bind(3, next_attempt);
  q->exec();
}

std::vector<notifications::DeliveryTotal> Reader::delivery_totals() {
  auto q = query(kDeliveryTotals);
  std::vector<notifications::DeliveryTotal> out;
  while (q->step()) out.push_back({q->text(0), q->int64(1), q->int64(2)});
  return out;
}

}  // namespace hs
