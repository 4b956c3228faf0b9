#pragma once
// Permanent clips: a time range of one camera whose overlapping segments are never deleted.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace hs::clips {

struct Clip {
  std::int64_t id = 0;
  std::string camera_id;
  TimePoint start, end;
  std::string label;
  TimePoint created;
};

Clip add(SQLite::Database& db, std::string_view camera_id, TimePoint start, TimePoint end, const std::string& label,
         TimePoint now);
std::optional<Clip> get(SQLite::Database& db, std::int64_t id);
std::vector<Clip> list(SQLite::Database& db, const std::optional<std::string>& camera_id);
bool remove(SQLite::Database& db, std::int64_t id);

// SQL condition true when segment row `s` overlaps a clip of its camera. A segment whose duration
// is unknown is taken as long as the longest possible segment, so a clip never loses footage.
inline constexpr const char* kInClip =
    "EXISTS (SELECT 1 FROM clips c WHERE c.camera_id = s.camera_id AND c.start_us < s.start_us + "
    "COALESCE(s.duration_us, 90000000000) AND c.end_us > s.start_us)";

}  // namespace hs::clips
