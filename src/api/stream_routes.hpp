#pragma once
// Routes for the stream use cases: POST /api/streams, DELETE /api/streams/{id},
// PATCH /api/cameras/{id}.
#include <httplib.h>

namespace hs {

struct ApiContext;
void install_stream_routes(httplib::Server& server, ApiContext& ctx);

}  // namespace hs
