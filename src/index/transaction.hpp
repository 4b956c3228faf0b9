#pragma once
// The index's operations, as methods of the two transaction objects Database hands out: a Reader
// (Database::reader(), a pooled connection) and a Writer (inside Database::write(), the one writer
// connection, in a transaction shared with other queued writes). Every row the program stores or
// reads goes through one of these methods; their SQL lives in the file named at each group, next to
// the method, and each row type is decoded in one place.
//
// Methods throw the engine's error (a std::runtime_error naming the SQL failure) unless they say
// otherwise; "not found" is an empty optional, never an exception.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/segment.hpp"
#include "domain/timeline.hpp"
#include "domain/webhook_event.hpp"
#include "index/audit.hpp"
#include "index/cameras.hpp"
#include "index/clips.hpp"
#include "index/connection.hpp"
#include "index/events.hpp"
#include "index/expiry.hpp"
#include "index/nodes.hpp"
#include "index/notifications.hpp"
#include "index/segments.hpp"
#include "index/state_history.hpp"

namespace hs {

class Reader {
 public:
  // The node this process is (config node.id; "local" by default): operations that act on "own"
  // rows (reconcile's file list, retention's claims and notices) see only rows of this node.
  const std::string& node() const { return *node_; }

  // --- nodes (index/nodes.cpp)
  std::vector<nodes::Node> all_nodes();  // by id
  std::optional<nodes::Node> node_info(std::string_view id);

  // --- cameras and stream status (index/cameras.cpp)
  std::optional<cameras::Row> camera(std::string_view id);
  std::optional<cameras::Row> camera_by_path(std::string_view path);
  std::vector<cameras::Row> all_cameras();  // by id
  std::vector<cameras::RetentionSetting> retention_settings();

  // --- segments (index/segments.cpp)
  std::optional<Segment> segment(std::int64_t id);
  std::optional<Segment> segment_by_file(std::string_view file);
  // Segments of a camera overlapping [from, to), ordered by start then id, `limit` per page,
  // resumed after `cursor` (from a previous page). Rows being deleted are not listed.
  // Throws BadInput naming a malformed cursor.
  segments::Page segment_page(std::string_view camera_id, std::optional<TimePoint> from, std::optional<TimePoint> to,
                              int limit, const std::optional<std::string>& cursor, TimePoint now);
  // Count, bytes and start range of a camera's recording and complete segments.
  segments::Summary segment_summary(std::string_view camera_id);
  // The start of a camera's oldest recording or complete segment (segment_summary's `oldest`) in
  // one indexed read, without counting and summing every row of the camera.
  std::optional<TimePoint> oldest_segment_start(std::string_view camera_id);
  // For reconciliation: calls `row` with every indexed file of this node (the view is valid during the call
  // only), its id and state, in one scan of the table.
  void each_segment_file(const std::function<void(std::string_view file, std::int64_t id, SegmentState state)>& row);
  // The camera of a segment row (none when the row is gone).
  std::optional<std::string> camera_of_segment(std::int64_t id);
  // A camera's segment with the latest start (not being deleted), with when its row was created and
  // last changed (this server's clock), for the stall watchdog.
  std::optional<segments::Newest> newest_segment(std::string_view camera_id);

  // --- the event log (index/events.cpp)
  // Newest first, at most `limit`, optionally for one camera.
  std::vector<events::Entry> recent_events(int limit, const std::optional<std::string>& camera_id);

  // --- permanent clips (index/clips.cpp)
  std::optional<clips::Clip> clip(std::int64_t id);
  std::vector<clips::Clip> list_clips(const std::optional<std::string>& camera_id);  // by camera, start

  // --- the deletion audit (index/audit.cpp)
  // Newest first.
  std::vector<audit::Entry> audit_log(const std::optional<std::string>& camera_id, std::optional<TimePoint> from,
                                      std::optional<TimePoint> to, int limit);
  std::vector<audit::Total> audit_totals();

  // --- the notification outbox (index/notifications.cpp)
  // Newest first, with deliveries.
  std::vector<notifications::Notification> recent_notifications(int limit);
  std::vector<notifications::DeliveryTotal> delivery_totals();

  // --- expiry and deletion (index/expiry.cpp); "deletable" means not permanent, in no clip of
  // its camera, and complete or missing.
  // Operations that claim, announce or list rows for deletion act on this node's segments only:
  // a node deletes only the files it holds.
  // Rows left `deleting` (by a crash, or a pass still finishing), with their reasons.
  std::vector<expiry::Victim> deleting_segments(int limit);
  // Per camera: deletable segments whose announced expiry has come (what a pass deletes now).
  std::vector<expiry::CameraTally> deletable_now(TimePoint now);
  // Per camera: deletable segments not announced yet that expire before `horizon`.
  std::vector<expiry::CameraTally> unannounced_before(TimePoint horizon);
  // The deletable segments of a camera that would have expired by `now` under `retention`.
  expiry::CameraTally expired_under(std::string_view camera_id, Micros retention, TimePoint now);
  // Deletable segments expiring before `before`, soonest first, optionally of one camera.
  std::vector<Segment> expiring(TimePoint before, const std::optional<std::string>& camera_id, int limit);

