// SQL for segments: idempotent upserts for hooks and keyset pagination for the API.
#include "index/segments.hpp"

#include <fmt/format.h>

#include "index/statements.hpp"
#include "util/error.hpp"

namespace hs::segments {

const char* const kColumns =
    "id, camera_id, file, start_us, duration_us, size_bytes, state, permanent, expires_us, notified_us";

Segment read_row(SQLite::Statement& q) {
  Segment s;
  s.id = q.getColumn(0).getInt64();
  s.camera_id = q.getColumn(1).getString();
  s.file = q.getColumn(2).getString();
  s.start = TimePoint{Micros{q.getColumn(3).getInt64()}};
  if (!q.getColumn(4).isNull()) s.duration = Micros{q.getColumn(4).getInt64()};
  s.size_bytes = q.getColumn(5).getInt64();
  s.state = parse_segment_state(q.getColumn(6).getString()).value_or(SegmentState::missing);
  s.permanent = q.getColumn(7).getInt() != 0;
  if (!q.getColumn(8).isNull()) s.expires_at = TimePoint{Micros{q.getColumn(8).getInt64()}};
  if (!q.getColumn(9).isNull()) s.notified_at = TimePoint{Micros{q.getColumn(9).getInt64()}};
  return s;
}

namespace {

void bind_opt(SQLite::Statement& q, int index, std::optional<int64_t> v) {
  if (v) q.bind(index, *v);
  else q.bind(index);
}

// Runs an INSERT ... RETURNING id: a row comes back only when one was inserted or updated.
bool step_returning_id(SQLite::Statement& q, std::int64_t* id) {
  if (!q.executeStep()) return false;
  if (id) *id = q.getColumn(0).getInt64();
  while (q.executeStep()) {
  }
  return true;
}

std::string encode_cursor(const Segment& s) { return fmt::format("{}.{}", epoch_us(s.start), s.id); }

std::pair<int64_t, int64_t> decode_cursor(const std::string& c) {
  auto dot = c.find('.');
  try {
    if (dot == std::string::npos) throw std::invalid_argument("no dot");
    size_t n1 = 0, n2 = 0;
    int64_t a = std::stoll(c.substr(0, dot), &n1);
    int64_t b = std::stoll(c.substr(dot + 1), &n2);
    if (n1 != dot || n2 != c.size() - dot - 1) throw std::invalid_argument("junk");
    return {a, b};
  } catch (const std::exception&) {
    throw BadInput(fmt::format("cursor: not a cursor from a previous page: {}", quote(c)));
  }
}

}  // namespace

bool created(SQLite::Database& db, std::string_view camera_id, std::string_view file, TimePoint start,
             std::optional<TimePoint> expires_at, TimePoint now, std::int64_t* id) {
  Prepared q(db,
      "INSERT INTO segments (camera_id, file, start_us, state, expires_us, created_us, updated_us) "
      "VALUES (?1, ?2, ?3, 'recording', ?4, ?5, ?5) ON CONFLICT (file) DO NOTHING RETURNING id");
  q->bind(1, std::string(camera_id));
  q->bind(2, std::string(file));
  q->bind(3, epoch_us(start));
  bind_opt(*q, 4, expires_at ? std::optional<int64_t>(epoch_us(*expires_at)) : std::nullopt);
  q->bind(5, epoch_us(now));
  return step_returning_id(*q, id);
}

bool completed(SQLite::Database& db, std::string_view camera_id, std::string_view file, TimePoint start,
               std::optional<Micros> duration, std::int64_t size_bytes, std::optional<TimePoint> expires_at,
               TimePoint now, std::int64_t* id) {
  Prepared q(db,
      "INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, expires_us, created_us, updated_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 'complete', ?6, ?7, ?7) "
      "ON CONFLICT (file) DO UPDATE SET state = 'complete', duration_us = ?4, size_bytes = ?5, updated_us = ?7 "
      "WHERE state != 'deleting' AND (state != 'complete' OR duration_us IS NOT ?4 OR size_bytes != ?5) RETURNING id");
  q->bind(1, std::string(camera_id));
  q->bind(2, std::string(file));
  q->bind(3, epoch_us(start));
  bind_opt(*q, 4, duration ? std::optional<int64_t>(duration->count()) : std::nullopt);
  q->bind(5, static_cast<int64_t>(size_bytes));
  bind_opt(*q, 6, expires_at ? std::optional<int64_t>(epoch_us(*expires_at)) : std::nullopt);
  q->bind(7, epoch_us(now));
  return step_returning_id(*q, id);
}

std::optional<Segment> get(SQLite::Database& db, std::int64_t id) {
  static const std::string sql = fmt::format("SELECT {} FROM segments WHERE id = ?1", kColumns);
  Prepared q(db, sql.c_str());
  q->bind(1, static_cast<int64_t>(id));
  if (q->executeStep()) return read_row(*q);
  return std::nullopt;
}

std::optional<Segment> by_file(SQLite::Database& db, std::string_view file) {
  static const std::string sql = fmt::format("SELECT {} FROM segments WHERE file = ?1", kColumns);
  Prepared q(db, sql.c_str());
  q->bind(1, std::string(file));
  if (q->executeStep()) return read_row(*q);
  return std::nullopt;
}

Page range(SQLite::Database& db, std::string_view camera_id, std::optional<TimePoint> from,
           std::optional<TimePoint> to, int limit, const std::optional<std::string>& cursor, TimePoint now) {
  int64_t lo = from ? epoch_us(*from) : INT64_MIN / 2;
  int64_t hi = to ? epoch_us(*to) : INT64_MAX / 2;
  int64_t after_start = INT64_MIN, after_id = INT64_MIN;
  if (cursor) std::tie(after_start, after_id) = decode_cursor(*cursor);
  static const std::string sql = fmt::format(
      "SELECT {} FROM segments WHERE camera_id = ?1 AND state != 'deleting' "
      "AND start_us >= ?2 AND start_us < ?3 AND COALESCE(start_us + duration_us, ?4) > ?5 "
      "AND (start_us, id) > (?6, ?7) ORDER BY start_us, id LIMIT ?8", kColumns);
  Prepared q(db, sql.c_str());
  q->bind(1, std::string(camera_id));
  q->bind(2, from ? lo - kMaxSegmentLength.count() : lo);
  q->bind(3, hi);
  q->bind(4, epoch_us(now));
  q->bind(5, lo);
  q->bind(6, after_start);
  q->bind(7, after_id);
  q->bind(8, limit + 1);
  Page page;
  while (q->executeStep()) page.items.push_back(read_row(*q));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = encode_cursor(page.items.back());
  }
  return page;
}

