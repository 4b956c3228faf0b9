// Handlers of the hook endpoint, health, cameras, recordings and events.
#include "api/camera_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "access/issuer.hpp"
#include "access/signing_key.hpp"
#include "api/health_alerts.hpp"
#include "api/health_routes.hpp"
#include "api/http_api.hpp"
#include "api/http_util.hpp"
#include "api/json_views.hpp"
#include "hooks/hook_payload.hpp"
#include "hooks/spool.hpp"
#include "metrics/metrics.hpp"
#include "retention/retention.hpp"
#include "snapshot/snapshot_http.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

namespace {

// A day of one-minute segments (1,440) fits one page.
constexpr int kMaxRecordingsPage = 5000;

}  // namespace

// The public keys MediaMTX verifies viewer tokens with (authJWTJWKS).
void get_jwks(ApiContext& ctx, const Call& call) {
  call.res.set_header("Cache-Control", "no-cache");
  json_reply(call.res, 200, ctx.issuer->jwks());
}

void post_hook(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  const auto& secret = ctx.config.server.hook_secret;
  if (!secret.empty()) {
    if (!access::same_secret(req.get_header_value("X-Hook-Secret"), secret))
      throw Unauthorized("hook: missing or wrong X-Hook-Secret header");
  } else if (!is_loopback(req.remote_addr)) {
    throw Forbidden(fmt::format("hook: only loopback callers are accepted without server.hook_secret, got {}", quote(req.remote_addr)));
  }
  auto name = req.matches[1].str();
  auto kind = parse_hook_kind(name);
  if (!kind) throw NotFound(fmt::format("unknown hook event {}", quote(name)));
  HookIngest::Outcome out;
  try {
    auto event = parse_hook_payload(json_body(req), kind, ctx.clock.now());
    out = ctx.ingest.apply(event);
    if (ctx.metrics) ctx.metrics->observe_hook_lag(to_seconds(ctx.clock.now() - event.time));
  } catch (const Error&) {
    if (ctx.metrics) ctx.metrics->observe_hook(name, "rejected");
    throw;
  }
  if (ctx.metrics) ctx.metrics->observe_hook(name, out.changed ? "indexed" : "unchanged");
  nlohmann::json reply{{"status", "ok"}, {"changed", out.changed}, {"camera_id", out.camera_id}};
  if (out.segment_id) reply["segment_id"] = *out.segment_id;
  json_reply(call.res, 200, reply);
}

// Open to load balancers' probes; only the admin (or anyone, in access.mode open) sees more than
// the status.
void get_health(ApiContext& ctx, const Call& call) {
  auto now = ctx.clock.now();
  // The disk guard, stalled cameras, plans the disk cannot hold, and the index itself.
  auto alerts = health_alerts(ctx);
  // The index answers or not: down (PostgreSQL unreachable) is a 503, hooks are being spooled.
  nlohmann::json index{{"engine", ctx.config.index.url.empty() ? "sqlite" : "postgresql"}, {"state", "up"}};
  nlohmann::json schema_version = nullptr;
  try {
    schema_version = ctx.db.schema_version();
  } catch (const Unavailable& e) {
    index["state"] = "down";
    index["error"] = e.what();
    alerts.push_back({{"kind", "index"}, {"camera_id", nullptr}, {"since", nullptr},
                      {"message", fmt::format("index unreachable: {}", e.what())}});
  }
  // Readable but not writable (its disk is full): hooks get 503 and are spooled meanwhile.
  if (auto failure = ctx.db.write_failure(); !failure.empty() && index["state"] == "up") {
    index["state"] = "unwritable";
    index["error"] = failure;
    alerts.push_back({{"kind", "index"}, {"camera_id", nullptr}, {"since", nullptr}, {"message", failure}});
  }
  const bool down = index["state"] == "down";
  if (!down) {
    try {
      for (auto& a : storage_alerts(ctx)) alerts.push_back(std::move(a));
    } catch (const Unavailable&) {
      throw;
    } catch (const std::exception& e) {  // e.g. the recordings root is not there (not mounted?)
      alerts.push_back({{"kind", "storage"}, {"camera_id", nullptr}, {"since", nullptr},
                        {"message", fmt::format("no storage report: {}", e.what())}});
    }
  }
  // The nodes sharing the index; one that owns cameras and stopped beating is an alert.
  nlohmann::json nodes = nlohmann::json::array();
  if (!down && ctx.nodes) {
    if (auto conflict = ctx.nodes->conflict(); !conflict.empty())
      alerts.push_back({{"kind", "node"}, {"camera_id", nullptr}, {"since", nullptr}, {"message", conflict}});
    try {
      std::set<std::string> owning;
      for (const auto& row : ctx.db.reader().all_cameras())
        if (!row.removed_at) owning.insert(row.camera.node);
      for (const auto& n : ctx.nodes->all()) {
        const bool self = n.id == ctx.config.node.id;
        const bool alive = self || now - n.seen < NodeDirectory::kAliveFor;
        nodes.push_back({{"id", n.id}, {"url", n.api_url}, {"self", self}, {"alive", alive},
                         {"started", format_rfc3339_ms(n.started)}, {"seen", format_rfc3339_ms(n.seen)}});
        if (!alive && owning.count(n.id))
          alerts.push_back({{"kind", "node"}, {"camera_id", nullptr}, {"since", format_rfc3339_ms(n.seen)},
                            {"message", fmt::format("node {} not seen for {} s: its cameras are not recorded or indexed "
                                                    "meanwhile, and its files not served", quote(n.id),
                                                    std::chrono::duration_cast<std::chrono::seconds>(now - n.seen).count())}});
      }
    } catch (const Unavailable&) {
      throw;
    } catch (const std::exception& e) {
      log::get("api")->warn("health: nodes not listed: {}", e.what());
    }
  }
  const int code = down ? 503 : 200;
  const char* status = down ? "unavailable" : alerts.empty() ? "ok" : "degraded";
  if (!call.caller.reads_everything()) {
    json_reply(call.res, code, {{"status", status}});
    return;
  }
  nlohmann::json body{{"status", status},
                      {"alerts", std::move(alerts)},
                      {"version", HOOK_SERVER_VERSION},
                      {"started", format_rfc3339_ms(ctx.started)},
                      {"uptime_s", to_seconds(now - ctx.started)},
                      {"spool_pending_bytes", ctx.spool.pending_bytes_with_fallback()},
                      {"schema_version", std::move(schema_version)},
                      {"index", std::move(index)},
                      {"node", ctx.config.node.id},
                      {"nodes", std::move(nodes)}};
  if (ctx.worker_status) body["worker"] = ctx.worker_status();
  json_reply(call.res, code, body);
}

