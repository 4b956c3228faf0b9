#pragma once
// Handlers for the stream use cases: POST /api/streams, DELETE /api/streams/{id},
// PATCH /api/cameras/{id} (admin only: route_table.cpp).
#include "api/route_table.hpp"

namespace hs {

void post_stream(ApiContext& ctx, const Call& call);
void delete_stream(ApiContext& ctx, const Call& call);
void patch_camera(ApiContext& ctx, const Call& call);

}  // namespace hs
