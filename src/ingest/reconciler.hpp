#pragma once
// Reconciliation: makes the index agree with the recordings on disk. Files that no hook announced
// (server down, MediaMTX crashed: no complete hook after a crash) are indexed with the duration read
// from the fMP4 itself; a file still growing stays `recording`; rows whose file vanished become
// `missing` (and `complete` again if it comes back); `recording` rows whose file stopped growing
// are finished. Nothing is deleted here. A recordings root that is missing or empty (a disk not
// mounted: util/fs.hpp recordings_root_unseen) marks nothing missing.
#include <chrono>

#include "config/config.hpp"
#include "index/database.hpp"
#include "ingest/hook_ingest.hpp"
#include "util/progress.hpp"

namespace hs {

class Reconciler {
 public:
  Reconciler(const Config& config, Database& db, HookIngest& ingest, const Clock& clock);

  struct Report {
    std::size_t scanned = 0;    // files matching recordPath
    std::size_t ignored = 0;    // other files (sidecars, temp files) and symlinks
    std::size_t added = 0;      // new rows
    std::size_t finished = 0;   // recording rows whose file stopped growing
    std::size_t missing = 0;    // rows whose file vanished
    std::size_t restored = 0;   // missing rows whose file is back
    std::size_t implausible = 0;  // new files whose names date them before 1970 or after now + 1 day: not indexed
    Micros elapsed{0};
  };
  Report run();

  // Told how far a pass got (walking, indexing, finishing, marking); empty: not told.
  ProgressFn progress;

 private:
  const Config& config_;
  Database& db_;
  HookIngest& ingest_;
  const Clock& clock_;
  std::string root_problem_;  // why the last pass could not see the files ("" when it could), logged on change
};

}  // namespace hs
