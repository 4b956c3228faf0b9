#pragma once
// Handlers for retention: permanent flags, manual deletion, clips, expiring soon, preview, audit and
// notifications (the table in route_table.cpp says who may call each).
#include "api/route_table.hpp"

namespace hs {

void list_expiring(ApiContext& ctx, const Call& call);
void patch_recording(ApiContext& ctx, const Call& call);
void delete_recording(ApiContext& ctx, const Call& call);
void post_clip(ApiContext& ctx, const Call& call);
void list_clips(ApiContext& ctx, const Call& call);
void get_clip(ApiContext& ctx, const Call& call);
void delete_clip(ApiContext& ctx, const Call& call);
void retention_preview(ApiContext& ctx, const Call& call);
void list_audit(ApiContext& ctx, const Call& call);
void list_notifications(ApiContext& ctx, const Call& call);

}  // namespace hs