  // --- proof of recording (index/state_history.cpp)
  // A camera's offline / not_recording / stalled intervals overlapping [from, to), including the
  // ones in force at `from` (which then start before it); an interval still open has no end.
  // Before a kind's first change point nothing is known about it (no interval).
  std::vector<StateInterval> state_history(std::string_view camera_id, TimePoint from, TimePoint to);
  // Segments of a camera starting in [from, to), by start (callers widen `from` by the longest
  // segment to get the ones that reach into their range).
  std::vector<SegmentFact> timeline_segments(std::string_view camera_id, TimePoint from, TimePoint to);
  // (day, version) of a camera's UTC days in [first_day, end_day) that ever had a segment (day =
  // start_us / 86400000000; the version moves whenever a segment row of the day changes what a
  // timeline shows: schema 6). A day not listed never had one.
  std::vector<std::pair<std::int64_t, std::int64_t>> segment_day_versions(std::string_view camera_id,
                                                                         std::int64_t first_day, std::int64_t end_day);
  // Deletions (audit rows that removed footage) of segments starting in [from, to); a segment of
  // unknown length is taken as `unknown_duration` long.
  std::vector<Deletion> deletions(std::string_view camera_id, TimePoint from, TimePoint to, Micros unknown_duration);
  // Per camera with footage: bytes held (all, permanent, in clips, started since `recent_since`)
  // and the oldest footage start. By camera id.
  std::vector<footage::CameraBytes> camera_bytes(TimePoint recent_since);
  // Per camera: what the audit says was deleted since `since`. By camera id.
  std::vector<footage::CameraDeletions> camera_deletions(TimePoint since);

  // For tests and tools that run SQL of their own; the program's code uses the methods above.
  index::Connection& connection() { return *connection_; }

 protected:
  Reader(index::Connection& connection, const std::string& node) : connection_(&connection), node_(&node) {}
  ~Reader() = default;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  index::Query query(const index::Sql& sql) { return connection_->query(sql); }

  index::Connection* connection_;
  const std::string* node_;
};

class Writer : public Reader {
 public:
  // --- nodes (index/nodes.cpp)
  // Registers this node (its URLs, started and seen now) or updates it.
  void upsert_node(const nodes::Node& node);
  // This node is alive at `now`, if `instance` is still the process that registered it; false when
  // another process registered this node id since (two processes with one node.id).
  bool touch_node(TimePoint now, std::string_view instance);
  // Gives this node the cameras and segments written before nodes existed (schema 7). Returns how
  // many rows it took.
  std::size_t adopt_unowned();

  // --- cameras and stream status (index/cameras.cpp)
  // Inserts or updates a camera (by id), its node included (empty: this node). Clears removed_at.
  // Returns true when anything changed.
  bool upsert_camera(const Camera& camera, TimePoint now);
  // Marks a camera removed (its recordings stay indexed with their retention).
  bool mark_camera_removed(std::string_view id, TimePoint now);
  // Records a stream state seen at `at`. Events older than the last applied one are ignored (hooks
  // arrive out of order and spooled ones late); a repeat of the same event changes nothing.
  // Returns true when the status changed.
  bool apply_stream_status(std::string_view camera_id, StreamState state, TimePoint at, std::string_view source_type);

  // --- proof of recording (index/state_history.cpp)
  // Records that from `at` on a camera's `kind` condition is (or is no longer) active. Nothing is
  // stored when that repeats the kind's latest change point; returns true when a row was added.
  // upsert_camera (record) and apply_stream_status (offline) call it; the stall watchdog calls it
  // with StateKind::stalled when a stall starts (true) and ends (false).
  bool add_state_change(std::string_view camera_id, StateKind kind, TimePoint at, bool active);
  // Drops a camera's change points older than `before`, keeping per kind the newest of them (the
  // state in force at `before`). Returns how many rows went.
  std::size_t prune_state_history(std::string_view camera_id, TimePoint before);

  // --- segments (index/segments.cpp)
  // segment-create: a row in state recording unless the file is already known (a complete hook
  // may have arrived first). Returns the new row's id when one was added.
  std::optional<std::int64_t> segment_created(std::string_view camera_id, std::string_view file, TimePoint start,
                                              std::optional<TimePoint> expires_at, TimePoint now);
  // segment-complete (or reconcile finding a finished file): state complete with duration and
  // size. A row being deleted is left alone. Returns the row's id when anything changed (an
  // unchanged row's id needs segment_by_file).
  std::optional<std::int64_t> segment_completed(std::string_view camera_id, std::string_view file, TimePoint start,
                                                std::optional<Micros> duration, std::int64_t size_bytes,
                                                std::optional<TimePoint> expires_at, TimePoint now);
  // Sets the state of one row (reconcile: missing, or complete again when a file reappears). A
  // row being deleted is left alone. Returns true when it changed.
  bool set_segment_state(std::int64_t id, SegmentState state, TimePoint now);

