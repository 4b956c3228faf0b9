// The token route: validate the request against the indexed cameras, sign, and list the links.
#include "api/token_routes.hpp"

#include "access/issuer.hpp"
#include "access/token_links.hpp"
#include "api/http_api.hpp"
#include "api/http_util.hpp"
#include "api/json_views.hpp"
#include "index/database.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

nlohmann::json issue_viewer_token(ApiContext& ctx, const nlohmann::json& request, std::string_view field_prefix) {
  // Cameras that exist now (removed ones cannot be granted): id -> MediaMTX path.
  access::CameraPaths paths;
  std::map<std::string, std::string> node_of;
  for (const auto& row : ctx.db.reader().all_cameras()) {
    if (row.removed_at) continue;
    paths.emplace(row.camera.id, row.camera.path);
    node_of.emplace(row.camera.id, row.camera.node);
  }
  const auto& a = ctx.config.access;
  auto grant = access::parse_token_request(request, paths, {a.default_ttl, a.max_ttl}, ctx.clock.now(), field_prefix);
  auto token = ctx.issuer->issue(grant, paths);

  nlohmann::json cams = nlohmann::json::object();
  for (const auto& [id, path] : paths) {
    if (!grant.has_camera(id)) continue;
    // Links on the camera's node (its snapshot absolute when that is another node).
    cams[id] = access::token_links(grant, camera_urls(node_links(ctx, node_of[id]), path, id), token);
  }
  nlohmann::json actions = nlohmann::json::array();
  for (auto action : grant.actions) actions.push_back(access::action_name(action));
  log::get("access")->info("token {} issued to {} for {} camera(s), {} until {}", grant.jti, quote(grant.subject),
                           grant.all_cameras ? std::string("every") : std::to_string(grant.cameras.size()), actions.dump(),
                           format_rfc3339_ms(grant.expires));
  return {{"token", token},
          {"expires_at", format_rfc3339_ms(grant.expires)},
          {"subject", grant.subject},
          {"actions", std::move(actions)},
          {"cameras", std::move(cams)}};
}

void post_token(ApiContext& ctx, const Call& call) {
  json_reply(call.res, 201, issue_viewer_token(ctx, json_body(call.req)));
}

}  // namespace hs
