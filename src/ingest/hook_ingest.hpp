#pragma once
// Applies hook events to the index: stream status from available/unavailable, segment rows from
// segment-create/complete. Idempotent and order-independent: a repeated event changes nothing, a
// complete before its create is fine, a stale status event is ignored. Every event, applied or
// rejected, is written to the event log.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "domain/camera.hpp"
#include "domain/hook_event.hpp"
#include "domain/record_path.hpp"
#include "index/database.hpp"

namespace hs {

class HookIngest {
 public:
  HookIngest(const Config& config, Database& db, const Clock& clock);

  struct Outcome {
    bool changed = false;
    std::string camera_id;
    std::optional<std::int64_t> segment_id;
  };
  // Throws BadInput naming the bad value (path outside the recordings root, a name that does not
  // match recordPath, a segment of another path); the rejection is logged in the event log.
  Outcome apply(const HookEvent& event);

  // Camera of a MediaMTX path; unknown paths become discovered (unmanaged) cameras. Returns the
  // camera id and the retention that applies to its segments.
  struct CameraRef {
    std::string id;
    Micros retention;
  };
  CameraRef camera_for_path(const std::string& path);
  // Forget cached path -> camera mappings (after cameras change).
  void invalidate_cameras();

  // Resolves a segment path (absolute or relative to MediaMTX's working dir) to a file relative
  // to the recordings root and decodes it. Throws BadInput.
  struct SegmentRef {
    std::string file;  // relative to the recordings root
    RecordPath::Decoded decoded;
  };
  SegmentRef resolve_segment(const std::string& segment_path) const;

  // Called after an available (ready) event changed a camera's status, with the camera id and its
  // MediaMTX path (the snapshot service captures then). Set before events flow; must not throw.
  std::function<void(const std::string& camera_id, const std::string& path)> on_available;

  // Called after an available or unavailable event changed a camera's stream status, with the
  // camera id, its MediaMTX path, whether it is available now and the hook's time (camera.online /
  // camera.offline events). Set before events flow; must not throw.
  std::function<void(const std::string& camera_id, const std::string& path, bool available, TimePoint at)>
      on_stream_change;

  const RecordPath& record_path() const { return record_path_; }
  const std::filesystem::path& root() const { return root_; }

 private:
  Outcome apply_segment(const HookEvent& e, const CameraRef& cam, const SegmentRef& seg);

  const Config& config_;
  Database& db_;
  const Clock& clock_;
  RecordPath record_path_;
  CameraNaming naming_;
  std::filesystem::path root_;
  std::mutex cache_mutex_;
  std::map<std::string, CameraRef, std::less<>> cache_;
};

}  // namespace hs
