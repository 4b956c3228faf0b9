#pragma once
// Proof of recording: over a time range, where a camera's footage is and why each hole is a hole.
//
// Spans. Footage (segments recording or complete) is merged into spans the way MediaMTX's playback
// `/list` concatenates segments: the next segment joins the span when it starts no more than
// `tolerance` after the span ends (internal/playback/segment_fmp4.go:19 sets
// concatenationTolerance = 1 s; :96-99 is the time rule it applies to segments without an mtxi box,
// which is all the index can know; on_list.go:109-133 extends the previous entry to the joined
// segment's end). Two differences, both because a timeline answers "is there footage" and not
// "can one stream be played across": segments that overlap are merged too (/list would start a new
// entry), and segments from different streams are not told apart (/list compares mtxi stream ids).
//
// Segment ends. start + duration when the duration is known. Otherwise the segment ends at the
// earliest of: the next segment's start, `now`, and, while it is still recording, the start of an
// open `stalled` interval after its start (a stalled file is not growing, its footage stops there)
// or, when it is not recording (a file lost before it completed), start + segment_duration.
// A span still being written (its last segment recording, ending at `now`) is `recording`.
//
// Gaps and their reasons. Every instant of [from, min(to, now)) is in exactly one span or one gap.
// A gap instant gets the first reason of this list that applies to it (the precedence):
//   1. deleted        a deleted segment covered it (the audit: retention, disk guard or manual;
//                     among overlapping deletions manual, then disk, then retention is named)
//   2. missing        an indexed segment covered it but its file vanished
//   3. not_recording  record was off for the camera
//   4. offline        the stream was not available
//   5. stalled        available and recording, but the watchdog saw the file stop growing
//   6. unknown        none of the above (before any history, or a hole nobody explained)
// Evidence about files comes first (a deleted or vanished file proves footage existed, whatever the
// stream's state said), then the admin's choice (record off explains a hole even while the camera
// was also down), then what the stream did. Adjacent gap pieces with the same reason (and deleter)
// are one gap.
//
// Pure: no I/O, `now` passed in, inputs in any order.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/segment.hpp"
#include "util/time.hpp"

namespace hs {

// In precedence order (see above).
enum class GapReason { deleted, missing, not_recording, offline, stalled, unknown };
inline constexpr std::size_t kGapReasonCount = 6;
std::string_view gap_reason_name(GapReason r);

enum class DeletedBy { retention, disk, manual };
std::string_view deleted_by_name(DeletedBy by);
std::optional<DeletedBy> parse_deleted_by(std::string_view name);

// One indexed segment. recording/complete rows are footage; missing (and deleting) rows are files
// that vanished.
struct SegmentFact {
  TimePoint start;
  std::optional<Micros> duration;
  std::int64_t bytes = 0;
  SegmentState state = SegmentState::complete;
  int count = 1;  // segments it stands for: more than 1 after fold_footage
};

// A stretch of time in which a camera could not have recorded, from its state history.
enum class StateKind { offline, not_recording, stalled };
std::string_view state_kind_name(StateKind k);
std::optional<StateKind> parse_state_kind(std::string_view name);
struct StateInterval {
  StateKind kind;
  TimePoint start;
  std::optional<TimePoint> end;  // still so
};

// A segment removed from the index, from the deletion audit.
struct Deletion {
  TimePoint start, end;
  DeletedBy by;
};

struct TimelineFacts {
  std::vector<SegmentFact> segments;
  std::vector<StateInterval> states;
  std::vector<Deletion> deletions;
};

struct TimelineRules {
  Micros tolerance = std::chrono::seconds{1};
  Micros segment_duration = std::chrono::hours{1};  // bounds a lost file of unknown length
};

struct Span {
  TimePoint start, end;
  int segments = 0;        // segments overlapping the range that make the span
  std::int64_t bytes = 0;  // their whole sizes
  bool recording = false;  // still being written: ends at now
};

struct Gap {
  TimePoint start, end;
  GapReason reason;
  std::optional<DeletedBy> deleted_by;  // only for deleted
};

using GapTotals = std::array<Micros, kGapReasonCount>;  // indexed by GapReason

struct Timeline {
  TimePoint from, to;  // the range asked for
  std::vector<Span> spans;
  std::vector<Gap> gaps;
  Micros covered{0};
  GapTotals gap_totals{};
};

// Spans and gaps clipped to [from, to), tiling [from, min(to, now)). Facts outside the range are
// ignored, so callers may pass more than it needs.
Timeline build_timeline(const TimelineFacts& facts, const TimelineRules& rules, TimePoint from, TimePoint to,
                        TimePoint now);

// Each footage segment's extent by the rules above, in start order (what a span is made of).
struct Extent {
  TimePoint start, end;
  std::int64_t bytes = 0;
  bool recording = false;  // reaches now and is still being written
  int count = 1;           // segments it stands for
};
std::vector<Extent> footage_extents(const TimelineFacts& facts, const TimelineRules& rules, TimePoint now);

// Runs of complete segments of known, positive length, each starting no more than the tolerance
// after the run so far ends, folded into one fact each (start of the first, end of the furthest,
// bytes and count summed); every other segment is kept as it is, in place. Input in start order.
// build_timeline over the folded list gives the same timeline as over the segments whenever every
// folded segment starts in [from, min(to, now)) of the range asked: a span joins such a run as it
// would join its first segment, and would have joined and counted the others too.
std::vector<SegmentFact> fold_footage(std::vector<SegmentFact> segments, const TimelineRules& rules);

}  // namespace hs
