#pragma once
// Nodes sharing one index (issue 10): each hook-server + MediaMTX pair registers itself with the
// URLs clients reach it at. The operations are methods of Reader and Writer (index/transaction.hpp),
// implemented in index/nodes.cpp.
#include <string>

#include "domain/camera.hpp"
#include "util/time.hpp"

namespace hs::nodes {

struct Node {
  std::string id;
  std::string api_url;  // this node's hook-server, as clients reach it
  StreamBases streams;  // its MediaMTX's RTSP, HLS, WebRTC and playback bases
  TimePoint started;
  TimePoint seen;       // last heartbeat
  std::string instance; // the process that registered it last (random per start)
};

}  // namespace hs::nodes
