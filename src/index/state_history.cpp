// Proof of recording: the camera status history (state_changes) and the reads the timeline, the
// month view and the storage report are built from (segments and audit by range and by camera).
#include <algorithm>
#include <array>

#include "index/fragments.hpp"
#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

const Sql kLatestOfKind{
    "SELECT active FROM state_changes WHERE camera_id = ?1 AND kind = ?2 ORDER BY at_us DESC, id DESC LIMIT 1"};
const Sql kInsertChange{"INSERT INTO state_changes (camera_id, kind, at_us, active) VALUES (?1, ?2, ?3, ?4)"};
// The change of a kind in force at ?3 (the newest before it).
const Sql kInForce{
    "SELECT at_us, active FROM state_changes WHERE camera_id = ?1 AND kind = ?2 AND at_us < ?3 "
    "ORDER BY at_us DESC, id DESC LIMIT 1"};
const Sql kChangesBetween{
    "SELECT kind, at_us, active FROM state_changes WHERE camera_id = ?1 AND at_us >= ?2 AND at_us < ?3 "
    "ORDER BY at_us, id"};
// Older than ?2 and superseded by a newer change of its kind that is also older than ?2.
const Sql kPrune{
    "DELETE FROM state_changes WHERE camera_id = ?1 AND at_us < ?2 AND EXISTS (SELECT 1 FROM state_changes n "
    "WHERE n.camera_id = state_changes.camera_id AND n.kind = state_changes.kind AND n.at_us < ?2 AND "
    "(n.at_us > state_changes.at_us OR (n.at_us = state_changes.at_us AND n.id > state_changes.id)))"};

const Sql kTimelineSegments{
    "SELECT start_us, duration_us, size_bytes, state FROM segments WHERE camera_id = ?1 AND start_us >= ?2 "
    "AND start_us < ?3 ORDER BY start_us, id"};
const Sql kSegmentDays{
    "SELECT day, version FROM segment_days WHERE camera_id = ?1 AND day >= ?2 AND day < ?3 ORDER BY day"};
// Deletions that removed footage (an unlink that failed put the row back: not a deletion).
const Sql kDeletions{
    "SELECT start_us, duration_us, reason FROM audit WHERE camera_id = ?1 AND start_us >= ?2 AND start_us < ?3 "
    "AND outcome IN ('deleted', 'already gone') ORDER BY start_us"};

const Sql kCameraBytes{
    std::string("SELECT s.camera_id, CAST(COALESCE(sum(s.size_bytes), 0) AS BIGINT), "
                "CAST(COALESCE(sum(CASE WHEN s.permanent = 1 THEN s.size_bytes ELSE 0 END), 0) AS BIGINT), "
                "CAST(COALESCE(sum(CASE WHEN s.permanent = 0 AND ") +
    index::kInClip +
    " THEN s.size_bytes ELSE 0 END), 0) AS BIGINT), "
    "CAST(COALESCE(sum(CASE WHEN s.start_us >= ?1 THEN s.size_bytes ELSE 0 END), 0) AS BIGINT), min(s.start_us) "
    "FROM segments s WHERE s.state IN ('recording', 'complete') GROUP BY s.camera_id ORDER BY s.camera_id"};
const Sql kCameraDeletions{
    "SELECT camera_id, CAST(COALESCE(sum(size_bytes), 0) AS BIGINT), "
    "min(CASE WHEN reason = 'disk' THEN at_us - start_us END) FROM audit "
    "WHERE at_us >= ?1 AND outcome IN ('deleted', 'already gone') GROUP BY camera_id ORDER BY camera_id"};

constexpr std::array<StateKind, 3> kKinds{StateKind::offline, StateKind::not_recording, StateKind::stalled};

}  // namespace

bool Writer::add_state_change(std::string_view camera_id, StateKind kind, TimePoint at, bool active) {
  const std::string_view kind_name = state_kind_name(kind);
  {
    auto latest = query(kLatestOfKind);
    latest->bind(1, camera_id);
    latest->bind(2, kind_name);
    if (latest->step() && (latest->int64(0) != 0) == active) return false;
  }
  auto q = query(kInsertChange);
  q->bind(1, camera_id);
  q->bind(2, kind_name);
  q->bind(3, at);
  q->bind(4, std::int64_t{active ? 1 : 0});
  q->exec();
  return true;
}

