// Expiry, notice and deletion of segments: the retention queries as Reader and Writer operations.
// Every statement that picks segments to announce, claim or count includes kDeletable, so the
// protections (permanent, clip, recording) hold whatever the caller does.
#include <fmt/format.h>

#include "index/fragments.hpp"
#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

// Every protection in one place: what may ever be deleted by retention, the disk guard or a user.
const std::string kDeletable =
    std::string("s.permanent = 0 AND s.state IN ('complete', 'missing') AND NOT ") + index::kInClip;

// What a claim returns, and the one decoder of it.
constexpr const char* kVictimColumns = "id, camera_id, file, start_us, size_bytes, delete_reason, duration_us";

expiry::Victim read_victim(index::Statement& q) {
  return expiry::Victim{q.int64(0), q.text(1), q.text(2), q.time(3), q.int64(4), q.text(5), q.optional_micros(6)};
}

std::vector<expiry::Victim> read_victims(index::Statement& q) {
  std::vector<expiry::Victim> out;
  while (q.step()) out.push_back(read_victim(q));
  return out;
}

const Sql kMarkNotified{
    "UPDATE segments AS s SET notified_us = ?1, expires_us = CASE WHEN s.expires_us < ?3 THEN ?2 ELSE s.expires_us END "
    "WHERE s.id IN (SELECT s.id FROM segments s WHERE s.expires_us <= ?2 AND s.notified_us IS NULL AND s.node = ?4 AND " +
    kDeletable + " {skip_locked}) "
    "RETURNING id, camera_id, start_us, start_us + COALESCE(duration_us, 0), expires_us, size_bytes"};

const Sql kClaimExpired{
    "UPDATE segments AS s SET state = 'deleting', delete_reason = 'retention', updated_us = ?1 "
    "WHERE s.id IN (SELECT s.id FROM segments s WHERE s.expires_us <= ?1 AND s.notified_us IS NOT NULL AND s.node = ?3 AND " +
    kDeletable + " ORDER BY s.expires_us, s.id LIMIT ?2 {skip_locked}) RETURNING " + kVictimColumns};

// The `window` deletable segments that expire soonest, with the bytes of those before each
// (negative sizes count as 0); a segment is taken while that sum is below what must be freed.
const Sql kClaimForSpace{
    "UPDATE segments AS s SET state = 'deleting', delete_reason = 'disk', updated_us = ?1 "
    "WHERE s.id IN (SELECT r.id FROM ("
    "SELECT c.id, SUM(c.size) OVER (ORDER BY c.expires_us, c.id ROWS UNBOUNDED PRECEDING) - c.size AS before "
    "FROM (SELECT s.id, s.expires_us, CASE WHEN s.size_bytes > 0 THEN s.size_bytes ELSE 0 END AS size "
    "FROM segments s WHERE s.node = ?4 AND " + kDeletable + " ORDER BY s.expires_us, s.id LIMIT ?3 {skip_locked}) AS c"
    ") AS r WHERE r.before < ?2) RETURNING " + kVictimColumns};

const Sql kClaimOne{
    "UPDATE segments AS s SET state = 'deleting', delete_reason = 'manual', updated_us = ?2 WHERE s.id = ?1 AND s.node = ?3 AND " +
    kDeletable + " RETURNING " + kVictimColumns};

const Sql kDeleting{
    "SELECT id, camera_id, file, start_us, size_bytes, COALESCE(delete_reason, 'retention'), duration_us FROM segments "
    "WHERE state = 'deleting' AND node = ?2 LIMIT ?1"};
const Sql kForget{"DELETE FROM segments WHERE id = ?1 AND state = 'deleting'"};
const Sql kRestore{"UPDATE segments SET state = 'complete', delete_reason = NULL WHERE id = ?1 AND state = 'deleting'"};

const std::string kTally =
    "SELECT s.camera_id, count(*), CAST(COALESCE(sum(s.size_bytes), 0) AS BIGINT), min(s.start_us), max(s.start_us) "
    "FROM segments s WHERE ";
