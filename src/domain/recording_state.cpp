// The recording state rule (see recording_state.hpp), with the text that explains each verdict.
#include "domain/recording_state.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace hs {

std::string_view recording_state_name(RecordingStateKind k) {
  switch (k) {
    case RecordingStateKind::recording:
      return "recording";
    case RecordingStateKind::stalled:
      return "stalled";
    case RecordingStateKind::offline:
      return "offline";
    case RecordingStateKind::not_recording:
      return "not_recording";
    case RecordingStateKind::idle:
      return "idle";
  }
  return "?";
}

namespace {

std::string seconds_text(Micros d) {
  return fmt::format("{:.0f} s", to_seconds(d));
}

std::optional<TimePoint> later(std::optional<TimePoint> a, std::optional<TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

RecordingState recording_state(const RecordingFacts& f, const StallRule& rule, TimePoint now) {
  using K = RecordingStateKind;
  if (!f.available) return {K::offline, f.available_since, "the stream is not available"};
  if (!f.record) return {K::not_recording, f.record_since, "recording is off for this camera"};

  const std::optional<TimePoint> expected = later(f.available_since, f.record_since);
  const auto& seg = f.newest;
  // A segment created before recording was expected to start belongs to an earlier session.
  if (!seg || (expected && seg->created < *expected)) {
    const TimePoint from = expected.value_or(now);
    if (now - from <= rule.grace) return {K::idle, from, "waiting for the first segment"};
    return {K::stalled, from,
            fmt::format("no segment since recording was expected to start at {} (waited {}, limit {})",
                        format_rfc3339_ms(from), seconds_text(now - from), seconds_text(rule.grace))};
  }
  if (seg->completed) {
    if (now - *seg->completed > rule.grace)
      return {K::stalled, *seg->completed,
              fmt::format("no new segment since {} completed at {} (limit {})", quote(seg->file),
                          format_rfc3339_ms(*seg->completed), seconds_text(rule.grace))};
  } else {
    const TimePoint due = seg->created + rule.segment_duration;
    if (now - due > rule.grace)
      return {K::stalled, due,
              fmt::format("segment {} created at {} is still not complete (expected every {}, limit {} more)",
                          quote(seg->file), format_rfc3339_ms(seg->created), format_duration(rule.segment_duration),
                          seconds_text(rule.grace))};
    if (seg->grew && now - *seg->grew > rule.grace)
      return {K::stalled, *seg->grew,
              fmt::format("segment {} has not grown since {} (limit {})", quote(seg->file),
                          format_rfc3339_ms(*seg->grew), seconds_text(rule.grace))};
  }
  return {K::recording, later(expected, f.resumed),
          seg->completed ? fmt::format("{} completed, the next segment is due", quote(seg->file))
                         : fmt::format("writing {}", quote(seg->file))};
}

}  // namespace hs
