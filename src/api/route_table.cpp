// The route table and the callers it admits.
#include "api/route_table.hpp"

#include <fmt/format.h>

#include "api/camera_routes.hpp"
#include "api/retention_routes.hpp"
#include "api/stream_routes.hpp"
#include "api/token_routes.hpp"
#include "util/error.hpp"

namespace hs {

std::string_view need_name(Need need) {
  switch (need) {
    case Need::anyone: return "anyone";
    case Need::hook: return "hook";
    case Need::viewer: return "viewer";
    case Need::admin: return "admin";
  }
  return "?";
}

Caller Caller::admin_caller() {
  Caller c;
  c.admin_ = true;
  return c;
}

Caller Caller::viewer(access::Grant grant) {
  Caller c;
  c.grant_ = std::move(grant);
  return c;
}

Caller Caller::open_reader() {
  Caller c;
  c.reads_all_ = true;
  return c;
}

bool Caller::may(std::string_view camera_id, std::optional<access::Action> action) const {
  if (admin_) return true;
  if (reads_all_ && (!action || *action == access::Action::read || *action == access::Action::playback)) return true;
  if (!grant_) return false;
  return action ? grant_->allows(camera_id, *action) : grant_->has_camera(camera_id);
}

bool Caller::sees(std::string_view camera_id) const { return may(camera_id, std::nullopt); }

void Caller::require(std::string_view camera_id, std::optional<access::Action> action, const std::string& what) const {
  if (!may(camera_id, action)) throw NotFound(fmt::format("{} not found", what));
}

std::string Caller::describe() const {
  if (admin_) return "admin";
  if (grant_) return fmt::format("viewer {}", quote(grant_->subject));
  return reads_all_ ? "open reader" : "anonymous";
}

namespace {

using access::Action;

// Literal paths come before patterns that would take them for an id (/api/recordings/expiring).
const std::vector<Route> kRoutes = {
    {"GET", "/.well-known/jwks.json", Need::anyone, {}, false, get_jwks, "the public keys viewer tokens are verified with (MediaMTX's authJWTJWKS)"},
    {"POST", R"(/hooks/([^/]+))", Need::hook, {}, false, post_hook, "a MediaMTX hook, sent by the hook client"},
    {"GET", "/api/health", Need::anyone, {}, false, get_health, "status; details for the admin only"},

    {"GET", "/api/cameras", Need::viewer, {}, false, list_cameras, "the cameras the caller may see"},
    {"GET", R"(/api/cameras/([^/]+))", Need::viewer, {}, true, get_camera, "one camera"},
    {"PATCH", R"(/api/cameras/([^/]+))", Need::admin, {}, false, patch_camera, "change a camera's name, plan or record flag"},
    {"GET", R"(/api/cameras/([^/]+)/snapshot\.jpg)", Need::viewer, Action::read, true, get_snapshot, "the camera's latest snapshot (JPEG)"},
    {"GET", R"(/api/cameras/([^/]+)/recordings)", Need::viewer, Action::playback, true, list_recordings, "recordings of a camera, keyset paginated"},
    {"POST", R"(/api/cameras/([^/]+)/clips)", Need::viewer, Action::manage, true, post_clip, "keep a time range as a permanent clip"},

    {"GET", "/api/recordings/expiring", Need::viewer, Action::playback, false, list_expiring, "recordings that expire soon"},
    {"GET", R"(/api/recordings/([^/]+))", Need::viewer, Action::playback, false, get_recording, "one recording"},
    {"PATCH", R"(/api/recordings/([^/]+))", Need::viewer, Action::manage, false, patch_recording, "mark a recording permanent or not"},
    {"DELETE", R"(/api/recordings/([^/]+))", Need::admin, {}, false, delete_recording, "delete a recording now"},

    {"GET", "/api/clips", Need::viewer, Action::playback, false, list_clips, "clips of the caller's cameras"},
    {"GET", R"(/api/clips/([^/]+))", Need::viewer, Action::playback, false, get_clip, "one clip with its recordings"},
    {"DELETE", R"(/api/clips/([^/]+))", Need::viewer, Action::manage, false, delete_clip, "delete a clip (its recordings return to the cycle)"},

    {"GET", "/api/retention/preview", Need::admin, {}, false, retention_preview, "what a retention would make expired now"},
    {"GET", "/api/audit", Need::admin, {}, false, list_audit, "the deletion audit"},
    {"GET", "/api/notifications", Need::admin, {}, false, list_notifications, "the notification outbox and its deliveries"},
    {"GET", "/api/events", Need::admin, {}, false, list_events, "the hook event log"},

    {"POST", "/api/streams", Need::admin, {}, false, post_stream, "start or update a stream (a camera); optionally a viewer token for it"},
    {"DELETE", R"(/api/streams/([^/]+))", Need::admin, {}, false, delete_stream, "stop a stream; its recordings stay"},
    {"POST", "/api/tokens", Need::admin, {}, false, post_token, "issue a viewer token"},
};

}  // namespace

const std::vector<Route>& api_routes() { return kRoutes; }

}  // namespace hs
