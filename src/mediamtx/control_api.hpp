#pragma once
// A client for MediaMTX's Control API v3 (contract §4, openapi.yaml): path configuration CRUD,
// live path state and /v3/info. Changes made through the API live in MediaMTX's RAM only and are
// lost when it restarts, so apply_cameras() is meant to be run again whenever /v3/info's `started`
// changes (reapply_if_restarted()).
//
// Errors: every failure is an hs::Error naming the call, the path and MediaMTX's own message
// ({"status":"error","error":"..."}), with URL passwords shown as ***:
//   MediaMTX API: add path "camera_1": POST /v3/config/paths/add/camera_1: HTTP 400: path already exists
// A 404 is NotFound (a subclass of Error). Timeouts: connect 1 s, read and write 5 s.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"

namespace hs {

class ControlApi {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds read_timeout{5000};
    // With access.mode jwt MediaMTX asks a JWT with the `api` permission for every call: this gives
    // a service token (Issuer::service_token), sent as "Authorization: Bearer". Empty: none sent.
    std::function<std::string()> bearer;
  };

  struct Info {
    std::string version;  // "v1.20.1"
    std::string started;  // RFC 3339; changes when MediaMTX restarts
  };

  // Live state of a path (GET /v3/paths/...). `available` falls back to the deprecated `ready` for
  // MediaMTX < 1.16; `online` to `available`.
  struct LivePath {
    std::string name;
    std::string conf_name;
    bool available = false;
    bool online = false;
    std::optional<std::string> available_time;
    nlohmann::json raw;  // the whole object as MediaMTX sent it
  };

  // `base_url` like http://127.0.0.1:9997, optionally with user:pass@ (sent as Basic auth) and a
  // path prefix (behind a reverse proxy). Throws ConfigError on anything else.
  explicit ControlApi(std::string base_url);
  ControlApi(std::string base_url, Options options);

  const std::string& base_url() const { return base_url_; }

  Info info() const;                                              // GET /v3/info
  // POST /v3/auth/jwks/refresh: MediaMTX fetches the JWKS again at its next JWT check.
  void refresh_jwks() const;

  nlohmann::json get_path_config(const std::string& name) const;  // GET /v3/config/paths/get/{name}; NotFound
  std::vector<nlohmann::json> list_path_configs() const;          // GET /v3/config/paths/list, every page
  void add_path(const std::string& name, const nlohmann::json& conf) const;      // POST .../add/{name}
  void patch_path(const std::string& name, const nlohmann::json& conf) const;    // PATCH .../patch/{name}; NotFound
  void replace_path(const std::string& name, const nlohmann::json& conf) const;  // POST .../replace/{name}
  void delete_path(const std::string& name) const;                               // DELETE .../delete/{name}; NotFound

  LivePath get_path(const std::string& name) const;    // GET /v3/paths/get/{name}; NotFound
  std::vector<LivePath> list_paths() const;            // GET /v3/paths/list, every page

 private:
  nlohmann::json call(const char* what, const std::string& name, const char* method, const std::string& path,
                      const nlohmann::json* body) const;
  std::vector<nlohmann::json> list_all(const char* what, const std::string& path) const;

  std::string base_url_;
  std::string scheme_host_port_;
  std::string prefix_;
  std::string user_, password_;
  Options options_;
};

struct ApplyResult {
  std::vector<std::string> added;     // paths that did not exist in MediaMTX
  std::vector<std::string> replaced;  // paths whose configuration was replaced
  std::vector<std::string> deleted;   // owned paths of cameras that no longer exist
};

// Makes MediaMTX's path configurations match the cameras: for each camera, replaces its path with
// camera_path_confs() (managed keys plus the admin's keys from the generated file), or adds it when
// missing; then deletes the owned paths no longer wanted. A path in MediaMTX is owned when its name
// is listed as owned in the generated file's header (read_owned_paths), or when it starts with
// mediamtx.path_prefix and its runOnRecordSegmentComplete is exactly hook-server's command for this
// configuration. Other paths are never touched. Stops at the first failure (hs::Error); running it
// again is harmless (a replace with identical values does not restart a path in MediaMTX).
ApplyResult apply_cameras(const ControlApi& api, const Config& config, const std::vector<CameraConfig>& cameras);

// Calls info(); when `started` differs from `last_started` (MediaMTX restarted and lost the API
// changes, or this is the first call), runs apply_cameras and then stores the new `started`.
// Returns whether it applied. Errors as apply_cameras; `last_started` is left unchanged on error so
// that the next call tries again.
bool reapply_if_restarted(const ControlApi& api, const Config& config, const std::vector<CameraConfig>& cameras,
                          std::string& last_started);

}  // namespace hs
