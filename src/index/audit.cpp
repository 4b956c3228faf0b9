// SQL for the deletion audit.
#include "index/audit.hpp"

namespace hs::audit {

namespace {
constexpr const char* kInsert =
    "INSERT INTO audit (at_us, segment_id, camera_id, file, start_us, size_bytes, reason, outcome) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

void bind_and_run(SQLite::Statement& q, const Entry& e) {
  q.bind(1, epoch_us(e.at));
  q.bind(2, static_cast<int64_t>(e.segment_id));
  q.bind(3, e.camera_id);
  q.bind(4, e.file);
  q.bind(5, epoch_us(e.start));
  q.bind(6, static_cast<int64_t>(e.size_bytes));
  q.bind(7, e.reason);
  q.bind(8, e.outcome);
  q.exec();
  q.reset();
}
}  // namespace

void append(SQLite::Database& db, const Entry& e) {
  SQLite::Statement q(db, kInsert);
  bind_and_run(q, e);
}

Writer::Writer(SQLite::Database& db) : insert_(db, kInsert) {}

void Writer::append(const Entry& e) { bind_and_run(insert_, e); }

std::vector<Entry> query(SQLite::Database& db, const std::optional<std::string>& camera_id,
                         std::optional<TimePoint> from, std::optional<TimePoint> to, int limit) {
  SQLite::Statement q(db,
      "SELECT id, at_us, segment_id, camera_id, file, start_us, size_bytes, reason, outcome FROM audit "
      "WHERE (?1 IS NULL OR camera_id = ?1) AND at_us >= ?2 AND at_us < ?3 ORDER BY at_us DESC, id DESC LIMIT ?4");
  if (camera_id) q.bind(1, *camera_id);
  else q.bind(1);
  q.bind(2, static_cast<int64_t>(from ? from->time_since_epoch().count() : INT64_MIN));
  q.bind(3, static_cast<int64_t>(to ? to->time_since_epoch().count() : INT64_MAX));
  q.bind(4, limit);
  std::vector<Entry> out;
  while (q.executeStep()) {
    out.push_back(Entry{q.getColumn(0).getInt64(), TimePoint{Micros{q.getColumn(1).getInt64()}},
                        q.getColumn(2).getInt64(), q.getColumn(3).getString(), q.getColumn(4).getString(),
                        TimePoint{Micros{q.getColumn(5).getInt64()}}, q.getColumn(6).getInt64(),
                        q.getColumn(7).getString(), q.getColumn(8).getString()});
  }
  return out;
}

}  // namespace hs::audit
