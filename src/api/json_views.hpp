#pragma once
// JSON shapes of the API. Times are RFC 3339 UTC with milliseconds; durations are seconds (float,
// *_s) or milliseconds (integer, *_ms). Camera sources are always redacted.
#include <nlohmann/json.hpp>

#include "cluster/node_directory.hpp"
#include "config/config.hpp"
#include "domain/recording_state.hpp"
#include "index/cameras.hpp"
#include "index/events.hpp"
#include "index/segments.hpp"

namespace hs {

// With `state`: "recording_state": {state, since, detail} (api/health_alerts.hpp). `node` is the
// camera's node: its URLs point there.
nlohmann::json camera_json(const Config& config, const NodeLinks& node, const cameras::Row& row,
                           const segments::Summary& summary, const std::optional<RecordingState>& state = std::nullopt);
// A camera's URLs on its node (the snapshot absolute when the node is another).
StreamUrlSet camera_urls(const NodeLinks& node, std::string_view path, std::string_view camera_id);
// {"state", "since", "detail"}
nlohmann::json recording_state_json(const RecordingState& state);
// `playback` is the MediaMTX playback base of the node holding the segment's file.
nlohmann::json segment_json(std::string_view playback, const Camera& camera, const Segment& s);
// The same object appended as JSON text, for long listings.
void append_segment_json(std::string& out, std::string_view playback, const Camera& camera, const Segment& s);
nlohmann::json event_json(const events::Entry& e);
nlohmann::json time_or_null(const std::optional<TimePoint>& t);
// MediaMTX playback URL of `duration` from `start` on `path` (start exact to the µs, URL-escaped)
// on the playback server at `base`.
std::string playback_get_url(std::string_view base, std::string_view path, TimePoint start, Micros duration);

}  // namespace hs
