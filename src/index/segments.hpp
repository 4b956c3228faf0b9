#pragma once
// Recording segments in the index. Functions take the connection so callers can group them in one
// transaction. Times are stored as UTC microseconds; files relative to the recordings root.
#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/segment.hpp"

namespace hs::segments {

// A segment can be up to MediaMTX's 24h maximum plus the wait for the next keyframe long; range
// queries look back this far from `from` so they can use the (camera_id, start_us) index.
inline constexpr Micros kMaxSegmentLength = std::chrono::hours{25};

// segment-create: a row in state recording unless the file is already known (a complete hook may
// have arrived first). Returns true when a row was added, and its id in *id if asked.
bool created(SQLite::Database& db, std::string_view camera_id, std::string_view file, TimePoint start,
             std::optional<TimePoint> expires_at, TimePoint now, std::int64_t* id = nullptr);
// segment-complete (or reconcile finding a finished file): state complete with duration and size.
// A row being deleted is left alone. Returns true when anything changed, and the row's id in *id if
// asked (only then: an unchanged row's id needs by_file).
bool completed(SQLite::Database& db, std::string_view camera_id, std::string_view file, TimePoint start,
               std::optional<Micros> duration, std::int64_t size_bytes, std::optional<TimePoint> expires_at,
               TimePoint now, std::int64_t* id = nullptr);

// The columns a Segment is read from, in order, and the reader for a row selected with them.
extern const char* const kColumns;
Segment read_row(SQLite::Statement& q);

std::optional<Segment> get(SQLite::Database& db, std::int64_t id);
std::optional<Segment> by_file(SQLite::Database& db, std::string_view file);

struct Page {
  std::vector<Segment> items;
  std::optional<std::string> next_cursor;  // opaque; absent on the last page
};
// Segments of a camera overlapping [from, to), ordered by start then id, `limit` per page, resumed
// after `cursor` (from a previous page). Rows being deleted are not listed.
// Throws BadInput naming a malformed cursor.
Page range(SQLite::Database& db, std::string_view camera_id, std::optional<TimePoint> from,
           std::optional<TimePoint> to, int limit, const std::optional<std::string>& cursor, TimePoint now);

struct Summary {
  std::int64_t segments = 0;
  std::int64_t bytes = 0;
  std::optional<TimePoint> oldest, newest;
};
Summary summary(SQLite::Database& db, std::string_view camera_id);

// For reconciliation: calls `row` with every indexed file (the view is valid during the call only),
// its id and state, in one scan of the table.
void each_file(SQLite::Database& db,
               const std::function<void(std::string_view file, std::int64_t id, SegmentState state)>& row);
// Sets the state of one row (used by reconcile: missing, or complete again when a file reappears).
bool set_state(SQLite::Database& db, std::int64_t id, SegmentState state, TimePoint now);

}  // namespace hs::segments
