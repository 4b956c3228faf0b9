#pragma once
// The URLs a viewer token opens, per camera, each ready to use as its protocol needs the token
// (docs/access.md, "Facts"): MediaMTX reads a query token only on RTSP/RTMP, so
//   rtsp      rtsp://…/camera_1?token=<jwt>                  (the token is in the URL)
//   whep      POST …:8889/camera_1/whep                       Authorization: Bearer <jwt>
//   webrtc    …:8889/camera_1/  (MediaMTX's page)             the browser asks: any user, the token as password
//   hls       …:8888/camera_1/index.m3u8                      Authorization: Bearer <jwt> (hls.js xhrSetup)
//   playback  …:9996/list?path=camera_1                       Authorization: Bearer <jwt>
//   snapshot  /api/cameras/1/snapshot.jpg (hook-server)       Authorization: Bearer <jwt>
// Only the URLs of granted actions are listed: read gives rtsp, whep, webrtc, hls, snapshot;
// playback gives playback.
#include <nlohmann/json.hpp>
#include <string>

#include "access/grant.hpp"
#include "domain/camera.hpp"

namespace hs::access {

// How to present the token, one sentence: the "auth" member of each camera's links.
extern const char* const kTokenAuthHelp;

// {"rtsp", "whep", "webrtc", "hls", "playback", "snapshot", "auth"} for one camera of the grant,
// from its URLs (stream_urls, on the camera's node).
nlohmann::json token_links(const Grant& grant, const StreamUrlSet& urls, const std::string& token);

}  // namespace hs::access
