#pragma once
// POST /api/tokens (admin): a viewer token for cameras and actions, with the URLs it opens
// ({"token", "expires_at", "subject", "actions", "cameras": {id: links}}).
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/route_table.hpp"

namespace hs {

void post_token(ApiContext& ctx, const Call& call);

// Validates `request` (POST /api/tokens' body) against the cameras that exist now, signs the token
// and returns the reply above. With `field_prefix` "viewer_token." errors name the nested field
// (POST /api/streams asks for a token in the same call). Throws BadInput.
nlohmann::json issue_viewer_token(ApiContext& ctx, const nlohmann::json& request, std::string_view field_prefix = "");

}  // namespace hs
