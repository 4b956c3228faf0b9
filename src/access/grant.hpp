#pragma once
// What a viewer token grants, and its claims. A grant names cameras (or every camera) and actions;
// its claims say the same twice, once for each reader:
//   - `mediamtx_permissions` for MediaMTX (authJWTClaimKey): one {action, path} per granted camera
//     path and MediaMTX action (read, playback, publish), in the shape MediaMTX's internal users
//     use. MediaMTX decodes the entries strictly (only "action" and "path"), so nothing else goes in
//     them.
//   - `hook_server` for hook-server's own API: {"cameras": ["1", "7"] | "*", "actions": [...]}.
//     The action `manage` exists only there (permanent flags and clips).
// Plus the registered claims iss, aud, sub, iat, exp and jti. No nbf: MediaMTX verifies with no
// leeway, so a not-before equal to the issue time could fail on a clock a second behind.
//
// Pure: no I/O, times passed in. Errors are BadInput (a request) or Unauthorized (a token's
// claims), each naming the field and quoting the value.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/time.hpp"

namespace hs::access {

enum class Action { read, playback, manage, publish };
std::string_view action_name(Action a);
std::optional<Action> parse_action(std::string_view name);
// The MediaMTX action of a viewer action; nullopt for `manage` (hook-server only).
std::optional<std::string_view> mediamtx_action(Action a);

struct Grant {
  std::string subject;
  bool all_cameras = false;
  std::vector<std::string> cameras;  // ids, sorted, when !all_cameras
  std::vector<Action> actions;       // sorted, no duplicates
  TimePoint issued{};
  TimePoint expires{};
  std::string jti;

  bool allows(std::string_view camera_id, Action action) const;
  bool has_camera(std::string_view camera_id) const;
};

// One MediaMTX permission, as in authInternalUsers and the JWT claim.
struct Permission {
  std::string action;
  std::string path;  // "" = every path; "~regex" = a Go regular expression
  bool operator==(const Permission&) const = default;
};
nlohmann::json permissions_json(const std::vector<Permission>& permissions);

// Known cameras: id -> MediaMTX path.
using CameraPaths = std::map<std::string, std::string, std::less<>>;

struct ClaimNames {
  std::string issuer;
  std::string audience;
  std::string path_prefix;  // mediamtx.path_prefix: "*" covers <prefix><id> for any valid id
};

// The MediaMTX permissions of a grant. For listed cameras: one entry per (path, MediaMTX action).
// For "*": per action one regex entry ~^<prefix>[A-Za-z0-9_-]{1,64}$ (every camera named by the
// prefix, those added later included), plus an exact entry for each known camera whose path the
// regex does not match (cameras found through hooks under other names). Throws BadInput when a
// listed camera is not in `paths`.
std::vector<Permission> mediamtx_permissions(const Grant& grant, const CameraPaths& paths, const std::string& path_prefix);

// Every claim of the token.
nlohmann::json grant_claims(const Grant& grant, const CameraPaths& paths, const ClaimNames& names);

// The grant carried by verified claims. Throws Unauthorized ("token: ...") when `hook_server` is
// missing or malformed, or iss, aud, sub, iat, exp or jti are missing or of the wrong type. Time
// checks are the caller's (they need the clock and a leeway).
Grant grant_from_claims(const nlohmann::json& claims);

// A request for a viewer token, as POST /api/tokens takes it:
//   {"cameras": ["1", "7"] | "*", "actions": ["read", "playback"], "ttl": "15m", "subject": "user-42"}
// `ttl` is optional (default_ttl); `subject` is required. With `body_prefix` "viewer_token." the
// messages name the nested field (POST /api/streams).
struct TokenLimits {
  Micros default_ttl = std::chrono::minutes{15};
  Micros max_ttl = std::chrono::hours{24};
  std::size_t max_cameras = 100;
};
// Validates the request against the known cameras and the limits, and returns the grant issued at
// `now` (jti left empty). Throws BadInput naming the field and quoting the value:
//   ttl: at most 24h (access.max_ttl), got "48h"
//   cameras: no camera "9"
Grant parse_token_request(const nlohmann::json& body, const CameraPaths& cameras, const TokenLimits& limits,
                          TimePoint now, std::string_view field_prefix = "");

}  // namespace hs::access