const Sql kDeletableNow{kTally + "s.expires_us <= ?1 AND s.notified_us IS NOT NULL AND s.node = ?2 AND " + kDeletable +
                        " GROUP BY s.camera_id ORDER BY s.camera_id"};
const Sql kUnannounced{kTally + "s.expires_us <= ?1 AND s.notified_us IS NULL AND s.node = ?2 AND " + kDeletable +
                       " GROUP BY s.camera_id ORDER BY s.camera_id"};
const Sql kExpiredUnder{kTally + "s.camera_id = ?1 AND s.start_us + ?2 <= ?3 AND " + kDeletable +
                        " GROUP BY s.camera_id"};

expiry::CameraTally read_tally(index::Statement& q) {
  return expiry::CameraTally{q.text(0), q.int64(1), q.int64(2), q.time(3), q.time(4)};
}

std::vector<expiry::CameraTally> read_tallies(index::Statement& q) {
  std::vector<expiry::CameraTally> out;
  while (q.step()) out.push_back(read_tally(q));
  return out;
}

const Sql kExpiring{fmt::format(
    "SELECT {} FROM segments s WHERE s.expires_us <= ?1 AND (CAST(?2 AS TEXT) IS NULL OR s.camera_id = ?2) AND {} "
    "ORDER BY s.expires_us, s.id LIMIT ?3",
    index::kSegmentColumns, kDeletable)};

// ?2 retention, ?3 the notice horizon. Far enough away: the plain rule, and a fresh notice later.
// Already announced and due within the horizon: keep the announced time (or later). Otherwise:
// notice first, deletion at the horizon.
const Sql kApplyRetention{
    "UPDATE segments SET "
    "expires_us = CASE WHEN start_us + ?2 >= ?3 THEN start_us + ?2 "
    "  WHEN notified_us IS NOT NULL AND expires_us <= ?3 THEN greatest(expires_us, start_us + ?2) ELSE ?3 END, "
    "notified_us = CASE WHEN start_us + ?2 >= ?3 THEN NULL "
    "  WHEN notified_us IS NOT NULL AND expires_us <= ?3 THEN notified_us ELSE NULL END "
    "WHERE camera_id = ?1 AND permanent = 0 AND state != 'deleting'"};
const Sql kSetApplied{"UPDATE cameras SET applied_retention_us = ?2 WHERE id = ?1"};

const Sql kMarkPermanent{"UPDATE segments SET permanent = 1, updated_us = ?2 WHERE id = ?1"};
const Sql kUnmarkPermanent{
    "UPDATE segments SET permanent = 0, notified_us = NULL, updated_us = ?2, expires_us = greatest(start_us + ?3, ?4) "
    "WHERE id = ?1"};

const Sql kDeleteClip{"DELETE FROM clips WHERE id = ?1"};
// The segments of a removed clip's range that no other clip holds: back to the cycle, notice first.
const Sql kRearmClipRange{
    std::string("UPDATE segments AS s SET notified_us = NULL, expires_us = greatest(s.start_us + ?4, ?5) "
                "WHERE s.camera_id = ?1 AND s.start_us < ?3 AND s.start_us + COALESCE(s.duration_us, 90000000000) > ?2 "
                "AND s.permanent = 0 AND s.state != 'deleting' AND NOT ") +
    index::kInClip};

}  // namespace

std::vector<expiry::Notice> Writer::mark_notified(TimePoint now, TimePoint horizon, TimePoint late_before) {
  auto q = query(kMarkNotified);
  q->bind(1, now);
  q->bind(2, horizon);
  q->bind(3, late_before);
  q->bind(4, node());
  std::vector<expiry::Notice> out;
  while (q->step())
    out.push_back(expiry::Notice{q->int64(0), q->text(1), q->time(2), q->time(3), q->time(4), q->int64(5)});
  return out;
}

