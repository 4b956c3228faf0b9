// Camera naming and stream URLs.
#include "domain/camera.hpp"

#include <fmt/format.h>

namespace hs {

std::string_view camera_origin_name(CameraOrigin o) {
  switch (o) {
    case CameraOrigin::config: return "config";
    case CameraOrigin::api: return "api";
    case CameraOrigin::discovered: return "discovered";
  }
  return "?";
}

std::string CameraNaming::id_for(std::string_view path) const {
  if (path.size() > prefix_.size() && path.substr(0, prefix_.size()) == prefix_) {
    auto rest = path.substr(prefix_.size());
    bool ok = rest.size() <= 64;
    for (char c : rest)
      ok &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (ok) return std::string(rest);
  }
  std::string id(path);
  for (char& c : id)
    if (c == '/') c = '~';
  return id;
}

namespace {
std::string trim_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}
}  // namespace

StreamUrlSet stream_urls(const StreamBases& b, std::string_view path, std::string_view camera_id) {
  auto webrtc = trim_slash(b.webrtc), hls = trim_slash(b.hls), rtsp = trim_slash(b.rtsp),
       playback = trim_slash(b.playback);
  return {fmt::format("{}/{}/", webrtc, path),
          fmt::format("{}/{}/whep", webrtc, path),
          fmt::format("{}/{}/index.m3u8", hls, path),
          fmt::format("{}/{}/index.m3u8", hls, path),
          fmt::format("{}/{}", rtsp, path),
          fmt::format("{}/list?path={}", playback, path),
          fmt::format("/api/cameras/{}/snapshot.jpg", camera_id)};
}

}  // namespace hs
