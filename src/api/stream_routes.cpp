// Stream routes. All mutate, so all need the API token when one is configured.
#include "api/stream_routes.hpp"

#include <fmt/format.h>

#include "api/http_api.hpp"
#include "api/http_util.hpp"
#include "api/json_views.hpp"
#include "streams/stream_admin.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

std::optional<std::string> string_field(const nlohmann::json& body, const char* name, bool required = false) {
  auto it = body.find(name);
  if (it == body.end()) {
    if (required) throw BadInput(fmt::format("{}: missing", name));
    return std::nullopt;
  }
  if (!it->is_string()) throw BadInput(fmt::format("{}: expected a string, got {}", name, it->dump()));
  return it->get<std::string>();
}

std::optional<bool> bool_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->is_boolean()) throw BadInput(fmt::format("{}: expected true or false, got {}", name, it->dump()));
  return it->get<bool>();
}

nlohmann::json result_json(const Config& config, const StreamAdmin::Result& r) {
  auto urls = stream_urls(stream_bases(config), r.camera.path, r.camera.id);
  nlohmann::json j{{"camera_id", r.camera.id},  {"path", r.camera.path},     {"name", r.camera.name},
                   {"plan", r.camera.plan},     {"record", r.camera.record}, {"webrtc_url", urls.webrtc},
                   {"whep_url", urls.whep},     {"hls_url", urls.hls},       {"ll_hls_url", urls.ll_hls},
                   {"rtsp_url", urls.rtsp},     {"snapshot_url", urls.snapshot}, {"playback_url", urls.playback},
                   {"mediamtx_config_written", r.config_written}, {"applied", r.applied}};
  if (!r.apply_error.empty()) j["apply_error"] = r.apply_error;
  return j;
}

}  // namespace

void install_stream_routes(httplib::Server& server, ApiContext& ctx) {
  server.Post("/api/streams", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    require_token(req, ctx.config);
    auto body = json_body(req);
    reject_unknown_fields(body, {"camera_id", "stream_url", "name", "plan", "record"});
    StreamAdmin::StartRequest r{*string_field(body, "camera_id", true), *string_field(body, "stream_url", true),
                                string_field(body, "name"), string_field(body, "plan"), bool_field(body, "record")};
    auto result = ctx.streams.start(r);
    json_reply(res, result.created ? 201 : 200, result_json(ctx.config, result));
  }));

  server.Delete(R"(/api/streams/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    require_token(req, ctx.config);
    auto result = ctx.streams.stop(req.matches[1].str());
    auto j = result_json(ctx.config, result);
    j["status"] = "stopped";
    json_reply(res, 200, j);
  }));

  server.Patch(R"(/api/cameras/([^/]+))", guard([&ctx](const httplib::Request& req, httplib::Response& res) {
    require_token(req, ctx.config);
    auto body = json_body(req);
    reject_unknown_fields(body, {"name", "plan", "record"});
    StreamAdmin::Changes ch{string_field(body, "name"), string_field(body, "plan"), bool_field(body, "record")};
    auto result = ctx.streams.update(req.matches[1].str(), ch);
    json_reply(res, 200, result_json(ctx.config, result));
  }));
}

}  // namespace hs