std::vector<expiry::Victim> Writer::claim_expired(TimePoint now, int limit) {
  auto q = query(kClaimExpired);
  q->bind(1, now);
  q->bind(2, std::int64_t{limit});
  q->bind(3, node());
  return read_victims(*q);
}

std::vector<expiry::Victim> Writer::claim_for_space(std::int64_t bytes, TimePoint now, int window) {
  auto q = query(kClaimForSpace);
  q->bind(1, now);
  q->bind(2, bytes);
  q->bind(3, std::int64_t{window});
  q->bind(4, node());
  return read_victims(*q);
}

std::optional<expiry::Victim> Writer::claim_for_manual_deletion(std::int64_t id, TimePoint now) {
  auto q = query(kClaimOne);
  q->bind(1, id);
  q->bind(2, now);
  q->bind(3, node());
  if (!q->step()) return std::nullopt;
  auto victim = read_victim(*q);
  while (q->step()) {
  }
  return victim;
}

std::vector<expiry::Victim> Reader::deleting_segments(int limit) {
  auto q = query(kDeleting);
  q->bind(1, std::int64_t{limit});
  q->bind(2, node());
  return read_victims(*q);
}

bool Writer::forget_deleted(std::int64_t id) {
  auto q = query(kForget);
  q->bind(1, id);
  return q->exec() > 0;
}

bool Writer::restore_undeleted(std::int64_t id) {
  auto q = query(kRestore);
  q->bind(1, id);
  return q->exec() > 0;
}

std::vector<expiry::CameraTally> Reader::deletable_now(TimePoint now) {
  auto q = query(kDeletableNow);
  q->bind(1, now);
  q->bind(2, node());
  return read_tallies(*q);
}

std::vector<expiry::CameraTally> Reader::unannounced_before(TimePoint horizon) {
  auto q = query(kUnannounced);
  q->bind(1, horizon);
  q->bind(2, node());
  return read_tallies(*q);
}

expiry::CameraTally Reader::expired_under(std::string_view camera_id, Micros retention, TimePoint now) {
  auto q = query(kExpiredUnder);
  q->bind(1, camera_id);
  q->bind(2, retention);
  q->bind(3, now);
  if (q->step()) return read_tally(*q);
  return expiry::CameraTally{std::string(camera_id)};
}

std::vector<Segment> Reader::expiring(TimePoint before, const std::optional<std::string>& camera_id, int limit) {
  auto q = query(kExpiring);
  q->bind(1, before);
  q->bind(2, camera_id);
  q->bind(3, std::int64_t{limit});
  std::vector<Segment> out;
  while (q->step()) out.push_back(index::read_segment(*q));
  return out;
}

void Writer::apply_camera_retention(std::string_view camera_id, Micros retention, TimePoint notice_until) {
  {
    auto q = query(kApplyRetention);
    q->bind(1, camera_id);
    q->bind(2, retention);
    q->bind(3, notice_until);
    q->exec();
  }
  auto c = query(kSetApplied);
  c->bind(1, camera_id);
  c->bind(2, retention);
  c->exec();
}

void Writer::mark_permanent(std::int64_t id, TimePoint now) {
  auto q = query(kMarkPermanent);
  q->bind(1, id);
  q->bind(2, now);
  q->exec();
}

void Writer::unmark_permanent(std::int64_t id, Micros retention, TimePoint notice_until, TimePoint now) {
  auto q = query(kUnmarkPermanent);
  q->bind(1, id);
  q->bind(2, now);
  q->bind(3, retention);
  q->bind(4, notice_until);
  q->exec();
}

bool Writer::remove_clip(const clips::Clip& clip, Micros retention, TimePoint notice_until) {
  {
    auto q = query(kDeleteClip);
    q->bind(1, clip.id);
    if (q->exec() == 0) return false;
  }
  auto q = query(kRearmClipRange);
  q->bind(1, clip.camera_id);
  q->bind(2, clip.start);
  q->bind(3, clip.end);
  q->bind(4, retention);
  q->bind(5, notice_until);
  q->exec();
  return true;
}

}  // namespace hs
