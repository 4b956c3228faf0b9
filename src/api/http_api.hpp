#pragma once
// The HTTP surface: POST /hooks/<event> for the hook client and the JSON API for frontends.
// Every handler turns errors into {"error": "..."} with the right status; no exception reaches
// httplib's threads. Bodies above server.max_body_bytes get 413.
#include <httplib.h>

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>

#include "api/page_cache.hpp"
#include "api/timeline_days.hpp"
#include "cluster/node_directory.hpp"
#include "config/config.hpp"
#include "index/database.hpp"
#include "ingest/hook_ingest.hpp"
#include "index/cameras.hpp"
#include "ingest/reconciler.hpp"

namespace hs {

namespace access {
class Issuer;
}
class Spool;
class SnapshotService;
class Retention;
class StreamAdmin;
class Metrics;
class StallWatchdog;

struct ApiContext {
  const Config& config;
  Database& db;
  HookIngest& ingest;
  Spool& spool;
  const Clock& clock;
  TimePoint started;
  Retention& retention;
  StreamAdmin& streams;
  // Filled by the background worker; read by /api/health.
  std::function<nlohmann::json()> worker_status;
  // Set by ServerApp::run() before serving; null when snapshots are not running.
  SnapshotService* snapshots = nullptr;
  // The stall watchdog (set by ServerApp): stalled cameras in /api/health, recording_state in the
  // camera JSON. Null: neither.
  const StallWatchdog* watchdog = nullptr;
  // Signs and verifies tokens; publishes the JWKS.
  access::Issuer* issuer = nullptr;
  // Counts requests, hooks and snapshots for GET /metrics; null in tests that do not need it.
  Metrics* metrics = nullptr;
  // Rendered recordings pages, reused while their camera's segments are unchanged.
  std::shared_ptr<PageCache> pages = std::make_shared<PageCache>(8u << 20);
  // Whole days of segments folded for timelines, reused while each day's rows are unchanged.
  std::shared_ptr<TimelineDays> timeline_days = std::make_shared<TimelineDays>();
  // The other nodes sharing the index (set by ServerApp). Null: this node is the only one.
  NodeDirectory* nodes = nullptr;
};


// Registers every route on `server` and sets its limits and error handlers.
void install_api(httplib::Server& server, ApiContext& ctx);
class Caller;
struct Call;
struct Route;
// Links of `node` ("" or this node: relative links, the config's stream bases).
NodeLinks node_links(ApiContext& ctx, std::string_view node);
// A request that needs the files or the stream of `node` when this is another node: answers 307
// with Location on that node (same path and query) and returns true. An unregistered node: throws
// Unavailable naming it. This node: false.
bool redirect_to_node(ApiContext& ctx, const Call& call, std::string_view node);
// The playback base of each segment's node, looked up once per node of a listing.
class PlaybackBases {
 public:
  explicit PlaybackBases(ApiContext& ctx) : ctx_(ctx) {}
  const std::string& of(const Segment& s) {
    if (!last_ || s.node != last_node_) {
      last_node_ = s.node;
      last_ = node_links(ctx_, s.node).streams.playback;
    }
    return *last_;
  }

 private:
  ApiContext& ctx_;
  std::string last_node_;
  std::optional<std::string> last_;
};
// Who sent the request (route_table.hpp): the admin token, a verified viewer token, or nobody; in
// access.mode open a request without credentials reads everything (and is the admin when no
// api_token is set). Throws Unauthorized naming what is wrong with the Authorization header.
Caller authenticate(const httplib::Request& req, const Config& config, access::Issuer* issuer);
// Throws Unauthorized (nobody), Forbidden (a viewer on an admin route) or NotFound (a viewer on
// another camera's path) unless the caller may call the route.
void check_access(const Route& route, const Call& call);
// Reads a camera or throws NotFound naming the id.
cameras::Row camera_or_404(Reader& r, const std::string& id);


}  // namespace hs
