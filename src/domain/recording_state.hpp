#pragma once
// Is a camera recording right now, and if not, why: the camera's `recording_state` and the stall
// watchdog's rule.
//
//   offline        the stream is not available
//   not_recording  record is off for the camera
//   idle           available and record on, no segment yet, and less than `grace` since recording
//                  was expected to start (MediaMTX creates the file about a part duration after the
//                  first sample, so a healthy camera is idle for a second or two)
//   stalled        available and record on, but no progress for too long:
//                    - no segment `grace` after recording was expected to start;
//                    - the newest segment still recording `segment_duration + grace` after it was
//                      created (it should have been completed and rotated);
//                    - the newest segment's file not seen growing for `grace` (MediaMTX flushes a
//                      part every recordPartDuration, 1 s by default);
//                    - the newest segment completed `grace` ago and no new one followed.
//   recording      otherwise.
// "Recording was expected to start" is the later of the stream becoming available and record being
// switched on. Progress is measured in this server's clock (when rows were created and completed,
// when the watchdog saw the file grow), never from the start times in file names, which come from
// the camera's clock when MediaMTX uses absolute timestamps.
//
// Pure: no I/O, `now` passed in.
#include <optional>
#include <string>
#include <string_view>

#include "util/time.hpp"

namespace hs {

enum class RecordingStateKind { recording, stalled, offline, not_recording, idle };
std::string_view recording_state_name(RecordingStateKind k);

struct RecordingState {
  RecordingStateKind state = RecordingStateKind::offline;
  std::optional<TimePoint> since;
  std::string detail;  // human text
  bool operator==(const RecordingState&) const = default;
};

struct RecordingFacts {
  bool available = false;
  std::optional<TimePoint> available_since;  // when the stream last became available or unavailable
  bool record = true;
  std::optional<TimePoint> record_since;  // when record was last switched; unknown: always so
  struct Newest {
    std::string file;
    TimePoint created;                   // when its row appeared (this server's clock)
    std::optional<TimePoint> completed;  // when it was completed; none while recording
    std::optional<TimePoint> grew;       // when the watchdog last saw its size change (or first saw it)
  };
  std::optional<Newest> newest;      // the camera's most recently created segment
  std::optional<TimePoint> resumed;  // when the watchdog last saw a stall end
};

struct StallRule {
  Micros segment_duration = std::chrono::hours{1};
  Micros grace = std::chrono::seconds{30};
};

RecordingState recording_state(const RecordingFacts& facts, const StallRule& rule, TimePoint now);

}  // namespace hs
