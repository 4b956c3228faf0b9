#pragma once
// POST /api/tokens (admin): a viewer token for cameras and actions, with the URLs it opens
// (contracts: {"token", "expires_at", "subject", "actions", "cameras": {id: links}}).
#include <httplib.h>

namespace hs {

struct ApiContext;
void install_token_routes(httplib::Server& server, ApiContext& ctx);

}  // namespace hs
