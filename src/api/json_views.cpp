// JSON views of cameras, segments and events.
#include "api/json_views.hpp"

#include <fmt/format.h>

#include "util/redact.hpp"

namespace hs {

nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339_ms(*t)) : nlohmann::json(nullptr);
}

namespace {

StreamBases bases(const Config& c) {
  return {c.mediamtx.urls.rtsp, c.mediamtx.urls.hls, c.mediamtx.urls.webrtc, c.mediamtx.urls.playback};
}

std::string url_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

nlohmann::json camera_json(const Config& config, const cameras::Row& row, const segments::Summary& summary) {
  const Camera& c = row.camera;
  auto urls = stream_urls(bases(config), c.path, c.id);
  auto retention = config.retention_for(c.plan, c.retention_override);
  return {
      {"id", c.id},
      {"name", c.name},
      {"path", c.path},
      {"managed", c.managed()},
      {"origin", std::string(camera_origin_name(c.origin))},
      {"source", redact_url(c.source)},
      {"record", c.record},
      {"plan", c.plan},
      {"retention_days", to_seconds(retention) / 86400.0},
      {"removed_at", time_or_null(row.removed_at)},
      {"status", {{"state", std::string(stream_state_name(row.status.state))},
                  {"since", time_or_null(row.status.since)},
                  {"source_type", row.status.source_type}}},
      {"urls", {{"webrtc", urls.webrtc}, {"whep", urls.whep}, {"hls", urls.hls}, {"ll_hls", urls.ll_hls},
                {"rtsp", urls.rtsp}, {"playback", urls.playback}, {"snapshot", urls.snapshot}}},
      {"recordings", {{"segments", summary.segments}, {"bytes", summary.bytes},
                      {"oldest", time_or_null(summary.oldest)}, {"newest", time_or_null(summary.newest)}}},
  };
}

nlohmann::json segment_json(const Config& config, const Camera& camera, const Segment& s) {
  nlohmann::json j{
      {"id", s.id},
      {"camera_id", s.camera_id},
      {"file", s.file},
      {"start", format_rfc3339_ms(s.start)},
      {"end", nullptr},
      {"duration_s", nullptr},
      {"size_bytes", s.size_bytes},
      {"state", std::string(segment_state_name(s.state))},
      {"permanent", s.permanent},
      {"expires_at", time_or_null(s.expires_at)},
      {"playback_url", nullptr},
  };
  if (s.duration) {
    j["end"] = format_rfc3339_ms(s.start + *s.duration);
    j["duration_s"] = to_seconds(*s.duration);
    std::string base = config.mediamtx.urls.playback;
    while (!base.empty() && base.back() == '/') base.pop_back();
    j["playback_url"] = fmt::format("{}/get?path={}&start={}&duration={}", base, url_escape(camera.path),
                                    url_escape(format_rfc3339_us(s.start)), to_seconds(*s.duration));
  }
  return j;
}

nlohmann::json event_json(const events::Entry& e) {
  return {{"id", e.id},           {"at", format_rfc3339_ms(e.at)}, {"received", format_rfc3339_ms(e.received)},
          {"kind", e.kind},       {"path", e.path},                {"camera_id", e.camera_id},
          {"segment", e.segment}, {"outcome", e.outcome},          {"detail", e.detail}};
}

}  // namespace hs