std::size_t Writer::prune_state_history(std::string_view camera_id, TimePoint before) {
  auto q = query(kPrune);
  q->bind(1, camera_id);
  q->bind(2, before);
  return static_cast<std::size_t>(q->exec());
}

std::vector<StateInterval> Reader::state_history(std::string_view camera_id, TimePoint from, TimePoint to) {
  struct Change {
    StateKind kind;
    TimePoint at;
    bool active;
  };
  std::vector<Change> changes;
  for (StateKind kind : kKinds) {
    auto q = query(kInForce);
    q->bind(1, camera_id);
    q->bind(2, state_kind_name(kind));
    q->bind(3, from);
    if (q->step()) changes.push_back({kind, q->time(0), q->int64(1) != 0});
  }
  {
    auto q = query(kChangesBetween);
    q->bind(1, camera_id);
    q->bind(2, from);
    q->bind(3, to);
    while (q->step()) {
      if (auto kind = parse_state_kind(q->column_text(0)))
        changes.push_back({*kind, q->time(1), q->int64(2) != 0});
    }
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.at < b.at; });
  std::vector<StateInterval> out;
  std::array<std::optional<std::size_t>, 3> open{};  // per kind: the interval still running
  for (const auto& c : changes) {
    auto& o = open[static_cast<std::size_t>(c.kind)];
    if (c.active && !o) {
      o = out.size();
      out.push_back(StateInterval{c.kind, c.at, std::nullopt});
    } else if (!c.active && o) {
      out[*o].end = c.at;
      o.reset();
    }
  }
  return out;
}

std::vector<SegmentFact> Reader::timeline_segments(std::string_view camera_id, TimePoint from, TimePoint to) {
  auto q = query(kTimelineSegments);
  q->bind(1, camera_id);
  q->bind(2, from);
  q->bind(3, to);
  std::vector<SegmentFact> out;
  while (q->step())
    out.push_back(SegmentFact{q->time(0), q->optional_micros(1), q->int64(2),
                              parse_segment_state(q->column_text(3)).value_or(SegmentState::missing)});
  return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> Reader::segment_day_versions(std::string_view camera_id,
                                                                                std::int64_t first_day,
                                                                                std::int64_t end_day) {
  auto q = query(kSegmentDays);
  q->bind(1, camera_id);
  q->bind(2, first_day);
  q->bind(3, end_day);
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  while (q->step()) out.emplace_back(q->int64(0), q->int64(1));
  return out;
}

std::vector<Deletion> Reader::deletions(std::string_view camera_id, TimePoint from, TimePoint to,
                                        Micros unknown_duration) {
  auto q = query(kDeletions);
  q->bind(1, camera_id);
  q->bind(2, from);
  q->bind(3, to);
  std::vector<Deletion> out;
  while (q->step()) {
    auto start = q->time(0);
    auto by = parse_deleted_by(q->column_text(2)).value_or(DeletedBy::retention);
    out.push_back(Deletion{start, start + q->optional_micros(1).value_or(unknown_duration), by});
  }
  return out;
}

std::vector<footage::CameraBytes> Reader::camera_bytes(TimePoint recent_since) {
  auto q = query(kCameraBytes);
  q->bind(1, recent_since);
  std::vector<footage::CameraBytes> out;
  while (q->step())
    out.push_back(footage::CameraBytes{q->text(0), q->int64(1), q->int64(2), q->int64(3), q->int64(4),
                                       q->optional_time(5)});
  return out;
}

std::vector<footage::CameraDeletions> Reader::camera_deletions(TimePoint since) {
  auto q = query(kCameraDeletions);
  q->bind(1, since);
  std::vector<footage::CameraDeletions> out;
  while (q->step()) out.push_back(footage::CameraDeletions{q->text(0), q->int64(1), q->optional_micros(2)});
  return out;
}

}  // namespace hs
