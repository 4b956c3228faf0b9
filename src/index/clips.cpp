// SQL for clips.
#include "index/clips.hpp"

namespace hs::clips {

namespace {
constexpr const char* kSelect = "SELECT id, camera_id, start_us, end_us, label, created_us FROM clips ";

Clip read_row(SQLite::Statement& q) {
  return Clip{q.getColumn(0).getInt64(), q.getColumn(1).getString(), TimePoint{Micros{q.getColumn(2).getInt64()}},
              TimePoint{Micros{q.getColumn(3).getInt64()}}, q.getColumn(4).getString(),
              TimePoint{Micros{q.getColumn(5).getInt64()}}};
}
}  // namespace

Clip add(SQLite::Database& db, std::string_view camera_id, TimePoint start, TimePoint end, const std::string& label,
         TimePoint now) {
  SQLite::Statement q(db, "INSERT INTO clips (camera_id, start_us, end_us, label, created_us) VALUES (?1, ?2, ?3, ?4, ?5)");
  q.bind(1, std::string(camera_id));
  q.bind(2, epoch_us(start));
  q.bind(3, epoch_us(end));
  q.bind(4, label);
  q.bind(5, epoch_us(now));
  q.exec();
  return Clip{db.getLastInsertRowid(), std::string(camera_id), start, end, label, now};
}

std::optional<Clip> get(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, std::string(kSelect) + "WHERE id = ?1");
  q.bind(1, static_cast<int64_t>(id));
  if (q.executeStep()) return read_row(q);
  return std::nullopt;
}

std::vector<Clip> list(SQLite::Database& db, const std::optional<std::string>& camera_id) {
  SQLite::Statement q(db, std::string(kSelect) + "WHERE ?1 IS NULL OR camera_id = ?1 ORDER BY camera_id, start_us, id");
  if (camera_id) q.bind(1, *camera_id);
  else q.bind(1);
  std::vector<Clip> out;
  while (q.executeStep()) out.push_back(read_row(q));
  return out;
}

bool remove(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, "DELETE FROM clips WHERE id = ?1");
  q.bind(1, static_cast<int64_t>(id));
  return q.exec() > 0;
}

}  // namespace hs::clips
