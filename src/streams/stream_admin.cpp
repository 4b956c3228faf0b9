// Camera changes through the API, persisted first, then written to mediamtx.yml and hot-applied.
#include "streams/stream_admin.hpp"

#include <fmt/format.h>

#include "ingest/hook_ingest.hpp"
#include "mediamtx/camera_path.hpp"
#include "mediamtx/config_gen.hpp"
#include "mediamtx/control_api.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace hs {

StreamAdmin::StreamAdmin(const Config& config, Database& db, HookIngest& ingest, const Clock& clock, ControlApi::Options api)
    : config_(config), db_(db), ingest_(ingest), clock_(clock), api_options_(std::move(api)) {}

namespace {

CameraConfig to_config(const Camera& c) {
  return CameraConfig{c.id, c.name, c.source, c.plan, c.retention_override, c.record, c.rtsp_transport};
}

void check_plan(const Config& config, const std::string& plan) {
  if (!config.retention.plans.count(plan)) throw BadInput(fmt::format("plan: no plan named {}", quote(plan)));
}

}  // namespace

std::vector<CameraConfig> StreamAdmin::managed_cameras() {
  std::vector<CameraConfig> out;
  for (const auto& row : db_.reader().all_cameras())
    if (row.camera.managed() && !row.removed_at && row.camera.node == db_.node()) out.push_back(to_config(row.camera));
  return out;
}

void StreamAdmin::check_node(const std::string& node) {
  if (node == db_.node()) return;
  if (!valid_camera_id(node))
    throw BadInput(fmt::format("node: expected a node id (1 to 64 of A-Z a-z 0-9 _ -), got {}", quote(node)));
  if (!db_.reader().node_info(node)) {
    std::string known;
    for (const auto& n : db_.reader().all_nodes()) known += (known.empty() ? "" : ", ") + n.id;
    throw BadInput(fmt::format("node: no node {} has registered in the index (known: {})", quote(node), known));
  }
}

bool StreamAdmin::sync_if_changed() {
  std::lock_guard lock(mutex_);
  auto mine = managed_cameras();
  if (synced_ && *synced_ == mine && !apply_pending_) return false;
  bool written = false;
  try {
    written = write_mediamtx_config(config_, mine).changed;
    sync_error_.clear();
  } catch (const std::exception& e) {
    // Said once, retried every call: the worker calls this every few seconds.
    if (sync_error_ != e.what()) log::get("streams")->error("cameras of this node not written to {}: {}", config_.mediamtx.output.string(), e.what());
    sync_error_ = e.what();
    return false;
  }
  bool applied = false;
  if (!config_.mediamtx.api_url.empty()) {
    try {
      ControlApi api(config_.mediamtx.api_url, api_options_);
      auto r = apply_cameras(api, config_, mine);
      applied = !r.added.empty() || !r.replaced.empty() || !r.deleted.empty();
      apply_pending_ = false;
    } catch (const std::exception& e) {
      if (!apply_pending_) log::get("streams")->warn("cameras of this node changed in the index, not hot-applied yet: {}", e.what());
      apply_pending_ = true;
    }
  }
  if (synced_ && (written || applied))
    log::get("streams")->info("cameras of node {} changed in the index: {} now, mediamtx.yml {}", quote(db_.node()),
                              mine.size(), written ? "rewritten" : "unchanged");
  synced_ = std::move(mine);
  return written || applied;
}

StreamAdmin::Result StreamAdmin::start(const StartRequest& req) {
  if (!valid_camera_id(req.camera_id))
    throw BadInput(fmt::format("camera_id: expected 1-64 characters from [A-Za-z0-9_-], got {}", quote(req.camera_id)));
  if (!valid_source_url(req.stream_url) || req.stream_url == "publisher" || req.stream_url.size() > 2048)
    throw BadInput(fmt::format("stream_url: expected an rtsp://, rtmp://, srt://, http(s):// ... URL, got {}",
                               quote(redact_url(req.stream_url))));
  if (req.plan) check_plan(config_, *req.plan);
  if (req.name && req.name->size() > 200) throw BadInput("name: at most 200 characters");
  if (req.node) check_node(*req.node);
  std::lock_guard lock(mutex_);
  auto existing = db_.reader().camera(req.camera_id);
  if (existing && existing->camera.origin == CameraOrigin::config)
    throw Conflict(fmt::format("camera {} is defined in {}: change it there", quote(req.camera_id), config_.file.string()));
  Camera c;
  if (existing) c = existing->camera;
  c.id = req.camera_id;
  c.path = CameraNaming(config_.mediamtx.path_prefix).path_for(c.id);
  c.source = req.stream_url;
  c.name = req.name.value_or(existing ? c.name : c.id);
  c.plan = req.plan.value_or(existing ? c.plan : config_.retention.default_plan);
  c.record = req.record.value_or(existing ? c.record : true);
  c.origin = CameraOrigin::api;
  if (!existing || existing->removed_at) c.rtsp_transport = "tcp";
  const bool was_mine = existing && !existing->removed_at && existing->camera.node == db_.node();
  c.node = req.node.value_or(existing && !existing->removed_at ? existing->camera.node : db_.node());
  return commit(c, false, !existing || existing->removed_at.has_value(), was_mine);
}

StreamAdmin::Result StreamAdmin::stop(const std::string& camera_id) {
  std::lock_guard lock(mutex_);
  auto existing = db_.reader().camera(camera_id);
  if (!existing || existing->removed_at) throw NotFound(fmt::format("stream {} not found", quote(camera_id)));
  if (existing->camera.origin == CameraOrigin::config)
    throw Conflict(fmt::format("camera {} is defined in {}: remove it there", quote(camera_id), config_.file.string()));
  if (existing->camera.origin == CameraOrigin::discovered)
    throw Conflict(fmt::format("camera {} is not managed by hook-server (its path {} is configured in MediaMTX by hand)",
                               quote(camera_id), quote(existing->camera.path)));
  return commit(existing->camera, true, false, existing->camera.node == db_.node());
}

