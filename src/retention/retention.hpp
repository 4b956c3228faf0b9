#pragma once
// Cyclic retention: the pass that warns, deletes expired footage and guards free disk space, plus
// the operations that change what may be deleted (permanent flags, clips, plan changes).
//
// Rules (ARCHITECTURE.md "Deletion invariants" has them per reason with the test of each):
//  - A segment expires at start + retention of its camera (plan or override); expires_at is stored.
//  - Never deleted, for any reason: a permanent segment, a segment overlapping a clip of its camera,
//    a segment still `recording`. The SQL that picks victims enforces this, not only its callers:
//    every claim of index/expiry.cpp holds the protections in its WHERE clause.
//  - Every deletion, for any reason, writes an audit row (reason retention / disk / manual, and the
//    outcome) and a recordings.deleted event per camera and reason, in the transaction that forgets
//    the rows.
//  - reason retention (delete_expired): never before expires_at, never without a notice first. The
//    notification step of each pass (a recordings.expiring event per camera, docs/webhooks.md)
//    warns about everything expiring within `notify_before`; a warning that comes late (the server
//    was down, a plan got shorter, a permanent flag was removed) pushes the expiry to
//    now + notify_before, so every such deletion is announced at least notify_before - interval ahead.
//  - reason disk (guard_disk), by design before expires_at and without a notice first: only while
//    free space is below disk_min_free, the deletable segments that expire soonest ((expires_at, id)
//    order), just enough to get back above the floor; with nothing deletable left, a disk.alert.
//  - reason manual (delete_segment), by design before expires_at and without a notice first: the one
//    segment the admin named, if deletable (else Conflict naming the protection).
//  - Deletion is crash-safe: rows are marked `deleting` in a transaction, files unlinked, rows
//    forgotten with an audit entry; rows left `deleting` by a crash are finished at the next pass.
//    A failed unlink puts the row back without an audit entry (logged; retried at the next pass).
//  - Nothing is forgotten as "already gone" while the recordings root is missing or empty (a disk
//    not mounted, util/fs.hpp recordings_root_unseen): the rows go back and wait.
//  - Files are only unlinked inside the recordings root; a path that resolves outside (symlinks) is
//    never touched.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/segment.hpp"
#include "index/database.hpp"
#include "notify/event_outbox.hpp"
#include "util/progress.hpp"

namespace hs {

struct DiskUsage {
  std::uint64_t total = 0;
  std::uint64_t free = 0;  // available to unprivileged users
};

// Free-space source: statvfs by default; tests substitute their own.
class DiskProbe {
 public:
  virtual ~DiskProbe() = default;
  virtual DiskUsage usage(const std::filesystem::path& p) const;
};

class Retention {
 public:
  Retention(const Config& config, Database& db, std::filesystem::path root, const Clock& clock,
            const DiskProbe& disk);

  struct PassReport {
    std::size_t recovered = 0;         // `deleting` rows finished after a crash
    std::size_t notified = 0;          // segments warned about
    std::size_t notifications = 0;     // grouped notifications written
    std::size_t deleted = 0;           // by retention
    std::int64_t deleted_bytes = 0;
    std::size_t disk_deleted = 0;      // by the disk guard
    std::int64_t disk_deleted_bytes = 0;
    std::size_t refused = 0;           // paths outside the root: forgotten, never touched
    bool disk_alert = false;           // below the floor with nothing left that may be deleted
    Micros elapsed{0};
  };
  PassReport run_pass();
  // Told how far a pass got (its phases, and segments deleted so far); empty: not told.
  ProgressFn progress;

  // What deletion would do now, per camera, without touching anything.
  using CameraTally = expiry::CameraTally;
  struct DryRun {
    std::vector<CameraTally> deletable;  // expired and notified: deleted by a pass now
    std::vector<CameraTally> to_notify;  // would be warned now (and deleted after the notice)
  };
  DryRun dry_run();
  // Segments of a camera that `retention` makes expired now (ignoring the notice rule).
  CameraTally preview(const std::string& camera_id, Micros retention);

  // At start: recomputes the expiries of every camera whose retention changed since they were
  // computed (plan, override, or plan durations in the config), with the notice rule
  // (Writer::apply_camera_retention).
  void sync_expiries();

  // Throws NotFound / Conflict (segment being deleted).
  Segment set_permanent(std::int64_t segment_id, bool permanent);
  // Manual deletion of one segment (reason manual). Throws NotFound, Conflict for permanent,
  // clip-protected or recording segments, Unavailable when the file could not be removed (the
  // row stays).
  void delete_segment(std::int64_t segment_id);
  // A permanent clip of a camera from `start` to `end`, with the recordings it keeps (at most
  // 1,000 listed). Throws NotFound naming the camera.
  struct ClipView {
    clips::Clip clip;
    Camera camera;
    std::vector<Segment> recordings;
  };
  ClipView add_clip(const std::string& camera_id, TimePoint start, TimePoint end, const std::string& label);
  // Throws NotFound.
  ClipView clip(std::int64_t clip_id);
  // Removes a clip; its segments get the unmark grace (notice first). Throws NotFound.
  void remove_clip(std::int64_t clip_id);

  // Not permanent, not in a clip, expiring before now + within; soonest first.
  std::vector<Segment> expiring(Micros within, const std::optional<std::string>& camera_id, int limit);

  // Alert text when the disk guard could not free enough space ("" when fine).
  std::string alert() const;
  // When the current alert was raised (none when fine).
  std::optional<TimePoint> alert_since() const;

  // Why deletions wait (the recordings root is missing or empty: a disk not mounted), "" when they
  // do not; set when a deletion found it so, cleared when one found the files visible again.
  std::string root_unseen() const;
  std::optional<TimePoint> root_unseen_since() const;

  // The recordings disk the guard watches (the storage report). usage() throws Error naming the
  // failing statvfs.
  const std::filesystem::path& root() const { return root_; }
  DiskUsage disk_usage() const { return disk_.usage(root_); }

 private:
  using Victim = expiry::Victim;
  std::size_t recover(PassReport& report);
  void notify(PassReport& report);
  void delete_expired(PassReport& report);
  void guard_disk(PassReport& report);
  // Unlinks the files of rows already marked `deleting` and forgets them with an audit entry.
  // Rows whose unlink failed go back to `complete`. Returns the number of rows forgotten.
  std::size_t finish(const std::vector<Victim>& victims, PassReport& report, std::int64_t& bytes);
  Micros retention_of_camera(Reader& r, const std::string& camera_id) const;
  // Records the disk alert ("" when fine); its raising and clearing are disk.alert / disk.ok events.
  void set_alert(const std::string& alert, const DiskUsage& u, std::uint64_t floor);
  // Records (and logs, once per change) why deletions wait; "" when they do not.
  void set_root_unseen(const std::string& why);

  const Config& config_;
  Database& db_;
  std::filesystem::path root_;
  const Clock& clock_;
  const DiskProbe& disk_;
  std::mutex pass_mutex_;  // one pass or manual deletion at a time: `deleting` rows have one owner
  std::vector<WebhookTarget> targets_;  // who gets which event (notify/event_outbox.hpp)
  mutable std::mutex alert_mutex_;
  std::string alert_;
  TimePoint alert_since_;
  std::string root_unseen_;
  TimePoint root_unseen_since_;
};

}  // namespace hs
