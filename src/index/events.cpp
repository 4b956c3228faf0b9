// SQL for the event log.
#include "index/events.hpp"

#include "index/statements.hpp"

namespace hs::events {

void append(SQLite::Database& db, const Entry& e) {
  Prepared q(db,
      "INSERT INTO events (at_us, received_us, kind, path, camera_id, segment, outcome, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  q->bind(1, epoch_us(e.at));
  q->bind(2, epoch_us(e.received));
  q->bind(3, e.kind);
  q->bind(4, e.path);
  if (e.camera_id.empty()) q->bind(5);
  else q->bind(5, e.camera_id);
  if (e.segment.empty()) q->bind(6);
  else q->bind(6, e.segment);
  q->bind(7, e.outcome);
  q->bind(8, e.detail);
  q->exec();
}

std::size_t prune(SQLite::Database& db, TimePoint before, int limit) {
  Prepared q(db,
      "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?2) AND received_us < ?1");
  q->bind(1, epoch_us(before));
  q->bind(2, limit);
  return static_cast<std::size_t>(q->exec());
}

std::vector<Entry> recent(SQLite::Database& db, int limit, const std::optional<std::string>& camera_id) {
  Prepared q(db,
      "SELECT id, at_us, received_us, kind, path, COALESCE(camera_id, ''), COALESCE(segment, ''), outcome, detail "
      "FROM events WHERE ?1 IS NULL OR camera_id = ?1 ORDER BY id DESC LIMIT ?2");
  if (camera_id) q->bind(1, *camera_id);
  else q->bind(1);
  q->bind(2, limit);
  std::vector<Entry> out;
  while (q->executeStep()) {
    Entry e;
    e.id = q->getColumn(0).getInt64();
    e.at = TimePoint{Micros{q->getColumn(1).getInt64()}};
    e.received = TimePoint{Micros{q->getColumn(2).getInt64()}};
    e.kind = q->getColumn(3).getString();
    e.path = q->getColumn(4).getString();
    e.camera_id = q->getColumn(5).getString();
    e.segment = q->getColumn(6).getString();
    e.outcome = q->getColumn(7).getString();
    e.detail = q->getColumn(8).getString();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace hs::events
