#pragma once
// Cameras and their stream status in the index. Functions take the connection so that callers
// combine them with other writes in one transaction (Database::write).
#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/camera.hpp"
#include "domain/segment.hpp"

namespace hs::cameras {

struct Row {
  Camera camera;
  std::optional<TimePoint> removed_at;  // stopped through the API or gone from the config
  StreamStatus status;
};

// Inserts or updates a camera (by id). Clears removed_at. Returns true when anything changed.
bool upsert(SQLite::Database& db, const Camera& camera, TimePoint now);
// Marks a camera removed (its recordings stay indexed with their retention).
bool mark_removed(SQLite::Database& db, std::string_view id, TimePoint now);
std::optional<Row> get(SQLite::Database& db, std::string_view id);
std::optional<Row> by_path(SQLite::Database& db, std::string_view path);
std::vector<Row> list(SQLite::Database& db);

// Records a stream state seen at `at`. Events older than the last applied one are ignored (hooks
// arrive out of order and spooled ones late); a repeat of the same event changes nothing.
// Returns true when the status changed.
bool apply_status(SQLite::Database& db, std::string_view camera_id, StreamState state, TimePoint at,
                  std::string_view source_type);

}  // namespace hs::cameras
