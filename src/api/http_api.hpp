#pragma once
// The HTTP surface: POST /hooks/<event> for the hook client and the JSON API for frontends.
// Every handler turns errors into {"error": "..."} with the right status; no exception reaches
// httplib's threads. Bodies above server.max_body_bytes get 413.
#include <httplib.h>

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "index/database.hpp"
#include "ingest/hook_ingest.hpp"
#include "ingest/reconciler.hpp"

namespace hs {

class Spool;

struct ApiContext {
  const Config& config;
  Database& db;
  HookIngest& ingest;
  Spool& spool;
  const Clock& clock;
  TimePoint started;
  // Filled by the background worker; read by /api/health.
  std::function<nlohmann::json()> worker_status;
};

// Registers every route on `server` and sets its limits and error handlers.
void install_api(httplib::Server& server, ApiContext& ctx);

// {"error": message} with `status`.
void json_error(httplib::Response& res, int status, const std::string& message);
void json_reply(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace hs
