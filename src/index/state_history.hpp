#pragma once
// Proof of recording in the index: the row types of the per-camera status history and of the
// timeline's and storage report's reads. The operations are methods of Reader and Writer
// (index/transaction.hpp), implemented in index/state_history.cpp.
//
// The history is a list of change points per camera and kind (offline, not_recording, stalled):
// "from `at` on, the condition is active / not active". A change that repeats the kind's latest
// state is not stored, so a camera that stays up costs no rows, and a flap costs two.
//
// Kept as long as the recordings it explains: prune_state_history(camera, before) drops a camera's
// change points older than `before` except, per kind, the newest of them (the state in force at
// `before`). ServerApp prunes with `before` = the start of the camera's oldest indexed segment (or,
// for a camera without segments, now minus its retention), never by the 30-day event-log age.
#include <cstdint>
#include <optional>
#include <string>

#include "util/time.hpp"

namespace hs::footage {

// One camera's bytes and extent, for the storage report. Footage: segments recording or complete.
struct CameraBytes {
  std::string camera_id;
  std::int64_t total = 0;      // every footage byte
  std::int64_t permanent = 0;  // of permanent segments
  std::int64_t clips = 0;      // of segments in a clip, not permanent
  std::int64_t recent = 0;     // of segments starting at or after the `since` asked for
  std::optional<TimePoint> oldest;
};

// One camera's deletions since a time, from the audit.
struct CameraDeletions {
  std::string camera_id;
  std::int64_t bytes = 0;                     // deleted (or found gone) by any reason
  std::optional<Micros> youngest_disk_victim;  // the least age (at - start) of a disk-guard deletion
};

}  // namespace hs::footage
