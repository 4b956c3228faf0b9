#pragma once
// Recording segments in the index: the row types (a row is a domain Segment). The operations are
// methods of Reader and Writer (index/transaction.hpp), implemented in index/segments.cpp. Times
// are stored as UTC microseconds; files relative to the recordings root.
#include <optional>
#include <string>
#include <vector>

#include "domain/segment.hpp"

namespace hs::segments {

// A segment can be up to MediaMTX's 24h maximum plus the wait for the next keyframe long; range
// queries look back this far from `from` so they can use the (camera_id, start_us) index.
inline constexpr Micros kMaxSegmentLength = std::chrono::hours{25};

struct Page {
  std::vector<Segment> items;
  std::optional<std::string> next_cursor;  // opaque; absent on the last page
};

struct Newest {
  Segment segment;
  TimePoint created;  // when the row appeared
  TimePoint updated;  // when it last changed: for a complete segment, when it was completed
};

struct Summary {
  std::int64_t segments = 0;
  std::int64_t bytes = 0;
  std::optional<TimePoint> oldest, newest;
};

}  // namespace hs::segments
