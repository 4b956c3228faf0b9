#pragma once
// Expiry, notice and deletion of segments: the row types of the retention queries. The operations
// are methods of Reader and Writer (index/transaction.hpp), implemented in index/expiry.cpp, whose
// statements hold every protection: a segment that is permanent, inside a clip of its camera, or
// not `complete`/`missing` is never picked, by any claim.
#include <optional>
#include <string>

#include "util/time.hpp"

namespace hs::expiry {

// A segment claimed for deletion (state `deleting`), or found so after a crash.
struct Victim {
  std::int64_t id = 0;
  std::string camera_id, file;
  TimePoint start;
  std::int64_t size = 0;
  std::string reason;  // retention | disk | manual
  std::optional<Micros> duration;  // none while unknown (a file lost before it completed)
};

// A segment just marked notified, to be announced.
struct Notice {
  std::int64_t id = 0;
  std::string camera_id;
  TimePoint start, end, expires;
  std::int64_t size = 0;
};

// Deletable segments of one camera: how many, how big, the oldest and newest start.
struct CameraTally {
  std::string camera_id;
  std::int64_t count = 0;
  std::int64_t bytes = 0;
  std::optional<TimePoint> oldest, newest;
};

}  // namespace hs::expiry
