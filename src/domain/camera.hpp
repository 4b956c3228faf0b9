#pragma once
// Cameras: the mapping between a camera id and its MediaMTX path, and the URLs a frontend uses.
#include <optional>
#include <string>
#include <string_view>

#include "domain/segment.hpp"
#include "util/time.hpp"

namespace hs {

enum class CameraOrigin { config, api, discovered };
std::string_view camera_origin_name(CameraOrigin o);

struct Camera {
  std::string id;
  std::string path;     // MediaMTX path name
  std::string name;
  std::string source;   // may hold credentials: redact before output
  std::string plan;
  std::optional<Micros> retention_override;
  bool record = true;
  std::string rtsp_transport = "tcp";
  CameraOrigin origin = CameraOrigin::config;
  std::string node;     // the node that records it (config node.id); empty when written: this node
  bool managed() const { return origin != CameraOrigin::discovered; }
  bool operator==(const Camera&) const = default;
};

// camera_<id> by default.
class CameraNaming {
 public:
  explicit CameraNaming(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string path_for(std::string_view id) const { return prefix_ + std::string(id); }
  // The id a path maps to: the part after the prefix when that is a valid id, otherwise the path
  // with '/' written as '~' (path names never hold '~', so the mapping is reversible).
  std::string id_for(std::string_view path) const;

 private:
  std::string prefix_;
};

struct StreamBases {
  std::string rtsp, hls, webrtc, playback;
};

struct StreamUrlSet {
  std::string webrtc, whep, hls, ll_hls, rtsp, playback, snapshot;
};

// URLs of a camera's MediaMTX path. LL-HLS is MediaMTX's default HLS variant, served through the
// same index.m3u8 (there is no ll.m3u8).
StreamUrlSet stream_urls(const StreamBases& bases, std::string_view path, std::string_view camera_id);

}  // namespace hs
