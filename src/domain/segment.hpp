#pragma once
// A recording segment as the index knows it, and the status of a camera's stream.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/time.hpp"

namespace hs {

enum class SegmentState { recording, complete, missing, deleting };
std::string_view segment_state_name(SegmentState s);
std::optional<SegmentState> parse_segment_state(std::string_view s);

struct Segment {
  std::int64_t id = 0;
  std::string camera_id;
  std::string file;                // relative to the recordings root
  TimePoint start;
  std::optional<Micros> duration;  // unknown while recording
  std::int64_t size_bytes = 0;
  SegmentState state = SegmentState::recording;
  bool permanent = false;
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> notified_at;
  std::string node;  // the node that holds the file
};

enum class StreamState { active, stopped, error };
std::string_view stream_state_name(StreamState s);
std::optional<StreamState> parse_stream_state(std::string_view s);

struct StreamStatus {
  StreamState state = StreamState::stopped;
  std::optional<TimePoint> since;  // never seen: no since
  std::string source_type;
};

}  // namespace hs
