#pragma once
// The deletion audit log: one row per segment removed, with the reason and what happened. The
// operations are methods of Reader and Writer (index/transaction.hpp), in index/audit.cpp.
#include <optional>
#include <string>

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
  std::optional<Micros> duration;  // of the segment, when it was known (rows before schema 4: none)
};

// Rows of the audit by reason and outcome, since the index began (the audit is never pruned).
struct Total {
  std::string reason, outcome;
  std::int64_t count = 0, bytes = 0;
};

}  // namespace hs::audit
