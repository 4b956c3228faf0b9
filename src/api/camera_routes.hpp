#pragma once
// Handlers of the hook endpoint, health, cameras, recordings and events (the table in
// route_table.cpp says who may call each).
#include "api/route_table.hpp"

namespace hs {

void get_jwks(ApiContext& ctx, const Call& call);
void post_hook(ApiContext& ctx, const Call& call);
void get_health(ApiContext& ctx, const Call& call);
void list_cameras(ApiContext& ctx, const Call& call);
void get_camera(ApiContext& ctx, const Call& call);
void get_snapshot(ApiContext& ctx, const Call& call);
void list_recordings(ApiContext& ctx, const Call& call);
void get_recording(ApiContext& ctx, const Call& call);
void list_events(ApiContext& ctx, const Call& call);

}  // namespace hs
