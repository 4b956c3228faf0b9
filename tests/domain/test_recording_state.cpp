// The recording state rule and the stall watchdog's verdicts, table-driven, with whole detail texts.
#include <catch2/catch.hpp>

#include "domain/recording_state.hpp"

using namespace hs;
using namespace std::chrono;

namespace {
const TimePoint T0 = parse_rfc3339("2026-03-01T10:00:00Z");
TimePoint at(int s) {
  return T0 + seconds{s};
}
std::optional<TimePoint> opt(int s) {
  return at(s);
}

RecordingFacts::Newest newest(int created, std::optional<int> completed = std::nullopt,
                              std::optional<int> grew = std::nullopt) {
  RecordingFacts::Newest n{"camera_1/2026-03-01_10-00-00-000000.mp4", at(created), std::nullopt, std::nullopt};
  if (completed) n.completed = at(*completed);
  if (grew) n.grew = at(*grew);
  return n;
}
RecordingFacts up(std::optional<RecordingFacts::Newest> seg) {
  RecordingFacts f;
  f.available = true;
  f.available_since = at(0);
  f.newest = std::move(seg);
  return f;
}
}  // namespace

TEST_CASE("recording state: each verdict and its text", "[recording_state]") {
  const StallRule rule{minutes{1}, seconds{30}};  // one-minute segments, 30 s grace
  struct Row {
    const char* what;
    RecordingFacts facts;
    int now;
    const char* state;
    std::optional<TimePoint> since;
    const char* detail;
  };
  RecordingFacts down;
  down.available = false;
  down.available_since = at(-5);
  RecordingFacts off = up(newest(10));
  off.record = false;
  off.record_since = at(20);
  RecordingFacts old_session = up(newest(-100));  // from before the stream came back
  RecordingFacts record_on_again = up(newest(5));
  record_on_again.record_since = at(10);
  RecordingFacts resumed = up(newest(10, std::nullopt, 40));
  resumed.resumed = at(35);

  const Row rows[] = {
      {"offline", down, 100, "offline", opt(-5), "the stream is not available"},
      {"record off", off, 100, "not_recording", opt(20), "recording is off for this camera"},
      {"no segment yet, within grace", up(std::nullopt), 30, "idle", opt(0), "waiting for the first segment"},
      {"no segment past grace", up(std::nullopt), 31, "stalled", opt(0),
       "no segment since recording was expected to start at 2026-03-01T10:00:00.000Z (waited 31 s, limit 30 s)"},
      {"a segment of an earlier session does not count", old_session, 31, "stalled", opt(0),
       "no segment since recording was expected to start at 2026-03-01T10:00:00.000Z (waited 31 s, limit 30 s)"},
      {"record switched on again: counted from then", record_on_again, 35, "idle", opt(10),
       "waiting for the first segment"},
      {"writing", up(newest(2, std::nullopt, 60)), 80, "recording", opt(0),
       "writing \"camera_1/2026-03-01_10-00-00-000000.mp4\""},
      {"not grown for the grace", up(newest(2, std::nullopt, 60)), 91, "stalled", opt(60),
       "segment \"camera_1/2026-03-01_10-00-00-000000.mp4\" has not grown since 2026-03-01T10:01:00.000Z "
       "(limit 30 s)"},
      {"never observed growing: only the segment length bounds it", up(newest(2)), 92, "recording", opt(0),
       "writing \"camera_1/2026-03-01_10-00-00-000000.mp4\""},
      {"still recording past segment_duration + grace", up(newest(2, std::nullopt, 90)), 93, "stalled", opt(62),
       "segment \"camera_1/2026-03-01_10-00-00-000000.mp4\" created at 2026-03-01T10:00:02.000Z is still not "
       "complete (expected every 1m, limit 30 s more)"},
      {"completed, next one due", up(newest(2, 62)), 80, "recording", opt(0),
       "\"camera_1/2026-03-01_10-00-00-000000.mp4\" completed, the next segment is due"},
      {"completed and nothing followed", up(newest(2, 62)), 93, "stalled", opt(62),
       "no new segment since \"camera_1/2026-03-01_10-00-00-000000.mp4\" completed at 2026-03-01T10:01:02.000Z "
       "(limit 30 s)"},
      {"recording since the stall ended", resumed, 50, "recording", opt(35),
       "writing \"camera_1/2026-03-01_10-00-00-000000.mp4\""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto s = recording_state(r.facts, rule, at(r.now));
    CHECK(recording_state_name(s.state) == r.state);
    CHECK(s.since == r.since);
    CHECK(s.detail == r.detail);
  }
}
