#pragma once
// The event log: every hook received, what it did (applied, unchanged, rejected) and why.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace hs::events {

struct Entry {
  std::int64_t id = 0;
  TimePoint at;        // when the hook ran
  TimePoint received;  // when the server took it
  std::string kind, path, camera_id, segment, outcome, detail;
};

void append(SQLite::Database& db, const Entry& e);
// Deletes up to `limit` of the oldest entries received before `before`; returns how many. Looks at
// the `limit` oldest rows only (ids grow with arrival), so a call costs the same however long the
// log is; call again while it returns `limit`.
std::size_t prune(SQLite::Database& db, TimePoint before, int limit);
// Newest first, at most `limit`, optionally for one camera.
std::vector<Entry> recent(SQLite::Database& db, int limit, const std::optional<std::string>& camera_id);

}  // namespace hs::events
