#pragma once
// The event log: every hook received, what it did (applied, unchanged, rejected) and why. The
// operations are methods of Reader and Writer (index/transaction.hpp), in index/events.cpp.
#include <string>

#include "util/time.hpp"

namespace hs::events {

struct Entry {
  std::int64_t id = 0;
  TimePoint at;        // when the hook ran
  TimePoint received;  // when the server took it
  std::string kind, path, camera_id, segment, outcome, detail;
};

}  // namespace hs::events
