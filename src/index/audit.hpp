#pragma once
// The deletion audit log: one row per segment removed, with the reason and what happened.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace hs::audit {

struct Entry {
  std::int64_t id = 0;
  TimePoint at;
  std::int64_t segment_id = 0;
  std::string camera_id, file;
  TimePoint start;
  std::int64_t size_bytes = 0;
  std::string reason;   // retention | disk | manual
  std::string outcome;  // deleted | already gone | refused: ...
};

void append(SQLite::Database& db, const Entry& e);
// The same insert prepared once, for batches (a retention pass writes hundreds per transaction).
class Writer {
 public:
  explicit Writer(SQLite::Database& db);
  void append(const Entry& e);

 private:
  SQLite::Statement insert_;
};
// Newest first.
std::vector<Entry> query(SQLite::Database& db, const std::optional<std::string>& camera_id,
                         std::optional<TimePoint> from, std::optional<TimePoint> to, int limit);

}  // namespace hs::audit
