#pragma once
// SQL pieces that more than one operation file uses: a row type's column list beside its one
// decoder, and the clip-protection condition. Internal to src/index/ (tests read it too).
#include "domain/segment.hpp"
#include "index/connection.hpp"

namespace hs::index {

// The columns a Segment is read from, in order, for a segments table aliased `s`.
inline constexpr const char* kSegmentColumns =
    "s.id, s.camera_id, s.file, s.start_us, s.duration_us, s.size_bytes, s.state, s.permanent, s.expires_us, "
    "s.notified_us, s.node";
inline constexpr int kSegmentColumnCount = 11;
// Reads a Segment from the current row of a statement selecting kSegmentColumns first.
Segment read_segment(Statement& q);

// Condition true when segment row `s` overlaps a clip of its camera. A segment whose duration is
// unknown is taken as long as the longest possible segment, so a clip never loses footage.
inline constexpr const char* kInClip =
    "EXISTS (SELECT 1 FROM clips c WHERE c.camera_id = s.camera_id AND c.start_us < s.start_us + "
    "COALESCE(s.duration_us, 90000000000) AND c.end_us > s.start_us)";

}  // namespace hs::index
