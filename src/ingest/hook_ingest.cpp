// Hook events into index rows.
#include "ingest/hook_ingest.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "domain/segment_time.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hs {

HookIngest::HookIngest(const Config& config, Database& db, const Clock& clock)
    : config_(config),
      db_(db),
      clock_(clock),
      record_path_(config.mediamtx.record_path, config.mediamtx.record_format, Zone::named(config.mediamtx.timezone)),
      naming_(config.mediamtx.path_prefix),
      root_(config.recordings_root()) {}

void HookIngest::invalidate_cameras() {
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
}

HookIngest::CameraRef HookIngest::camera_for_path(const std::string& path) {
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(path); it != cache_.end()) return it->second;
  }
  auto now = clock_.now();
  CameraRef ref = db_.write([&](Writer& w) {
    auto row = w.camera_by_path(path);
    if (!row) {
      Camera c;
      c.id = naming_.id_for(path);
      // Another path already owns this id (e.g. "7" and "camera_7"): keep ids unique.
      for (int n = 2; w.camera(c.id); ++n) c.id = fmt::format("{}~{}", naming_.id_for(path), n);
      c.path = path;
      c.name = path;
      c.plan = config_.retention.default_plan;
      c.origin = CameraOrigin::discovered;
      w.upsert_camera(c, now);
      log::get("hooks")->info("path {} is not a configured camera: indexed as unmanaged camera {}", quote(path), quote(c.id));
      row = w.camera(c.id);
    }
    const Camera& c = row->camera;
    return CameraRef{c.id, config_.retention_for(c.plan, c.retention_override)};
  });
  std::lock_guard lock(cache_mutex_);
  cache_[path] = ref;
  return ref;
}

HookIngest::SegmentRef HookIngest::resolve_segment(const std::string& segment_path) const {
  auto rel = confine(root_, config_.mediamtx.working_dir, segment_path);
  auto decoded = record_path_.decode_or_throw(rel.string());
  return {rel.string(), std::move(decoded)};
}

HookIngest::Outcome HookIngest::apply(const HookEvent& e) {
  Database::Announce writing(db_);  // every event ends in a write (its event-log row at least)
  auto now = clock_.now();
  events::Entry entry{0, e.time, now, std::string(hook_kind_name(e.kind)), e.path, {}, {}, {}, {}};
  try {
    // A segment event is validated before anything is written, so a bad one creates no camera.
    std::optional<SegmentRef> seg;
    if (is_segment_event(e.kind)) {
      seg = resolve_segment(e.segment_path);
      if (seg->decoded.path != e.path)
        throw BadInput(fmt::format("MTX_SEGMENT_PATH {} belongs to path {}, but MTX_PATH is {}", quote(e.segment_path),
                                   quote(seg->decoded.path), quote(e.path)));
      // Year 0000 or 9999, or footage from next week: not a live camera's (domain/segment.hpp).
      if (auto why = implausible_segment_time(seg->decoded.start, e.segment_duration, now))
        throw BadInput(fmt::format("MTX_SEGMENT_PATH {}: {}", quote(e.segment_path), *why));
    }
    CameraRef cam = camera_for_path(e.path);
    entry.camera_id = cam.id;
    Outcome out;
    out.camera_id = cam.id;
    switch (e.kind) {
      case HookKind::available:
      case HookKind::unavailable: {
        auto state = e.kind == HookKind::available ? StreamState::active : StreamState::stopped;
        out.changed = db_.write([&](Writer& w) {
          bool changed = w.apply_stream_status(cam.id, state, e.time, e.source_type);
          entry.outcome = changed ? "applied" : "unchanged";
          w.append_event(entry);
          return changed;
        });
        if (out.changed && e.kind == HookKind::available && on_available) on_available(cam.id, e.path);
        if (out.changed && on_stream_change) on_stream_change(cam.id, e.path, e.kind == HookKind::available, e.time);
        break;
      }
      case HookKind::segment_create:
      case HookKind::segment_complete:
        out = apply_segment(e, cam, *seg);
        break;
      default:  // online/offline/read/unread: recorded only
        db_.write([&](Writer& w) {
          entry.outcome = "logged";
          entry.detail = e.reader_type;
          w.append_event(entry);
        });
        break;
    }
    return out;
  } catch (const BadInput& err) {
    entry.outcome = "rejected";
    entry.detail = err.what();
    if (entry.camera_id.empty()) {  // log it under an existing camera, never create one for it
      if (auto row = db_.reader().camera_by_path(e.path)) entry.camera_id = row->camera.id;
    }
    if (entry.segment.empty()) entry.segment = e.segment_path;
    db_.write([&](Writer& w) { w.append_event(entry); });
    log::get("hooks")->warn("{} hook for path {} rejected: {}", hook_kind_name(e.kind), quote(e.path), err.what());
    throw;
  }
}

HookIngest::Outcome HookIngest::apply_segment(const HookEvent& e, const CameraRef& cam, const SegmentRef& seg) {
  auto now = clock_.now();
  TimePoint expires = seg.decoded.start + cam.retention;
  std::int64_t size = 0;
  bool present = true;
  if (e.kind == HookKind::segment_complete) {
    struct stat st {};
    present = ::stat((root_ / seg.file).c_str(), &st) == 0;
    size = present ? static_cast<std::int64_t>(st.st_size) : 0;
  }
  return db_.write([&](Writer& w) {
    Outcome out;
    out.camera_id = cam.id;
    out.segment_id = e.kind == HookKind::segment_create
                         ? w.segment_created(cam.id, seg.file, seg.decoded.start, expires, now)
                         : w.segment_completed(cam.id, seg.file, seg.decoded.start, e.segment_duration, size, expires, now);
    out.changed = out.segment_id.has_value();
    if (!out.changed) {
      if (auto row = w.segment_by_file(seg.file)) out.segment_id = row->id;
    }
    if (out.segment_id && !present) out.changed |= w.set_segment_state(*out.segment_id, SegmentState::missing, now);
    w.append_event(events::Entry{0, e.time, now, std::string(hook_kind_name(e.kind)), e.path, cam.id, seg.file,
                                 out.changed ? "applied" : "unchanged",
                                 present ? "" : "file not found at segment-complete"});
    return out;
  });
}

}  // namespace hs
