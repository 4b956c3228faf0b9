// SQL for cameras and stream status.
#include "index/cameras.hpp"

#include "index/statements.hpp"

namespace hs::cameras {

namespace {

constexpr const char* kSelect =
    "SELECT c.id, c.path, c.name, c.source, c.plan, c.retention_us, c.record, c.rtsp_transport, c.origin, "
    "c.removed_us, s.state, s.since_us, s.source_type FROM cameras c LEFT JOIN stream_status s ON s.camera_id = c.id ";

Row read_row(SQLite::Statement& q) {
  Row r;
  Camera& c = r.camera;
  c.id = q.getColumn(0).getString();
  c.path = q.getColumn(1).getString();
  c.name = q.getColumn(2).getString();
  c.source = q.getColumn(3).getString();
  c.plan = q.getColumn(4).getString();
  if (!q.getColumn(5).isNull()) c.retention_override = Micros{q.getColumn(5).getInt64()};
  c.record = q.getColumn(6).getInt() != 0;
  c.rtsp_transport = q.getColumn(7).getString();
  auto origin = q.getColumn(8).getString();
  c.origin = origin == "api" ? CameraOrigin::api : origin == "discovered" ? CameraOrigin::discovered : CameraOrigin::config;
  if (!q.getColumn(9).isNull()) r.removed_at = TimePoint{Micros{q.getColumn(9).getInt64()}};
  if (!q.getColumn(10).isNull()) {
    r.status.state = parse_stream_state(q.getColumn(10).getString()).value_or(StreamState::error);
    r.status.since = TimePoint{Micros{q.getColumn(11).getInt64()}};
    r.status.source_type = q.getColumn(12).getString();
  }
  return r;
}

// `sql` is kSelect + a WHERE clause binding ?1, with static storage (see Prepared).
std::optional<Row> one(SQLite::Database& db, const std::string& sql, std::string_view value) {
  Prepared q(db, sql.c_str());
  q->bind(1, std::string(value));
  if (q->executeStep()) return read_row(*q);
  return std::nullopt;
}

}  // namespace

bool upsert(SQLite::Database& db, const Camera& c, TimePoint now) {
  Prepared q(db,
      "INSERT INTO cameras (id, path, name, source, plan, retention_us, record, rtsp_transport, origin, created_us, updated_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
      "ON CONFLICT (id) DO UPDATE SET path = ?2, name = ?3, source = ?4, plan = ?5, retention_us = ?6, record = ?7, "
      "rtsp_transport = ?8, origin = ?9, removed_us = NULL, updated_us = ?10 "
      "WHERE path IS NOT ?2 OR name IS NOT ?3 OR source IS NOT ?4 OR plan IS NOT ?5 OR retention_us IS NOT ?6 "
      "OR record IS NOT ?7 OR rtsp_transport IS NOT ?8 OR origin IS NOT ?9 OR removed_us IS NOT NULL");
  q->bind(1, c.id);
  q->bind(2, c.path);
  q->bind(3, c.name);
  q->bind(4, c.source);
  q->bind(5, c.plan);
  if (c.retention_override) q->bind(6, static_cast<int64_t>(c.retention_override->count()));
  else q->bind(6);
  q->bind(7, c.record ? 1 : 0);
  q->bind(8, c.rtsp_transport);
  q->bind(9, std::string(camera_origin_name(c.origin)));
  q->bind(10, epoch_us(now));
  return q->exec() > 0;
}

bool mark_removed(SQLite::Database& db, std::string_view id, TimePoint now) {
  Prepared q(db, "UPDATE cameras SET removed_us = ?2, updated_us = ?2 WHERE id = ?1 AND removed_us IS NULL");
  q->bind(1, std::string(id));
  q->bind(2, epoch_us(now));
  return q->exec() > 0;
}

std::optional<Row> get(SQLite::Database& db, std::string_view id) {
  static const std::string sql = std::string(kSelect) + "WHERE c.id = ?1";
  return one(db, sql, id);
}

std::optional<Row> by_path(SQLite::Database& db, std::string_view path) {
  static const std::string sql = std::string(kSelect) + "WHERE c.path = ?1";
  return one(db, sql, path);
}

std::vector<Row> list(SQLite::Database& db) {
  SQLite::Statement q(db, std::string(kSelect) + "ORDER BY c.id");
  std::vector<Row> rows;
  while (q.executeStep()) rows.push_back(read_row(q));
  return rows;
}

bool apply_status(SQLite::Database& db, std::string_view camera_id, StreamState state, TimePoint at,
                  std::string_view source_type) {
  const int64_t at_us = epoch_us(at);
  const std::string state_name(stream_state_name(state));
  Prepared cur(db, "SELECT state, event_us, source_type FROM stream_status WHERE camera_id = ?1");
  cur->bind(1, std::string(camera_id));
  if (!cur->executeStep()) {
    Prepared ins(db,
        "INSERT INTO stream_status (camera_id, state, since_us, event_us, source_type) VALUES (?1, ?2, ?3, ?3, ?4)");
    ins->bind(1, std::string(camera_id));
    ins->bind(2, state_name);
    ins->bind(3, at_us);
    ins->bind(4, std::string(source_type));
    ins->exec();
    return true;
  }
  std::string old_state = cur->getColumn(0).getString();
  int64_t old_event = cur->getColumn(1).getInt64();
  std::string old_source = cur->getColumn(2).getString();
  cur->reset();
  if (at_us <= old_event) return false;  // stale or repeated
  bool changed = old_state != state_name || (!source_type.empty() && source_type != old_source);
  Prepared up(db,
      "UPDATE stream_status SET since_us = CASE WHEN state = ?2 THEN since_us ELSE ?3 END, state = ?2, "
      "event_us = ?3, source_type = CASE WHEN ?4 = '' THEN source_type ELSE ?4 END WHERE camera_id = ?1");
  up->bind(1, std::string(camera_id));
  up->bind(2, state_name);
  up->bind(3, at_us);
  up->bind(4, std::string(source_type));
  up->exec();
  return changed;
}

}  // namespace hs::cameras