StreamAdmin::Result StreamAdmin::update(const std::string& camera_id, const Changes& ch) {
  if (ch.plan) check_plan(config_, *ch.plan);
  if (ch.name && (ch.name->empty() || ch.name->size() > 200)) throw BadInput("name: expected 1 to 200 characters");
  if (ch.node) check_node(*ch.node);
  std::lock_guard lock(mutex_);
  auto existing = db_.reader().camera(camera_id);
  if (!existing || existing->removed_at) throw NotFound(fmt::format("camera {} not found", quote(camera_id)));
  if (existing->camera.origin == CameraOrigin::config)
    throw Conflict(fmt::format("camera {} is defined in {}: change it there", quote(camera_id), config_.file.string()));
  Camera c = existing->camera;
  if (ch.name) c.name = *ch.name;
  if (ch.plan) c.plan = *ch.plan;
  if (ch.record) c.record = *ch.record;
  if (ch.node) c.node = *ch.node;
  if (c.origin == CameraOrigin::discovered) {
    // Unmanaged paths: only the index-side fields (name, plan) change; MediaMTX is not touched.
    if (ch.record) throw Conflict(fmt::format("camera {} is not managed by hook-server: record is set in MediaMTX", quote(camera_id)));
    if (ch.node && *ch.node != existing->camera.node)
      throw Conflict(fmt::format("camera {} is not managed by hook-server: it records where MediaMTX is configured by hand", quote(camera_id)));
    save(c, false);
    return Result{c};
  }
  return commit(c, false, false, existing->camera.node == db_.node());
}

StreamAdmin::Result StreamAdmin::commit(const Camera& camera, bool removing, bool created, bool was_mine) {
  const bool mine = camera.node == db_.node();
  if (!mine && !was_mine) {
    // Another node's camera: the index is the message; that node applies it (sync_if_changed).
    save(camera, removing);
    Result result{camera, created};
    result.on_other_node = true;
    log::get("streams")->info("camera {} {} on node {} ({})", quote(camera.id), removing ? "stopped" : created ? "started" : "updated",
                              quote(camera.node), redact_url(camera.source));
    return result;
  }
  // Leaving this node (moved away) is, for this MediaMTX, a removal.
  removing = removing || !mine;
  // Validate the whole MediaMTX configuration before saving anything.
  std::vector<CameraConfig> next;
  for (auto& cc : managed_cameras())
    if (cc.id != camera.id) next.push_back(cc);
  if (!removing) next.push_back(to_config(camera));
  generate_mediamtx_yaml(config_, next);

  save(camera, removing && mine);

  Result result{camera, created};
  result.on_other_node = !mine;
  synced_ = next;
  result.config_written = write_mediamtx_config(config_, next).changed;
  if (!config_.mediamtx.api_url.empty()) {
    try {
      ControlApi api(config_.mediamtx.api_url, api_options_);
      std::string path = camera_path_name(config_, to_config(camera));
      if (removing) {
        try {
          api.delete_path(path);
        } catch (const NotFound&) {
        }
      } else {
        apply_cameras(api, config_, next);
      }
      result.applied = true;
    } catch (const std::exception& e) {
      result.apply_error = e.what();
      apply_pending_ = true;
      log::get("streams")->warn("camera {}: saved and written to {}, but not hot-applied: {}", quote(camera.id),
                                config_.mediamtx.output.string(), e.what());
    }
  }
  log::get("streams")->info("camera {} {} ({})", quote(camera.id),
                            !mine ? fmt::format("moved to node {}", quote(camera.node)) : removing ? "stopped" : created ? "started" : "updated",
                            redact_url(camera.source));
  return result;
}

void StreamAdmin::save(const Camera& camera, bool removing) {
  auto now = clock_.now();
  db_.write([&](Writer& w) {
    w.upsert_camera(camera, now);
    if (removing) {
      w.mark_camera_removed(camera.id, now);
      w.apply_stream_status(camera.id, StreamState::stopped, now, "");
    }
    w.apply_camera_retention(camera.id, config_.retention_for(camera.plan, camera.retention_override),
                             now + config_.retention.notify_before);
  });
  ingest_.invalidate_cameras();
}

std::string StreamAdmin::reapply() {
  if (config_.mediamtx.api_url.empty()) return "";
  std::lock_guard lock(mutex_);
  try {
    ControlApi api(config_.mediamtx.api_url, api_options_);
    mediamtx_started_ = api.info().started;
    auto mine = managed_cameras();
    auto r = apply_cameras(api, config_, mine);
    synced_ = std::move(mine);
    log::get("streams")->info("applied cameras to MediaMTX at {}: {} added, {} replaced, {} deleted", config_.mediamtx.api_url,
                              r.added.size(), r.replaced.size(), r.deleted.size());
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void StreamAdmin::reapply_if_restarted() {
  if (config_.mediamtx.api_url.empty()) return;
  std::lock_guard lock(mutex_);
  try {
    ControlApi api(config_.mediamtx.api_url, api_options_);
    if (hs::reapply_if_restarted(api, config_, managed_cameras(), mediamtx_started_))
      log::get("streams")->info("MediaMTX restarted: cameras re-applied");
  } catch (const std::exception& e) {
    log::get("streams")->debug("MediaMTX Control API not reachable: {}", e.what());
  }
}

}  // namespace hs
