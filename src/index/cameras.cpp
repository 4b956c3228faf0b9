// Cameras and stream status: the Reader and Writer operations on the cameras and stream_status
// tables.
#include <string>

#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

const std::string kSelect =
    "SELECT c.id, c.path, c.name, c.source, c.plan, c.retention_us, c.record, c.rtsp_transport, c.origin, "
    "c.removed_us, s.state, s.since_us, s.source_type, c.node FROM cameras c LEFT JOIN stream_status s ON s.camera_id = c.id ";
const Sql kById{kSelect + "WHERE c.id = ?1"};
const Sql kByPath{kSelect + "WHERE c.path = ?1"};
const Sql kAll{kSelect + "ORDER BY c.id"};

cameras::Row read_camera(index::Statement& q) {
  cameras::Row r;
  Camera& c = r.camera;
  c.id = q.text(0);
  c.path = q.text(1);
  c.name = q.text(2);
  c.source = q.text(3);
  c.plan = q.text(4);
  c.retention_override = q.optional_micros(5);
  c.record = q.int64(6) != 0;
  c.rtsp_transport = q.text(7);
  auto origin = q.column_text(8);
  c.origin = origin == "api" ? CameraOrigin::api : origin == "discovered" ? CameraOrigin::discovered : CameraOrigin::config;
  r.removed_at = q.optional_time(9);
  c.node = q.text(13);
  if (!q.is_null(10)) {
    r.status.state = parse_stream_state(q.column_text(10)).value_or(StreamState::error);
    r.status.since = q.time(11);
    r.status.source_type = q.text(12);
  }
  return r;
}

const Sql kRetentionSettings{"SELECT id, plan, retention_us, applied_retention_us FROM cameras ORDER BY id"};

const Sql kUpsert{
    "INSERT INTO cameras (id, path, name, source, plan, retention_us, record, rtsp_transport, origin, created_us, "
    "updated_us, node) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11) "
    "ON CONFLICT (id) DO UPDATE SET path = ?2, name = ?3, source = ?4, plan = ?5, retention_us = ?6, record = ?7, "
    "rtsp_transport = ?8, origin = ?9, removed_us = NULL, updated_us = ?10, node = ?11 "
    "WHERE cameras.path IS DISTINCT FROM ?2 OR cameras.name IS DISTINCT FROM ?3 OR cameras.source IS DISTINCT FROM ?4 "
    "OR cameras.plan IS DISTINCT FROM ?5 OR cameras.retention_us IS DISTINCT FROM ?6 "
    "OR cameras.record IS DISTINCT FROM ?7 OR cameras.rtsp_transport IS DISTINCT FROM ?8 "
    "OR cameras.origin IS DISTINCT FROM ?9 OR cameras.node IS DISTINCT FROM ?11 OR cameras.removed_us IS NOT NULL"};
const Sql kMarkRemoved{"UPDATE cameras SET removed_us = ?2, updated_us = ?2 WHERE id = ?1 AND removed_us IS NULL"};

const Sql kStatus{"SELECT state, event_us, source_type FROM stream_status WHERE camera_id = ?1"};
const Sql kInsertStatus{
    "INSERT INTO stream_status (camera_id, state, since_us, event_us, source_type) VALUES (?1, ?2, ?3, ?3, ?4)"};
const Sql kUpdateStatus{
    "UPDATE stream_status SET since_us = CASE WHEN state = ?2 THEN since_us ELSE ?3 END, state = ?2, "
    "event_us = ?3, source_type = CASE WHEN ?4 = '' THEN source_type ELSE ?4 END WHERE camera_id = ?1"};

}  // namespace

std::optional<cameras::Row> Reader::camera(std::string_view id) {
  auto q = query(kById);
  q->bind(1, id);
  if (q->step()) return read_camera(*q);
  return std::nullopt;
}

std::optional<cameras::Row> Reader::camera_by_path(std::string_view path) {
  auto q = query(kByPath);
  q->bind(1, path);
  if (q->step()) return read_camera(*q);
  return std::nullopt;
}

std::vector<cameras::Row> Reader::all_cameras() {
  auto q = query(kAll);
  std::vector<cameras::Row> rows;
  while (q->step()) rows.push_back(read_camera(*q));
  return rows;
}

std::vector<cameras::RetentionSetting> Reader::retention_settings() {
  auto q = query(kRetentionSettings);
  std::vector<cameras::RetentionSetting> out;
  while (q->step()) {
    out.push_back(cameras::RetentionSetting{q->text(0), q->text(1), q->optional_micros(2), q->optional_micros(3)});
  }
  return out;
}

bool Writer::upsert_camera(const Camera& c, TimePoint now) {
  const std::string origin(camera_origin_name(c.origin));
  auto q = query(kUpsert);
  q->bind(1, c.id);
  q->bind(2, c.path);
  q->bind(3, c.name);
  q->bind(4, c.source);
  q->bind(5, c.plan);
  q->bind(6, c.retention_override);
  q->bind(7, std::int64_t{c.record ? 1 : 0});
  q->bind(8, c.rtsp_transport);
  q->bind(9, origin);
  q->bind(10, now);
  q->bind(11, c.node.empty() ? node() : c.node);
  if (q->exec() == 0) return false;
  // Record switched (or a camera's first row): the history says so from now on.
  add_state_change(c.id, StateKind::not_recording, now, !c.record);
  return true;
}

bool Writer::mark_camera_removed(std::string_view id, TimePoint now) {
  auto q = query(kMarkRemoved);
  q->bind(1, id);
  q->bind(2, now);
  return q->exec() > 0;
}

bool Writer::apply_stream_status(std::string_view camera_id, StreamState state, TimePoint at,
                                 std::string_view source_type) {
  const std::string_view state_name = stream_state_name(state);
  auto cur = query(kStatus);
  cur->bind(1, camera_id);
  if (!cur->step()) {
    auto ins = query(kInsertStatus);
    ins->bind(1, camera_id);
    ins->bind(2, state_name);
    ins->bind(3, at);
    ins->bind(4, source_type);
    ins->exec();
    add_state_change(camera_id, StateKind::offline, at, state != StreamState::active);
    return true;
  }
  if (epoch_us(at) <= cur->int64(1)) return false;  // stale or repeated
  const bool changed = cur->column_text(0) != state_name || (!source_type.empty() && source_type != cur->column_text(2));
  cur->reset();
  auto up = query(kUpdateStatus);
  up->bind(1, camera_id);
  up->bind(2, state_name);
  up->bind(3, at);
  up->bind(4, source_type);
  up->exec();
  if (changed) add_state_change(camera_id, StateKind::offline, at, state != StreamState::active);
  return changed;
}

}  // namespace hs
