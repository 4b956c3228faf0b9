#pragma once
// JSON shapes of the API. Times are RFC 3339 UTC with milliseconds; durations are seconds (float,
// *_s) or milliseconds (integer, *_ms). Camera sources are always redacted.
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "domain/recording_state.hpp"
#include "index/cameras.hpp"
#include "index/events.hpp"
#include "index/segments.hpp"

namespace hs {

// With `state`: "recording_state": {state, since, detail} (api/health_alerts.hpp).
nlohmann::json camera_json(const Config& config, const cameras::Row& row, const segments::Summary& summary,
                           const std::optional<RecordingState>& state = std::nullopt);
// {"state", "since", "detail"}
nlohmann::json recording_state_json(const RecordingState& state);
nlohmann::json segment_json(const Config& config, const Camera& camera, const Segment& s);
// The same object appended as JSON text, for long listings.
void append_segment_json(std::string& out, const Config& config, const Camera& camera, const Segment& s);
nlohmann::json event_json(const events::Entry& e);
nlohmann::json time_or_null(const std::optional<TimePoint>& t);
// Public bases of MediaMTX's servers from the config.
StreamBases stream_bases(const Config& config);
// MediaMTX playback URL of `duration` from `start` on `path` (start exact to the µs, URL-escaped).
std::string playback_get_url(const Config& config, std::string_view path, TimePoint start, Micros duration);

}  // namespace hs
