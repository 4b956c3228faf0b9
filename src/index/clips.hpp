#pragma once
// Permanent clips: a time range of one camera whose overlapping segments are never deleted. The
// operations are methods of Reader and Writer (index/transaction.hpp), in index/clips.cpp.
#include <string>

#include "util/time.hpp"

namespace hs::clips {

struct Clip {
  std::int64_t id = 0;
  std::string camera_id;
  TimePoint start, end;
  std::string label;
  TimePoint created;
};

}  // namespace hs::clips
