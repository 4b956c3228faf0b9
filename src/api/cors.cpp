// CORS pre- and post-routing handlers (cors.hpp states the policy).
#include "api/cors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "api/http_util.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

constexpr const char* kMethods = "GET, POST, PATCH, DELETE";
constexpr const char* kHeaders = "Authorization, Content-Type, If-None-Match";
constexpr const char* kExposed = "ETag, X-Snapshot-Time, X-Snapshot-Age-Ms, X-Snapshot-Stale, X-Snapshot-Error, WWW-Authenticate";

}  // namespace

void install_cors(httplib::Server& server, std::vector<std::string> origins) {
  auto allowed = std::make_shared<const std::vector<std::string>>(std::move(origins));
  auto listed = [allowed](const std::string& origin) {
    return !origin.empty() && std::find(allowed->begin(), allowed->end(), origin) != allowed->end();
  };
  server.set_pre_routing_handler([listed](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "OPTIONS" || !req.has_header("Origin") || !req.has_header("Access-Control-Request-Method"))
      return httplib::Server::HandlerResponse::Unhandled;
    auto origin = req.get_header_value("Origin");
    res.set_header("Vary", "Origin");
    if (!listed(origin)) {
      json_error(res, 403, fmt::format("origin {} is not in server.cors_origins", quote(origin)));
      return httplib::Server::HandlerResponse::Handled;
    }
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Allow-Methods", kMethods);
    res.set_header("Access-Control-Allow-Headers", kHeaders);
    res.set_header("Access-Control-Max-Age", "600");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_post_routing_handler([listed](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Origin")) return;
    res.set_header("Vary", "Origin");
    auto origin = req.get_header_value("Origin");
    if (!listed(origin)) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Expose-Headers", kExposed);
  });
}

}  // namespace hs
