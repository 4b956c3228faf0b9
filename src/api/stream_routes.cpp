// Stream routes (admin only).
#include "api/stream_routes.hpp"

#include <fmt/format.h>

#include "api/http_api.hpp"
#include "api/http_util.hpp"
#include "access/grant.hpp"
#include "api/json_views.hpp"
#include "api/token_routes.hpp"
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

nlohmann::json result_json(ApiContext& ctx, const StreamAdmin::Result& r) {
  auto urls = camera_urls(node_links(ctx, r.camera.node), r.camera.path, r.camera.id);
  nlohmann::json j{{"camera_id", r.camera.id},  {"path", r.camera.path},     {"name", r.camera.name},
                   {"plan", r.camera.plan},     {"record", r.camera.record}, {"webrtc_url", urls.webrtc},
                   {"whep_url", urls.whep},     {"hls_url", urls.hls},       {"ll_hls_url", urls.ll_hls},
                   {"rtsp_url", urls.rtsp},     {"snapshot_url", urls.snapshot}, {"playback_url", urls.playback},
                   {"mediamtx_config_written", r.config_written}, {"applied", r.applied}, {"node", r.camera.node}};
  if (!r.apply_error.empty()) j["apply_error"] = r.apply_error;
  // That node writes its MediaMTX config and hot-applies within seconds (docs/nodes.md).
  if (r.on_other_node) j["applied_by"] = r.camera.node;
  return j;
}

}  // namespace

namespace {

// The viewer_token member of POST /api/streams, as a POST /api/tokens request for this camera.
// Validated before anything changes; throws BadInput naming "viewer_token.<field>".
std::optional<nlohmann::json> viewer_token_request(ApiContext& ctx, const nlohmann::json& body, const std::string& camera_id) {
  auto it = body.find("viewer_token");
  if (it == body.end()) return std::nullopt;
  if (!it->is_object()) throw BadInput(fmt::format("viewer_token: expected an object, got {}", it->dump()));
  if (it->contains("cameras")) throw BadInput("viewer_token.cameras: not allowed here: the token is for the camera being started");
  auto request = *it;
  request["cameras"] = nlohmann::json::array({camera_id});
  const auto& a = ctx.config.access;
  access::parse_token_request(request, {{camera_id, ""}}, {a.default_ttl, a.max_ttl}, ctx.clock.now(), "viewer_token.");
  return request;
}

}  // namespace

void post_stream(ApiContext& ctx, const Call& call) {
  auto body = json_body(call.req);
  reject_unknown_fields(body, {"camera_id", "stream_url", "name", "plan", "record", "node", "viewer_token"});
  StreamAdmin::StartRequest r{*string_field(body, "camera_id", true), *string_field(body, "stream_url", true),
                              string_field(body, "name"),           string_field(body, "plan"),
                              bool_field(body, "record"),           string_field(body, "node")};
  auto token_request = viewer_token_request(ctx, body, r.camera_id);
  auto result = ctx.streams.start(r);
  auto reply = result_json(ctx, result);
  if (token_request) {
    auto token = issue_viewer_token(ctx, *token_request, "viewer_token.");
    // The tokenised variants of the URLs above, beside them.
    reply["viewer_token"] = {{"token", token["token"]}, {"expires_at", token["expires_at"]},
                             {"subject", token["subject"]}, {"actions", token["actions"]},
                             {"urls", token["cameras"][result.camera.id]}};
  }
  json_reply(call.res, result.created ? 201 : 200, reply);
}

void delete_stream(ApiContext& ctx, const Call& call) {
  auto result = ctx.streams.stop(call.req.matches[1].str());
  auto j = result_json(ctx, result);
  j["status"] = "stopped";
  json_reply(call.res, 200, j);
}

void patch_camera(ApiContext& ctx, const Call& call) {
  auto body = json_body(call.req);
  reject_unknown_fields(body, {"name", "plan", "record", "node"});
  StreamAdmin::Changes ch{string_field(body, "name"), string_field(body, "plan"), bool_field(body, "record"),
                          string_field(body, "node")};
  auto result = ctx.streams.update(call.req.matches[1].str(), ch);
  json_reply(call.res, 200, result_json(ctx, result));
}

}  // namespace hs
