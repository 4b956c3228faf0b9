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

namespace hs {

class HookIngest;

class StreamAdmin {
 public:
  StreamAdmin(const Config& config, Database& db, HookIngest& ingest, const Clock& clock);

  struct StartRequest {
    std::string camera_id, stream_url;
    std::optional<std::string> name, plan;
    std::optional<bool> record;
  };
  struct Changes {
    std::optional<std::string> name, plan;
    std::optional<bool> record;
  };
  struct Result {
    Camera camera;
    bool created = false;
    bool config_written = false;  // mediamtx.yml changed
    std::string apply_error;      // Control API failure (the change is saved; MediaMTX will get it at re-apply)
    bool applied = false;         // hot-applied through the Control API
  };

  // Throws BadInput (bad id, URL or plan), Conflict (a camera of hook-server.yml).
  Result start(const StartRequest& request);
  // Throws NotFound, Conflict. The camera's recordings stay indexed and keep their retention.
  Result stop(const std::string& camera_id);
  // Throws BadInput, NotFound, Conflict.
  Result update(const std::string& camera_id, const Changes& changes);

  // Cameras MediaMTX should have: configured and API-added ones that are not removed.
  std::vector<CameraConfig> managed_cameras();
  // Pushes every managed camera to MediaMTX (at start). Returns an error text or "".
  std::string reapply();
  // Re-applies when MediaMTX restarted since the last look (GET /v3/info `started`).
  void reapply_if_restarted();

 private:
  Result commit(const Camera& camera, bool removing, bool created);
  // Saves the camera (removed, its stream stopped, when `removing`) and recomputes its segments'
  // expiries for its retention, in one transaction; forgets ingest's cached camera of its path.
  void save(const Camera& camera, bool removing);

  const Config& config_;
  Database& db_;
  HookIngest& ingest_;
  const Clock& clock_;
  std::mutex mutex_;  // one camera change at a time: the YAML is rewritten whole
  std::string mediamtx_started_;
};

}  // namespace hs
