#pragma once
// The StartStream/StopStream use cases: register, update or remove a camera, persist it in the
// index, regenerate MediaMTX's YAML, and hot-apply through the Control API when configured (API
// changes live only in MediaMTX's memory, so they are re-applied at start and after a MediaMTX
// restart). Cameras defined in hook-server.yml belong to that file and are changed there.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/camera.hpp"
#include "index/database.hpp"
#include "mediamtx/control_api.hpp"

namespace hs {

class HookIngest;

class StreamAdmin {
 public:
  // `api` carries the Control API client's options (its service token in access.mode jwt).
  StreamAdmin(const Config& config, Database& db, HookIngest& ingest, const Clock& clock, ControlApi::Options api = {});

  struct StartRequest {
    std::string camera_id, stream_url;
    std::optional<std::string> name, plan;
    std::optional<bool> record;
    std::optional<std::string> node;  // default: the camera's node, a new one this node
  };
  struct Changes {
    std::optional<std::string> name, plan;
    std::optional<bool> record;
    std::optional<std::string> node;  // move the camera: its recordings stay where they are
  };
  struct Result {
    Camera camera;
    bool created = false;
    bool config_written = false;  // mediamtx.yml changed
    std::string apply_error;      // Control API failure (the change is saved; MediaMTX will get it at re-apply)
    bool applied = false;         // hot-applied through the Control API
    // The camera is (now) another node's: that node writes its MediaMTX config and hot-applies it
    // within seconds (sync_if_changed), not this request.
    bool on_other_node = false;
  };

  // Throws BadInput (bad id, URL or plan), Conflict (a camera of hook-server.yml).
  Result start(const StartRequest& request);
  // Throws NotFound, Conflict. The camera's recordings stay indexed and keep their retention.
  Result stop(const std::string& camera_id);
  // Throws BadInput, NotFound, Conflict.
  Result update(const std::string& camera_id, const Changes& changes);

  // Cameras this node's MediaMTX should have: configured and API-added ones of this node that are
  // not removed.
  std::vector<CameraConfig> managed_cameras();
  // Writes mediamtx.yml and hot-applies when this node's cameras changed since the last look
  // (another node started, moved or stopped one of them through the shared index), or a hot-apply
  // failed before. The worker calls it every few seconds. Returns true when it wrote or applied.
  bool sync_if_changed();
  // Pushes every managed camera to MediaMTX (at start). Returns an error text or "".
  std::string reapply();
  // Re-applies when MediaMTX restarted since the last look (GET /v3/info `started`).
  void reapply_if_restarted();

 private:
  // `was_mine`: the camera was this node's before the change.
  Result commit(const Camera& camera, bool removing, bool created, bool was_mine);
  void check_node(const std::string& node);
  // Saves the camera (removed, its stream stopped, when `removing`) and recomputes its segments'
  // expiries for its retention, in one transaction; forgets ingest's cached camera of its path.
  void save(const Camera& camera, bool removing);

  const Config& config_;
  Database& db_;
  HookIngest& ingest_;
  const Clock& clock_;
  std::mutex mutex_;  // one camera change at a time: the YAML is rewritten whole
  std::string mediamtx_started_;
  std::optional<std::vector<CameraConfig>> synced_;  // this node's cameras as last written and applied
  bool apply_pending_ = false;                        // a hot-apply failed: sync_if_changed retries
  std::string sync_error_;                            // the last failure of sync_if_changed, said once
  ControlApi::Options api_options_;
};

}  // namespace hs