Summary summary(SQLite::Database& db, std::string_view camera_id) {
  Prepared q(db,
      "SELECT count(*), COALESCE(sum(size_bytes), 0), min(start_us), max(start_us) FROM segments "
      "WHERE camera_id = ?1 AND state IN ('recording', 'complete')");
  q->bind(1, std::string(camera_id));
  Summary s;
  if (q->executeStep()) {
    s.segments = q->getColumn(0).getInt64();
    s.bytes = q->getColumn(1).getInt64();
    if (!q->getColumn(2).isNull()) s.oldest = TimePoint{Micros{q->getColumn(2).getInt64()}};
    if (!q->getColumn(3).isNull()) s.newest = TimePoint{Micros{q->getColumn(3).getInt64()}};
  }
  return s;
}

void each_file(SQLite::Database& db,
               const std::function<void(std::string_view file, std::int64_t id, SegmentState state)>& row) {
  SQLite::Statement q(db, "SELECT file, id, state FROM segments");
  while (q.executeStep()) {
    auto file = q.getColumn(0);
    auto state = q.getColumn(2);
    const char* name = file.getText();  // getText before getBytes: the length of the UTF-8 text
    row(std::string_view(name, static_cast<std::size_t>(file.getBytes())), q.getColumn(1).getInt64(),
        parse_segment_state(std::string_view(state.getText(), static_cast<std::size_t>(state.getBytes())))
            .value_or(SegmentState::missing));
  }
}

bool set_state(SQLite::Database& db, std::int64_t id, SegmentState state, TimePoint now) {
  Prepared q(db, "UPDATE segments SET state = ?2, updated_us = ?3 WHERE id = ?1 AND state != ?2 AND state != 'deleting'");
  q->bind(1, static_cast<int64_t>(id));
  q->bind(2, std::string(segment_state_name(state)));
  q->bind(3, epoch_us(now));
  return q->exec() > 0;
}

}  // namespace hs::segments
