// JSON views of cameras, segments and events.
#include "api/json_views.hpp"

#include <fmt/format.h>

#include "util/redact.hpp"

namespace hs {

nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339_ms(*t)) : nlohmann::json(nullptr);
}

namespace {

std::string url_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

std::string playback_get_url(std::string_view base, std::string_view path, TimePoint start, Micros duration) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return fmt::format("{}/get?path={}&start={}&duration={}", base, url_escape(path), url_escape(format_rfc3339_us(start)),
                     to_seconds(duration));
}

StreamUrlSet camera_urls(const NodeLinks& node, std::string_view path, std::string_view camera_id) {
  auto urls = stream_urls(node.streams, path, camera_id);
  urls.snapshot = node.api_url + urls.snapshot;
  return urls;
}

nlohmann::json camera_json(const Config& config, const NodeLinks& node, const cameras::Row& row,
                           const segments::Summary& summary, const std::optional<RecordingState>& state) {
  const Camera& c = row.camera;
  auto urls = camera_urls(node, c.path, c.id);
  auto retention = config.retention_for(c.plan, c.retention_override);
  nlohmann::json out{
      {"id", c.id},
      {"name", c.name},
      {"path", c.path},
      {"managed", c.managed()},
      {"origin", std::string(camera_origin_name(c.origin))},
      {"node", c.node},
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
  if (state) out["recording_state"] = recording_state_json(*state);
  return out;
}

nlohmann::json recording_state_json(const RecordingState& s) {
  return {{"state", std::string(recording_state_name(s.state))}, {"since", time_or_null(s.since)}, {"detail", s.detail}};
}

namespace {

void append_string(std::string& out, std::string_view v) {
  out += '"';
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace

// Written by hand rather than through nlohmann::json: a day of one-minute segments is 1,440 of
// these per request, and building and dumping a JSON tree per item cost several microseconds.
void append_segment_json(std::string& out, std::string_view playback, const Camera& camera, const Segment& s) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"id\":{},\"camera_id\":", s.id);
  append_string(out, s.camera_id);
  out += ",\"file\":";
  append_string(out, s.file);
  fmt::format_to(it, ",\"start\":\"{}\",\"size_bytes\":{},\"state\":\"{}\",\"permanent\":{},\"expires_at\":",
                 format_rfc3339_ms(s.start), s.size_bytes, segment_state_name(s.state), s.permanent);
  if (s.expires_at) fmt::format_to(it, "\"{}\"", format_rfc3339_ms(*s.expires_at));
  else out += "null";
  if (s.duration) {
    fmt::format_to(it, ",\"end\":\"{}\",\"duration_s\":{},\"playback_url\":", format_rfc3339_ms(s.start + *s.duration),
                   to_seconds(*s.duration));
    append_string(out, playback_get_url(playback, camera.path, s.start, *s.duration));
  } else {
    out += ",\"end\":null,\"duration_s\":null,\"playback_url\":null";
  }
  out += '}';
}

nlohmann::json segment_json(std::string_view playback, const Camera& camera, const Segment& s) {
  std::string text;
  append_segment_json(text, playback, camera, s);
  return nlohmann::json::parse(text);
}

nlohmann::json event_json(const events::Entry& e) {
  return {{"id", e.id},           {"at", format_rfc3339_ms(e.at)}, {"received", format_rfc3339_ms(e.received)},
          {"kind", e.kind},       {"path", e.path},                {"camera_id", e.camera_id},
          {"segment", e.segment}, {"outcome", e.outcome},          {"detail", e.detail}};
}

}  // namespace hs
