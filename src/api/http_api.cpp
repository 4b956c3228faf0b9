// The HTTP surface: limits, error handlers, CORS, and the route table registered with the access
// check in front of every handler.
#include "api/http_api.hpp"

#include <fmt/format.h>

#include "access/issuer.hpp"
#include "access/signing_key.hpp"
#include "api/cors.hpp"
#include "api/http_util.hpp"
#include "api/route_table.hpp"
#include "metrics/metrics.hpp"
#include "util/error.hpp"

namespace hs {

NodeLinks node_links(ApiContext& ctx, std::string_view node) {
  if (ctx.nodes) return ctx.nodes->links(node);
  return own_node_links(ctx.config);
}

bool redirect_to_node(ApiContext& ctx, const Call& call, std::string_view node) {
  auto links = node_links(ctx, node);
  if (links.self) return false;
  if (!links.known || links.api_url.empty())
    throw Unavailable(fmt::format("node {} holds this and is not registered in the index (has it started?)", quote(node)));
  // 307 keeps the method and body. The client asks the owner itself: the bytes do not pass
  // through this node, and a capture of up to snapshots.timeout holds no worker here.
  call.res.status = 307;
  call.res.set_header("Location", links.api_url + call.req.target);
  call.res.set_content(nlohmann::json{{"error", fmt::format("camera is on node {}", quote(node))}, {"node", links.id},
                                      {"location", links.api_url + call.req.target}}.dump(),
                       "application/json");
  return true;
}

cameras::Row camera_or_404(Reader& r, const std::string& id) {
  auto row = r.camera(id);
  if (!row) throw NotFound(fmt::format("camera {} not found", quote(id)));
  return *row;
}

Caller authenticate(const httplib::Request& req, const Config& config, access::Issuer* issuer) {
  const auto& admin = config.server.api_token;
  const bool open = !config.access.jwt();
  if (!req.has_header("Authorization")) {
    if (open) return admin.empty() ? Caller::admin_caller() : Caller::open_reader();
    return Caller::anonymous();
  }
  // cpp-httplib refuses a header line over 8 KiB itself (400); a token is at most
  // access::kMaxTokenBytes.
  auto header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || std::string_view(header).substr(0, kBearer.size()) != kBearer)
    throw Unauthorized(fmt::format("Authorization: expected \"Bearer <token>\", got {}", quote(header.substr(0, 16))));
  auto token = std::string_view(header).substr(kBearer.size());
  if (!admin.empty() && access::same_secret(token, admin)) return Caller::admin_caller();
  // Not the admin token: a viewer token, or nothing. A JWT has two dots; anything else is named as
  // a wrong admin token (never echoed).
  if (token.find('.') == std::string_view::npos || !issuer) throw Unauthorized("Authorization: not the admin token (server.api_token) and not a viewer token");
  return Caller::viewer(issuer->verify(token));
}

namespace {

// A viewer token on a route that is for the admin (or the local machine) only.
Forbidden viewer_refused(const Route& route) {
  return Forbidden(fmt::format("{} {} is for the admin token (server.api_token); a viewer token cannot use it", route.method, route.pattern));
}

}  // namespace

void check_access(const Route& route, const Call& call) {
  const Caller& caller = call.caller;
  switch (route.need) {
    case Need::local:
      // A viewer token is refused even from this machine: it was given for cameras, not this.
      if (caller.is_admin() || (!caller.grant() && is_loopback(call.req.remote_addr))) return;
      if (!caller.grant()) throw Unauthorized(fmt::format("{} {}: only from this machine, or with \"Authorization: Bearer <admin token>\"", route.method, route.pattern));
      throw viewer_refused(route);
    case Need::anyone:
    case Need::hook:  // the handler checks X-Hook-Secret / loopback
      return;
    case Need::admin:
      if (caller.is_admin()) return;
      // access.mode open: reads stay open, as before access control existed.
      if (caller.reads_everything() && route.method == "GET") return;
      if (!caller.grant()) throw Unauthorized("this endpoint needs \"Authorization: Bearer <admin token>\"");
      throw viewer_refused(route);
    case Need::viewer:
      // Nobody, or in access.mode open a caller without credentials on a route that mutates.
      if (caller.is_anonymous() || (!caller.grant() && !caller.may("", route.action))) throw Unauthorized("this endpoint needs \"Authorization: Bearer <token>\": the admin token or a viewer token (POST /api/tokens)");
      if (route.camera_in_path) {
        auto id = call.req.matches[1].str();
        caller.require(id, route.action, fmt::format("camera {}", quote(id)));
      }
      return;
  }
}

void install_api(httplib::Server& server, ApiContext& ctx) {
  server.set_payload_max_length(ctx.config.server.max_body_bytes);
  // cpp-httplib writes a response's headers and body separately; with Nagle's algorithm on, a
  // keep-alive client's delayed ACK then stalls every response by ~40 ms (bench/ingest.sh).
  server.set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default; reconnecting costs more
  // than most requests (accept, a pool hand-off, a new thread wake-up). The cap still rotates
  // connections through the worker pool.
  server.set_keep_alive_max_count(100);
  // An idle keep-alive connection holds a worker, and a stopping server waits for it (cpp-httplib
  // checks for the stop only between requests): 1 s instead of 5 bounds both.
  server.set_keep_alive_timeout(1);
  server.set_error_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) json_error(res, 404, fmt::format("no such endpoint: {} {}", req.method, quote(req.path)));
    else if (res.status == 413)
      json_error(res, 413, fmt::format("request body larger than {} bytes (server.max_body_bytes)", ctx.config.server.max_body_bytes));
    else if (res.status == 400)
      json_error(res, 400, "bad request: a malformed request line or header, or one longer than 8192 bytes");
    else json_error(res, res.status, fmt::format("HTTP {}", res.status));
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    json_error(res, 500, "internal error");
  });

  install_cors(server, ctx.config.server.cors_origins);

  for (const Route& route : api_routes()) {
    auto guarded = guard([&ctx, &route](const httplib::Request& req, httplib::Response& res) {
      // A hook never carries a token; the hook client is checked by its own rule.
      auto caller = route.need == Need::hook ? Caller::anonymous() : authenticate(req, ctx.config, ctx.issuer);
      Call call{req, res, caller};
      check_access(route, call);
      route.handler(ctx, call);
    });
    auto handler = [&ctx, &route, guarded = std::move(guarded)](const httplib::Request& req, httplib::Response& res) {
      auto started = std::chrono::steady_clock::now();
      guarded(req, res);
      if (ctx.metrics)
        ctx.metrics->observe_request(route.method, route.pattern, res.status,
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    };
    std::string pattern(route.pattern);
    if (route.method == "GET") server.Get(pattern, std::move(handler));
    else if (route.method == "POST") server.Post(pattern, std::move(handler));
    else if (route.method == "PATCH") server.Patch(pattern, std::move(handler));
    else if (route.method == "DELETE") server.Delete(pattern, std::move(handler));
    else throw Error(fmt::format("route table: method {} of {} is not supported", route.method, route.pattern));
  }
}

}  // namespace hs
