// Routes of the hook endpoint and the first part of the JSON API (cameras, recordings, health).
#include "api/http_api.hpp"

#include <fmt/format.h>

#include "api/json_views.hpp"
#include "hooks/hook_payload.hpp"
#include "hooks/spool.hpp"
#include "index/cameras.hpp"
#include "index/events.hpp"
#include "index/segments.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

void json_reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void json_error(httplib::Response& res, int status, const std::string& message) {
  json_reply(res, status, {{"error", message}});
}

namespace {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

Handler guard(Handler fn) {
  return [fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    try {
      fn(req, res);
    } catch (const BadInput& e) {
      json_error(res, 400, e.what());
    } catch (const Unauthorized& e) {
      json_error(res, 401, e.what());
    } catch (const NotFound& e) {
      json_error(res, 404, e.what());
    } catch (const Conflict& e) {
      json_error(res, 409, e.what());
    } catch (const std::exception& e) {
      log::get("api")->error("{} {}: {}", req.method, req.path, e.what());
      json_error(res, 500, fmt::format("internal error: {}", e.what()));
    }
  };
}

bool loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::string> param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::optional<TimePoint> time_param(const httplib::Request& req, const char* name) {
  auto v = param(req, name);
  if (!v) return std::nullopt;
  try {
    return parse_rfc3339(*v);
  } catch (const BadInput& e) {
    throw BadInput(fmt::format("{}: {}", name, e.what()));
  }
}

int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi) {
  auto v = param(req, name);
  if (!v) return fallback;
  size_t used = 0;
  int x = 0;
  try {
    x = std::stoi(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size() || x < lo || x > hi)
    throw BadInput(fmt::format("{}: expected an integer from {} to {}, got {}", name, lo, hi, quote(*v)));
  return x;
}

cameras::Row camera_or_404(SQLite::Database& r, const std::string& id) {
  auto row = cameras::get(r, id);
  if (!row) throw NotFound(fmt::format("camera {} not found", quote(id)));
  return *row;
}

}  // namespace

void install_api(httplib::Server& server, ApiContext& ctx) {
  server.set_payload_max_length(ctx.config.server.max_body_bytes);
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

  server.Post(R"(/hooks/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    const auto& secret = ctx.config.server.hook_secret;
    if (!secret.empty()) {
      if (!same_secret(req.get_header_value("X-Hook-Secret"), secret))
        throw Unauthorized("hook: missing or wrong X-Hook-Secret header");
    } else if (!loopback(req.remote_addr)) {
      res.status = 403;
      json_error(res, 403, fmt::format("hook: only loopback callers are accepted without server.hook_secret, got {}", quote(req.remote_addr)));
      return;
    }
    auto kind = parse_hook_kind(req.matches[1].str());
    if (!kind) throw NotFound(fmt::format("unknown hook event {}", quote(req.matches[1].str())));
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(req.body);
    } catch (const nlohmann::json::parse_error& e) {
      throw BadInput(fmt::format("body: not JSON: {}", e.what()));
    }
    auto event = parse_hook_payload(body, kind, ctx.clock.now());
    auto out = ctx.ingest.apply(event);
    nlohmann::json reply{{"status", "ok"}, {"changed", out.changed}, {"camera_id", out.camera_id}};
    if (out.segment_id) reply["segment_id"] = *out.segment_id;
    json_reply(res, 200, reply);
  }));

  server.Get("/api/health", guard([&ctx](const httplib::Request&, httplib::Response& res) {
    auto now = ctx.clock.now();
    nlohmann::json body{{"status", "ok"},
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
    ctx.db.read([&](SQLite::Database& r) {
      for (const auto& row : cameras::list(r)) list.push_back(camera_json(ctx.config, row, segments::summary(r, row.camera.id)));
    });
    json_reply(res, 200, {{"cameras", std::move(list)}});
  }));

  server.Get(R"(/api/cameras/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    auto id = req.matches[1].str();
    auto body = ctx.db.read([&](SQLite::Database& r) {
      auto row = camera_or_404(r, id);
      return camera_json(ctx.config, row, segments::summary(r, id));
    });
    json_reply(res, 200, body);
  }));

  server.Get(R"(/api/cameras/([^/]+)/recordings)", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    auto id = req.matches[1].str();
    auto from = time_param(req, "from");
    auto to = time_param(req, "to");
    if (from && to && *to <= *from)
      throw BadInput(fmt::format("to: must be after from, got from={} to={}", quote(*param(req, "from")), quote(*param(req, "to"))));
    int limit = int_param(req, "limit", 100, 1, 1000);
    auto cursor = param(req, "cursor");
    auto body = ctx.db.read([&](SQLite::Database& r) {
      auto row = camera_or_404(r, id);
      auto page = segments::range(r, id, from, to, limit, cursor, ctx.clock.now());
      nlohmann::json items = nlohmann::json::array();
      for (const auto& s : page.items) items.push_back(segment_json(ctx.config, row.camera, s));
      nlohmann::json out{{"camera_id", id}, {"recordings", std::move(items)}, {"next_cursor", nullptr}};
      if (page.next_cursor) out["next_cursor"] = *page.next_cursor;
      return out;
    });
    json_reply(res, 200, body);
  }));

  server.Get(R"(/api/recordings/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    auto raw = req.matches[1].str();
    std::int64_t id = 0;
    size_t used = 0;
    try {
      id = std::stoll(raw, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != raw.size() || id <= 0) throw BadInput(fmt::format("id: expected a recording id (a positive integer), got {}", quote(raw)));
    auto body = ctx.db.read([&](SQLite::Database& r) {
      auto seg = segments::get(r, id);
      if (!seg || seg->state == SegmentState::deleting) throw NotFound(fmt::format("recording {} not found", id));
      auto row = camera_or_404(r, seg->camera_id);
      return segment_json(ctx.config, row.camera, *seg);
    });
    json_reply(res, 200, body);
  }));

  server.Get("/api/events", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    int limit = int_param(req, "limit", 100, 1, 1000);
    auto camera = param(req, "camera");
    auto body = ctx.db.read([&](SQLite::Database& r) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& e : events::recent(r, limit, camera)) items.push_back(event_json(e));
      return items;
    });
    json_reply(res, 200, {{"events", std::move(body)}});
  }));
}

}  // namespace hs
