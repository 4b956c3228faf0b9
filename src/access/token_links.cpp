// Per-camera URLs for a viewer token (token_links.hpp lists how each carries it).
#include "access/token_links.hpp"

#include <algorithm>

namespace hs::access {

const char* const kTokenAuthHelp =
    "send \"Authorization: Bearer <token>\" with whep, hls, playback and snapshot; rtsp carries the token in its URL; "
    "the webrtc page asks for credentials: any user name, the token as password";

nlohmann::json token_links(const Grant& grant, const StreamUrlSet& urls, const std::string& token) {
  auto has = [&](Action a) { return std::find(grant.actions.begin(), grant.actions.end(), a) != grant.actions.end(); };
  nlohmann::json out = nlohmann::json::object();
  if (has(Action::read)) {
    out["rtsp"] = urls.rtsp + "?token=" + token;
    out["whep"] = urls.whep;
    out["webrtc"] = urls.webrtc;
    out["hls"] = urls.hls;
    out["snapshot"] = urls.snapshot;
  }
  if (has(Action::playback)) out["playback"] = urls.playback;
  out["auth"] = kTokenAuthHelp;
  return out;
}

}  // namespace hs::access