  // --- the event log (index/events.cpp)
  void append_event(const events::Entry& e);
  // Deletes up to `limit` of the oldest entries received before `before`; returns how many. Looks
  // at the `limit` oldest rows only (ids grow with arrival), so a call costs the same however long
  // the log is; call again while it returns `limit`.
  std::size_t prune_events(TimePoint before, int limit);

  // --- permanent clips (index/clips.cpp)
  clips::Clip add_clip(std::string_view camera_id, TimePoint start, TimePoint end, const std::string& label,
                       TimePoint now);

  // --- the deletion audit (index/audit.cpp)
  void append_audit(const audit::Entry& e);

  // --- the notification outbox (index/notifications.cpp)
  // Adds an event (domain/webhook_event.hpp; its id is ignored) as a notification of kind
  // "<event type>" with a pending delivery per URL; returns the notification's id, which the stored
  // body gets as its "id" (a string).
  std::int64_t add_event(const WebhookEvent& event, const std::vector<std::string>& urls, TimePoint now);
  // Adds a notification and a pending delivery per URL; returns its id, which the stored payload
  // (a JSON object) gets as "id".
  std::int64_t add_notification(const std::string& kind, const std::string& camera_id,
                                const std::string& payload_json_without_id, const std::vector<std::string>& urls,
                                TimePoint now);
  // Claims up to `limit` deliveries due at `now` (soonest due; returned oldest first), with their
  // notifications' kinds and payloads: their next attempt moves to `lease_until`, so no other node
  // or run sends them meanwhile; one not marked by then (its sender died) is due again.
  std::vector<notifications::Due> claim_due_deliveries(TimePoint now, int limit, TimePoint lease_until);
  // A claimed delivery not tried in this run: its claim released, due again at `at`.
  void reschedule_delivery(std::int64_t delivery_id, TimePoint at);
  void mark_delivered(std::int64_t delivery_id, TimePoint now);
  void mark_delivery_failed(std::int64_t delivery_id, const std::string& error, TimePoint next_attempt);

  // --- expiry and deletion (index/expiry.cpp)
  // Marks notified (at `now`) every deletable segment not announced yet that expires before
  // `horizon`, and returns them. An expiry earlier than `late_before` is late for a full notice and
  // moves to `horizon`.
  std::vector<expiry::Notice> mark_notified(TimePoint now, TimePoint horizon, TimePoint late_before);
  // Claims (marks `deleting`, reason retention) up to `limit` deletable segments whose announced
  // expiry has come, soonest first.
  std::vector<expiry::Victim> claim_expired(TimePoint now, int limit);
  // Claims (reason disk) the deletable segments that expire soonest, just enough of them to free
  // `bytes`: each is taken while the sizes of those before it sum to less. Looks at the `window`
  // soonest only.
  std::vector<expiry::Victim> claim_for_space(std::int64_t bytes, TimePoint now, int window);
  // Claims one segment (reason manual) when it is deletable; none otherwise.
  std::optional<expiry::Victim> claim_for_manual_deletion(std::int64_t id, TimePoint now);
  // After its file was unlinked (or found gone): forgets a claimed row. After a failed unlink:
  // returns it to `complete` for a later attempt. Both return false when the row is not claimed.
  bool forget_deleted(std::int64_t id);
  bool restore_undeleted(std::int64_t id);
  // Recomputes the expiries of a camera's segments for `retention` and records it as applied.
  // Far enough away: start + retention, and a fresh notice later. Already announced and due before
  // `notice_until`: the announced time (or later). Otherwise: `notice_until`, notice first.
  void apply_camera_retention(std::string_view camera_id, Micros retention, TimePoint notice_until);
  // Permanent segments are never deleted.
  void mark_permanent(std::int64_t id, TimePoint now);
  // Back to the normal cycle, never to an immediate surprise deletion: expiry at start + retention
  // but not before `notice_until`, notice first.
  void unmark_permanent(std::int64_t id, Micros retention, TimePoint notice_until, TimePoint now);
  // Deletes a clip; its segments that no other clip holds return to the cycle as unmark_permanent
  // does. Returns false when there was no such clip.
  bool remove_clip(const clips::Clip& clip, Micros retention, TimePoint notice_until);

 private:
  friend class Database;
  Writer(index::Connection& connection, const std::string& node) : Reader(connection, node) {}
};

}  // namespace hs
