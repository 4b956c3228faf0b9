#pragma once
// The API's one route table: every route declares its method, path pattern, who may call it and
// its handler. install_api() registers the table; the access check runs before any handler, so no
// handler has to remember it. docs/openapi.yaml, the access tests and /metrics read the same table.
//
// Callers (docs/access.md):
//   admin   — "Authorization: Bearer <server.api_token>": every route.
//   viewer  — "Authorization: Bearer <viewer token>" (POST /api/tokens) or ?jwt=<token>: only the
//             cameras and actions in its grant. Another camera's camera, recording, clip,
//             snapshot or timeline is 404, never 403, so ids do not leak; lists show only granted
//             cameras. A viewer on an admin-only route gets 403.
//   nobody  — no credentials: 401 on every route but the open ones.
#include <httplib.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/grant.hpp"

namespace hs {

struct ApiContext;

// Who may call a route.
enum class Need {
  anyone,  // open: the JWKS, /api/health (an anonymous caller sees only its status)
  hook,    // the hook client: X-Hook-Secret, or loopback when server.hook_secret is unset
  viewer,  // admin, or a viewer holding `action` (on the camera of the path, when the route has one)
  admin,   // server.api_token only
};
std::string_view need_name(Need need);

// The caller of a request, as its credentials say.
class Caller {
 public:
  static Caller anonymous() { return Caller(); }
  static Caller admin_caller();
  static Caller viewer(access::Grant grant);
  // access.mode open: a caller without credentials reads (read, playback) every camera, as before
  // access control existed; mutating routes still need the admin token when one is set.
  static Caller open_reader();

  bool is_admin() const { return admin_; }
  bool is_anonymous() const { return !admin_ && !reads_all_ && !grant_; }
  // Admin, or anyone in access.mode open: health details, unfiltered lists.
  bool reads_everything() const { return admin_ || reads_all_; }
  const access::Grant* grant() const { return grant_ ? &*grant_ : nullptr; }
  // Admin: always. Viewer: the grant allows `action` on the camera (none: any action).
  bool may(std::string_view camera_id, std::optional<access::Action> action) const;
  // Admin: always. Viewer: the grant names the camera (any action); what a list shows.
  bool sees(std::string_view camera_id) const;
  // Throws NotFound "<what> not found" (the same message as for an id that does not exist) when
  // the caller may not do `action` on the camera.
  void require(std::string_view camera_id, std::optional<access::Action> action, const std::string& what) const;
  // "admin", "viewer <subject>", "open reader" or "anonymous", for logs.
  std::string describe() const;

 private:
  bool admin_ = false;
  bool reads_all_ = false;
  std::optional<access::Grant> grant_;
};

// What a handler gets: the request, the response, and who asked.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  const Caller& caller;
};
using RouteHandler = std::function<void(ApiContext&, const Call&)>;

struct Route {
  std::string_view method;   // GET, POST, PATCH, DELETE
  std::string_view pattern;  // an httplib regex; capture 1 is the camera id when camera_in_path
  Need need;
  // For Need::viewer: the action a viewer must hold (none: any action on the camera). With
  // camera_in_path it is checked on capture 1 before the handler runs (404 for a camera the viewer
  // has no grant for); otherwise the handler filters or checks the cameras it touches with
  // Caller::may / require.
  std::optional<access::Action> action;
  bool camera_in_path = false;
  RouteHandler handler;
  std::string_view summary;  // one line, for docs/openapi.yaml and the access table in docs/access.md
};

// Every route of the JSON API and the hook endpoint, in registration order (a literal path before
// a pattern that would take it as an id).
const std::vector<Route>& api_routes();

}  // namespace hs