void list_cameras(ApiContext& ctx, const Call& call) {
  nlohmann::json list = nlohmann::json::array();
  auto r = ctx.db.snapshot();
  for (const auto& row : r.all_cameras())
    if (call.caller.sees(row.camera.id))
      list.push_back(camera_json(ctx.config, node_links(ctx, row.camera.node), row, r.segment_summary(row.camera.id),
                                 recording_state_of(ctx, row)));
  json_reply(call.res, 200, {{"cameras", std::move(list)}});
}

void get_camera(ApiContext& ctx, const Call& call) {
  auto id = call.req.matches[1].str();
  auto r = ctx.db.reader();
  auto row = camera_or_404(r, id);
  json_reply(call.res, 200, camera_json(ctx.config, node_links(ctx, row.camera.node), row, r.segment_summary(id),
                                       recording_state_of(ctx, row)));
}

void get_snapshot(ApiContext& ctx, const Call& call) {
  if (!ctx.snapshots) throw Error("snapshots are not running");
  {
    auto r = ctx.db.reader();
    auto row = camera_or_404(r, call.req.matches[1].str());
    if (redirect_to_node(ctx, call, row.camera.node)) return;
  }
  serve_snapshot(*ctx.snapshots, ctx.db, ctx.clock, call.req.matches[1].str(), call.req, call.res);
}

void list_recordings(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto id = req.matches[1].str();
  auto from = time_param(req, "from");
  auto to = time_param(req, "to");
  if (from && to && *to <= *from)
    throw BadInput(fmt::format("to: must be after from, got from={} to={}", quote(*param(req, "from")), quote(*param(req, "to"))));
  int limit = int_param(req, "limit", 100, 1, kMaxRecordingsPage);
  auto cursor = param(req, "cursor");
  const auto version = ctx.db.segments_version(id);  // before the rows it vouches for are read
  const auto now = ctx.clock.now();
  std::string key;
  PageCache::Body body;
  bool cacheable = false;
  {
    auto r = ctx.db.reader();
    auto row = camera_or_404(r, id);
    key = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", id, row.camera.path, from ? epoch_us(*from) : 0,
                      to ? epoch_us(*to) : 0, limit, cursor.value_or(""));
    body = ctx.pages->get(key, version);
    cacheable = body != nullptr;
    if (!body) {
      auto page = r.segment_page(id, from, to, limit, cursor, now);
      std::string out = fmt::format("{{\"camera_id\":{},\"next_cursor\":{},\"recordings\":[",
                                    nlohmann::json(id).dump(),
                                    page.next_cursor ? nlohmann::json(*page.next_cursor).dump() : "null");
      out.reserve(out.size() + page.items.size() * 300);
      PlaybackBases playback(ctx);
      for (size_t i = 0; i < page.items.size(); ++i) {
        if (i) out += ',';
        append_segment_json(out, playback.of(page.items[i]), row.camera, page.items[i]);
      }
      out += "]}";
      // A page depends on the clock only through segments still recording (their end is "now"),
      // which a range starting in the future may yet gain: those pages are never reused.
      cacheable = (!from || *from < now) && std::all_of(page.items.begin(), page.items.end(),
                                                        [](const Segment& s) { return s.duration.has_value(); });
      body = std::make_shared<const std::string>(std::move(out));
    }
  }
  if (cacheable) {
    ctx.pages->put(key, version, body);
    // The version restarts with the process; the start time keeps old tags from matching.
    auto etag = fmt::format("\"{}-{}\"", epoch_us(ctx.started), version);
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
  }
  res.status = 200;
  res.set_content_provider(body->size(), "application/json",
                           [body](size_t offset, size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, length);
                           });
}

void get_recording(ApiContext& ctx, const Call& call) {
  auto id = id_from_path(call.req.matches[1].str(), "recording");
  auto r = ctx.db.reader();
  auto seg = r.segment(id);
  if (!seg || seg->state == SegmentState::deleting) throw NotFound(fmt::format("recording {} not found", id));
  call.caller.require(seg->camera_id, access::Action::playback, fmt::format("recording {}", id));
  auto row = camera_or_404(r, seg->camera_id);
  json_reply(call.res, 200, segment_json(node_links(ctx, seg->node).streams.playback, row.camera, *seg));
}

void list_events(ApiContext& ctx, const Call& call) {
  int limit = int_param(call.req, "limit", 100, 1, 1000);
  auto camera = param(call.req, "camera");
  auto r = ctx.db.reader();
  if (camera) camera_or_404(r, *camera);  // a filter naming no camera is a mistake, not an empty list
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : r.recent_events(limit, camera)) items.push_back(event_json(e));
  json_reply(call.res, 200, {{"events", std::move(items)}});
}

}  // namespace hs
