// Names of segment and stream states as stored in the index and shown by the API.
#include "domain/segment.hpp"

namespace hs {

std::string_view segment_state_name(SegmentState s) {
  switch (s) {
    case SegmentState::recording: return "recording";
    case SegmentState::complete: return "complete";
    case SegmentState::missing: return "missing";
    case SegmentState::deleting: return "deleting";
  }
  return "?";
}

std::optional<SegmentState> parse_segment_state(std::string_view s) {
  for (auto st : {SegmentState::recording, SegmentState::complete, SegmentState::missing, SegmentState::deleting})
    if (segment_state_name(st) == s) return st;
  return std::nullopt;
}

std::string_view stream_state_name(StreamState s) {
  switch (s) {
    case StreamState::active: return "active";
    case StreamState::stopped: return "stopped";
    case StreamState::error: return "error";
  }
  return "?";
}

std::optional<StreamState> parse_stream_state(std::string_view s) {
  for (auto st : {StreamState::active, StreamState::stopped, StreamState::error})
    if (stream_state_name(st) == s) return st;
  return std::nullopt;
}

}  // namespace hs
