// Routes of the hook endpoint and the first part of the JSON API (cameras, recordings, health).
#include "api/http_api.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "access/issuer.hpp"
#include "api/cors.hpp"
#include "api/health_alerts.hpp"
#include "api/http_util.hpp"
#include "api/json_views.hpp"
#include "api/retention_routes.hpp"
#include "api/stream_routes.hpp"
#include "api/token_routes.hpp"
#include "hooks/hook_payload.hpp"
#include "hooks/spool.hpp"
#include "retention/retention.hpp"
#include "snapshot/snapshot_http.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

namespace {

bool loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

}  // namespace

cameras::Row camera_or_404(Reader& r, const std::string& id) {
  auto row = r.camera(id);
  if (!row) throw NotFound(fmt::format("camera {} not found", quote(id)));
  return *row;
}


namespace {

// A day of one-minute segments (1,440) fits one page.
constexpr int kMaxRecordingsPage = 5000;


}  // namespace

void install_api(httplib::Server& server, ApiContext& ctx) {
  server.set_payload_max_length(ctx.config.server.max_body_bytes);
  // cpp-httplib writes a response's headers and body separately; with Nagle's algorithm on, a
  // keep-alive client's delayed ACK then stalls every response by ~40 ms (bench/ingest.sh).
  server.set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default; reconnecting costs more
  // than most requests (accept, a pool hand-off, a new thread wake-up). The cap still rotates
  // connections through the worker pool.
  server.set_keep_alive_max_count(100);
  server.set_error_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) json_error(res, 404, fmt::format("no such endpoint: {} {}", req.method, quote(req.path)));
    else if (res.status == 413)
      json_error(res, 413, fmt::format("request body larger than {} bytes (server.max_body_bytes)", ctx.config.server.max_body_bytes));
    else json_error(res, res.status, fmt::format("HTTP {}", res.status));
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    json_error(res, 500, "internal error");
  });

  install_cors(server, ctx.config.server.cors_origins);

  // The public keys MediaMTX verifies viewer tokens with (authJWTJWKS): open to anyone.
  server.Get("/.well-known/jwks.json", guard([&ctx](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    json_reply(res, 200, ctx.issuer->jwks());
  }));

  // Before the generic /api/recordings/{id} route, which would take "expiring" for an id.
  install_retention_routes(server, ctx);
  install_stream_routes(server, ctx);
  install_token_routes(server, ctx);

  server.Post(R"(/hooks/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    const auto& secret = ctx.config.server.hook_secret;
    if (!secret.empty()) {
      if (!access::same_secret(req.get_header_value("X-Hook-Secret"), secret))
        throw Unauthorized("hook: missing or wrong X-Hook-Secret header");
    } else if (!loopback(req.remote_addr)) {
      res.status = 403;
      json_error(res, 403, fmt::format("hook: only loopback callers are accepted without server.hook_secret, got {}", quote(req.remote_addr)));
      return;
    }
    auto kind = parse_hook_kind(req.matches[1].str());
    if (!kind) throw NotFound(fmt::format("unknown hook event {}", quote(req.matches[1].str())));
    auto event = parse_hook_payload(json_body(req), kind, ctx.clock.now());
    auto out = ctx.ingest.apply(event);
    nlohmann::json reply{{"status", "ok"}, {"changed", out.changed}, {"camera_id", out.camera_id}};
    if (out.segment_id) reply["segment_id"] = *out.segment_id;
    json_reply(res, 200, reply);
  }));

  server.Get("/api/health", guard([&ctx](const httplib::Request&, httplib::Response& res) {
    auto now = ctx.clock.now();
    auto alerts = health_alerts(ctx);
    nlohmann::json body{{"status", alerts.empty() ? "ok" : "degraded"},
                        {"alerts", std::move(alerts)},
                        {"version", HOOK_SERVER_VERSION},
                        {"started", format_rfc3339_ms(ctx.started)},
                        {"uptime_s", to_seconds(now - ctx.started)},
                        {"spool_pending_bytes", ctx.spool.pending_bytes()},
                        {"schema_version", ctx.db.schema_version()}};
    if (ctx.worker_status) body["worker"] = ctx.worker_status();
    json_reply(res, 200, body);
  }));

  server.Get("/api/cameras", guard([&ctx](const httplib::Request&, httplib::Response& res) {
    nlohmann::json list = nlohmann::json::array();
    auto r = ctx.db.snapshot();
    for (const auto& row : r.all_cameras()) list.push_back(camera_json(ctx.config, row, r.segment_summary(row.camera.id), recording_state_of(ctx, row)));
    json_reply(res, 200, {{"cameras", std::move(list)}});
  }));

  server.Get(R"(/api/cameras/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    auto id = req.matches[1].str();
    auto r = ctx.db.reader();
    auto row = camera_or_404(r, id);
    json_reply(res, 200, camera_json(ctx.config, row, r.segment_summary(id), recording_state_of(ctx, row)));
  }));

  server.Get(R"(/api/cameras/([^/]+)/snapshot\.jpg)", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    if (!ctx.snapshots) throw Error("snapshots are not running");
    serve_snapshot(*ctx.snapshots, ctx.db, ctx.clock, req.matches[1].str(), req, res);
  }));

  server.Get(R"(/api/cameras/([^/]+)/recordings)", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
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
        for (size_t i = 0; i < page.items.size(); ++i) {
          if (i) out += ',';
          append_segment_json(out, ctx.config, row.camera, page.items[i]);
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
  }));

  server.Get(R"(/api/recordings/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    auto id = id_from_path(req.matches[1].str(), "recording");
    auto r = ctx.db.reader();
    auto seg = r.segment(id);
    if (!seg || seg->state == SegmentState::deleting) throw NotFound(fmt::format("recording {} not found", id));
    auto row = camera_or_404(r, seg->camera_id);
    json_reply(res, 200, segment_json(ctx.config, row.camera, *seg));
  }));

  server.Get("/api/events", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    int limit = int_param(req, "limit", 100, 1, 1000);
    auto camera = param(req, "camera");
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : ctx.db.reader().recent_events(limit, camera)) items.push_back(event_json(e));
    json_reply(res, 200, {{"events", std::move(items)}});
  }));
}

}  // namespace hs
