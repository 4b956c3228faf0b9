#pragma once
// Routes for retention: permanent flags, manual deletion, clips, expiring soon, preview, audit and
// notifications.
#include <httplib.h>

namespace hs {

struct ApiContext;
void install_retention_routes(httplib::Server& server, ApiContext& ctx);

}  // namespace hs
