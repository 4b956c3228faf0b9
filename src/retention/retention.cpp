// The retention pass and the operations around it: when to warn, claim, unlink and forget. Which
// segments may be claimed is decided by the index's claims (index/expiry.cpp), whose SQL holds
// every protection, so no caller can delete what must be kept.
//
// Footage is deleted here for three reasons, each with its own promise (ARCHITECTURE.md "Deletion
// invariants" names the test of each):
//  - retention (delete_expired): never before expires_at, never without an earlier
//    recordings.expiring notice (notify() pushes a late notice's expiry to now + notify_before).
//  - disk (guard_disk): by design before expires_at and without a notice first, only while free
//    space is below disk_min_free: the soonest-expiring deletable segments, just enough of them;
//    with nothing deletable left, a disk.alert instead.
//  - manual (delete_segment): by design before expires_at and without a notice first: the one
//    segment the admin named, if deletable, else a Conflict naming the protection.
// For every reason: permanent, clip and recording footage is never claimed; finish() writes an
// audit row (the reason, the outcome) and a recordings.deleted event per camera and reason in the
// transaction that forgets the rows.
#include "retention/retention.hpp"

#include <errno.h>
#include <fmt/format.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <mutex>
#include <nlohmann/json.hpp>

#include "notify/event_outbox.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

constexpr int kBatch = 500;
// The disk guard claims from the soonest-expiring segments up to this many per transaction.
constexpr int kDiskWindow = 200;
// Recordings listed with a clip.
constexpr int kClipRecordings = 1000;

auto rlog() { return log::get("retention"); }

}  // namespace

DiskUsage DiskProbe::usage(const fs::path& p) const {
  struct statvfs st {};
  if (::statvfs(p.c_str(), &st) != 0)
    throw Error(fmt::format("statvfs({}) failed: {}", p.string(), std::strerror(errno)));
  return {static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize, static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize};
}

Retention::Retention(const Config& config, Database& db, fs::path root, const Clock& clock, const DiskProbe& disk)
    : config_(config), db_(db), root_(std::move(root)), clock_(clock), disk_(disk), targets_(webhook_targets(config)) {}

std::string Retention::alert() const {
  std::lock_guard lock(alert_mutex_);
  return alert_;
}

std::optional<TimePoint> Retention::alert_since() const {
  std::lock_guard lock(alert_mutex_);
  return alert_.empty() ? std::nullopt : std::optional<TimePoint>(alert_since_);
}

Micros Retention::retention_of_camera(Reader& r, const std::string& camera_id) const {
  auto row = r.camera(camera_id);
  if (!row) return config_.retention_for(nullptr);
  return config_.retention_for(row->camera.plan, row->camera.retention_override);
}

void Retention::sync_expiries() {
  auto now = clock_.now();
  db_.write([&](Writer& w) {
    for (const auto& c : w.retention_settings()) {
      Micros effective = config_.retention_for(c.plan, c.retention_override);
      if (c.applied == effective) continue;
      w.apply_camera_retention(c.camera_id, effective, now + config_.retention.notify_before);
      rlog()->info("camera {}: retention {} applied to its segments", quote(c.camera_id), format_duration(effective));
    }
  });
}

Retention::PassReport Retention::run_pass() {
  std::lock_guard pass(pass_mutex_);
  auto started = std::chrono::steady_clock::now();
  PassReport report;
  auto phase = [&](std::string_view name) {
    if (progress) progress(name, report.recovered + report.deleted + report.disk_deleted, 0);
  };
  phase("finishing interrupted deletions");
  recover(report);
  phase("notifying");
  notify(report);
  phase("deleting expired");
  delete_expired(report);
  phase("checking free space");
  guard_disk(report);
  report.elapsed = std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - started);
  if (report.deleted || report.disk_deleted || report.notified || report.recovered || report.refused)
    rlog()->info("pass: {} notified in {} notifications, {} deleted ({} bytes), {} deleted for disk space, "
                "{} recovered, {} refused, in {} ms",
                report.notified, report.notifications, report.deleted, report.deleted_bytes, report.disk_deleted,
                report.recovered, report.refused, report.elapsed.count() / 1000);
  return report;
}

std::size_t Retention::recover(PassReport& report) {
  for (;;) {
    auto victims = db_.reader().deleting_segments(kBatch);
    if (victims.empty()) return report.recovered;
    std::int64_t bytes = 0;
    finish(victims, report, bytes);
    report.recovered += victims.size();
  }
}

void Retention::notify(PassReport& report) {
  auto now = clock_.now();
  const Micros lead = config_.retention.notify_before;
  const Micros interval = config_.retention.interval;
  std::map<std::string, std::vector<expiry::Notice>> groups;
  db_.write([&](Writer& w) {
    for (auto& n : w.mark_notified(now, now + lead, now + lead - interval)) groups[n.camera_id].push_back(std::move(n));
    for (const auto& [camera, items] : groups) {
      nlohmann::json ids = nlohmann::json::array();
      std::int64_t bytes = 0;
      TimePoint first = items.front().expires, last = first, from = items.front().start, to = items.front().end;
      for (const auto& i : items) {
        ids.push_back(i.id);
        bytes += i.size;
        first = std::min(first, i.expires);
        last = std::max(last, i.expires);
        from = std::min(from, i.start);
        to = std::max(to, i.end);
      }
      nlohmann::json data{{"count", items.size()},
                          {"bytes", bytes},
                          {"first_expiry", format_rfc3339_ms(first)},
                          {"last_expiry", format_rfc3339_ms(last)},
                          {"range", {{"from", format_rfc3339_ms(from)}, {"to", format_rfc3339_ms(to)}}},
                          {"segment_ids", std::move(ids)}};
      add_event(w, targets_, EventType::recordings_expiring, camera, now, std::move(data), now);
      report.notified += items.size();
      ++report.notifications;
    }
  });
}

void Retention::delete_expired(PassReport& report) {
  for (;;) {
    auto now = clock_.now();
    auto victims = db_.write([&](Writer& w) { return w.claim_expired(now, kBatch); });
    if (victims.empty()) return;
    const std::size_t forgotten = finish(victims, report, report.deleted_bytes);
    report.deleted += forgotten;
    if (progress) progress("deleting expired", report.deleted, 0);
    // Unlink failures put rows back: stop rather than claim the same rows again.
    if (victims.size() < static_cast<size_t>(kBatch) || forgotten == 0) return;
  }
}

void Retention::guard_disk(PassReport& report) {
  const auto& floor_cfg = config_.retention.disk_min_free;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return;
  DiskUsage u = disk_.usage(root_);
  auto floor_bytes = [&](const DiskUsage& d) { return floor_cfg.bytes_of(d.total); };
  if (u.free >= floor_bytes(u)) {
    set_alert("", u, floor_bytes(u));
    return;
  }
  while (u.free < floor_bytes(u)) {
    auto now = clock_.now();
    const std::uint64_t need = floor_bytes(u) - u.free;
    // Soonest to expire first (what retention would delete next anyway), just enough of them.
    auto victims = db_.write([&](Writer& w) {
      return w.claim_for_space(static_cast<std::int64_t>(need), now, kDiskWindow);
    });
    if (victims.empty()) break;
    std::size_t forgotten = finish(victims, report, report.disk_deleted_bytes);
    report.disk_deleted += victims.size();
    u = disk_.usage(root_);
    // Unlink failures put rows back; stop rather than pick the same rows again.
    if (forgotten == 0) break;
  }
  std::string alert;
  if (u.free < floor_bytes(u)) {
    alert = fmt::format("recordings disk {} has {} bytes free, below the floor of {} bytes, and only permanent, clip or "
                        "recording footage is left: nothing more will be deleted",
                        root_.string(), u.free, floor_bytes(u));
    report.disk_alert = true;
    rlog()->error("{}", alert);
  }
  set_alert(alert, u, floor_bytes(u));
}

void Retention::set_root_unseen(const std::string& why) {
  {
    std::lock_guard lock(alert_mutex_);
    if (why == root_unseen_) return;
    root_unseen_ = why;
    if (!why.empty()) root_unseen_since_ = clock_.now();
  }
  if (why.empty()) rlog()->info("recordings root {} is back: deletions go on", root_.string());
  else rlog()->error("{}: deletions wait until its files can be seen", why);
}

std::string Retention::root_unseen() const {
  std::lock_guard lock(alert_mutex_);
  return root_unseen_;
}

std::optional<TimePoint> Retention::root_unseen_since() const {
  std::lock_guard lock(alert_mutex_);
  if (root_unseen_.empty()) return std::nullopt;
  return root_unseen_since_;
}

void Retention::set_alert(const std::string& alert, const DiskUsage& u, std::uint64_t floor) {
  bool raised = false, cleared = false;
  {
    std::lock_guard lock(alert_mutex_);
    raised = alert_.empty() && !alert.empty();
    cleared = !alert_.empty() && alert.empty();
    alert_ = alert;
    if (raised) alert_since_ = clock_.now();
  }
  if (!raised && !cleared) return;
  auto now = clock_.now();
  nlohmann::json data{{"path", root_.string()}, {"free", u.free}, {"total", u.total}, {"floor", floor}};
  if (raised) data["message"] = alert;
  db_.write([&](Writer& w) {
    add_event(w, targets_, raised ? EventType::disk_alert : EventType::disk_ok, "", now, std::move(data), now);
  });
}

std::size_t Retention::finish(const std::vector<Victim>& victims, PassReport& report, std::int64_t& bytes) {
  struct Done {
    const Victim* v;
    std::string outcome;
    bool forget;
  };
  std::vector<Done> done;
  done.reserve(victims.size());
  // Confinement costs one realpath per folder, not per file: a file is unlinked only when its
  // folder resolves inside the real root and the file itself is not a symlink.
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(root_, ec);
  std::map<std::string, bool> folder_inside;
  auto inside = [&](const fs::path& folder) {
    auto [it, fresh] = folder_inside.try_emplace(folder.string(), false);
    if (fresh) {
      char resolved[PATH_MAX];
      if (::realpath(folder.c_str(), resolved)) {
        std::string r(resolved), base = real_root.string();
        it->second = r == base || (r.size() > base.size() && r.compare(0, base.size(), base) == 0 && r[base.size()] == '/');
      } else {
        it->second = errno == ENOENT;  // the folder is gone, and so is the file
      }
    }
    return it->second;
  };
  // A root that is not there or empty (a disk not mounted) would make every unlink ENOENT and
  // every row "already gone": the rows go back until the files can be seen.
  if (auto unseen = recordings_root_unseen(root_); !unseen.empty()) {
    set_root_unseen(unseen);
    db_.write([&](Writer& w) {
      for (const auto& v : victims) w.restore_undeleted(v.id);
    });
    return 0;
  }
  set_root_unseen("");
  const std::string kRefused = "refused: outside the recordings root (file left in place)";
  std::set<std::string> emptied;
  for (const auto& v : victims) {
    fs::path rel = fs::path(v.file).lexically_normal();
    fs::path full = root_ / rel;
    bool escapes = rel.empty() || rel.is_absolute() || *rel.begin() == "..";
    struct stat st {};
    if (escapes || !inside(full.parent_path()) ||
        (::lstat(full.c_str(), &st) == 0 && S_ISLNK(st.st_mode))) {
      ++report.refused;
      rlog()->error("segment {} not deleted: {} resolves outside the recordings root {}", v.id, quote(v.file),
                    quote(root_.string()));
      done.push_back({&v, kRefused, true});
      continue;
    }
    if (::unlink(full.c_str()) == 0) {
      bytes += v.size;
      done.push_back({&v, "deleted", true});
      emptied.insert(full.parent_path().string());
    } else if (errno == ENOENT) {
      done.push_back({&v, "already gone", true});
    } else {
      auto error = std::string(std::strerror(errno));
      rlog()->error("cannot delete {}: {}; will retry", full.string(), error);
      done.push_back({&v, "error: " + error, false});
    }
  }
  // Remove the folders this left empty (date folders), deepest first, never the root itself.
  for (auto it = emptied.rbegin(); it != emptied.rend(); ++it)
    for (fs::path dir = *it; dir != root_ && dir.string().size() > root_.string().size(); dir = dir.parent_path())
      if (::rmdir(dir.c_str()) != 0) break;

  auto now = clock_.now();
  // recordings.deleted: one event per camera and reason, in the transaction that forgets the rows.
  struct Deleted {
    std::int64_t count = 0, bytes = 0;
    TimePoint from = TimePoint::max(), to = TimePoint::min();
    nlohmann::json ids = nlohmann::json::array();
  };
  std::map<std::pair<std::string, std::string>, Deleted> deleted;
  for (const auto& d : done) {
    if (!d.forget) continue;
    auto& g = deleted[{d.v->camera_id, d.v->reason}];
    ++g.count;
    g.bytes += d.v->size;
    g.from = std::min(g.from, d.v->start);
    g.to = std::max(g.to, d.v->start);
    g.ids.push_back(d.v->id);
  }
  db_.write([&](Writer& w) {
    for (const auto& d : done) {
      if (!d.forget) {  // not deleted: no audit row (logged above), retried at the next pass
        w.restore_undeleted(d.v->id);
        continue;
      }
      w.forget_deleted(d.v->id);
      w.append_audit(audit::Entry{0, now, d.v->id, d.v->camera_id, d.v->file, d.v->start, d.v->size, d.v->reason,
                                  d.outcome, d.v->duration});
    }
    for (auto& [key, g] : deleted)
      add_event(w, targets_, EventType::recordings_deleted, key.first, now,
                {{"reason", key.second},
                 {"count", g.count},
                 {"bytes", g.bytes},
                 {"first_start", format_rfc3339_ms(g.from)},
                 {"last_start", format_rfc3339_ms(g.to)},
                 {"segment_ids", std::move(g.ids)}},
                now);
  });
  return static_cast<std::size_t>(std::count_if(done.begin(), done.end(), [](const Done& d) { return d.forget; }));
}

Retention::DryRun Retention::dry_run() {
  auto now = clock_.now();
  auto r = db_.snapshot();
  return DryRun{r.deletable_now(now), r.unannounced_before(now + config_.retention.notify_before)};
}

Retention::CameraTally Retention::preview(const std::string& camera_id, Micros retention) {
  return db_.reader().expired_under(camera_id, retention, clock_.now());
}

Segment Retention::set_permanent(std::int64_t id, bool permanent) {
  auto now = clock_.now();
  return db_.write([&](Writer& w) {
    auto seg = w.segment(id);
    if (!seg) throw NotFound(fmt::format("recording {} not found", id));
    if (seg->state == SegmentState::deleting) throw Conflict(fmt::format("recording {} is being deleted", id));
    if (seg->permanent == permanent) return *seg;
    if (permanent) w.mark_permanent(id, now);
    else w.unmark_permanent(id, retention_of_camera(w, seg->camera_id), now + config_.retention.notify_before, now);
    return *w.segment(id);
  });
}

void Retention::delete_segment(std::int64_t id) {
  std::lock_guard pass(pass_mutex_);
  auto now = clock_.now();
  auto victim = db_.write([&](Writer& w) {
    auto seg = w.segment(id);
    if (!seg || seg->state == SegmentState::deleting) throw NotFound(fmt::format("recording {} not found", id));
    auto claimed = w.claim_for_manual_deletion(id, now);
    if (!claimed) {
      if (seg->permanent) throw Conflict(fmt::format("recording {} is permanent: unmark it first", id));
      if (seg->state == SegmentState::recording) throw Conflict(fmt::format("recording {} is still being written", id));
      throw Conflict(fmt::format("recording {} is inside a permanent clip: delete the clip first", id));
    }
    return *claimed;
  });
  PassReport report;
  std::int64_t bytes = 0;
  if (finish({victim}, report, bytes) == 0) {
    const std::string unseen = root_unseen();
    throw Unavailable(fmt::format("recording {} not deleted: {}", id,
                                  unseen.empty() ? "its file could not be removed (the server log says why)" : unseen));
  }
}

Retention::ClipView Retention::add_clip(const std::string& camera_id, TimePoint start, TimePoint end,
                                        const std::string& label) {
  auto now = clock_.now();
  return db_.write([&](Writer& w) {
    auto camera = w.camera(camera_id);
    if (!camera) throw NotFound(fmt::format("camera {} not found", quote(camera_id)));
    auto clip = w.add_clip(camera_id, start, end, label, now);
    auto recordings = w.segment_page(camera_id, start, end, kClipRecordings, std::nullopt, now).items;
    return ClipView{std::move(clip), std::move(camera->camera), std::move(recordings)};
  });
}

Retention::ClipView Retention::clip(std::int64_t clip_id) {
  auto r = db_.snapshot();
  auto clip = r.clip(clip_id);
  if (!clip) throw NotFound(fmt::format("clip {} not found", clip_id));
  auto camera = r.camera(clip->camera_id);
  if (!camera) throw NotFound(fmt::format("camera {} not found", quote(clip->camera_id)));
  auto recordings = r.segment_page(clip->camera_id, clip->start, clip->end, kClipRecordings, std::nullopt, clock_.now()).items;
  return ClipView{std::move(*clip), std::move(camera->camera), std::move(recordings)};
}

void Retention::remove_clip(std::int64_t clip_id) {
  auto now = clock_.now();
  db_.write([&](Writer& w) {
    auto clip = w.clip(clip_id);
    if (!clip) throw NotFound(fmt::format("clip {} not found", clip_id));
    // Its segments return to the cycle with a notice first; those still in another clip stay kept.
    w.remove_clip(*clip, retention_of_camera(w, clip->camera_id), now + config_.retention.notify_before);
  });
}

std::vector<Segment> Retention::expiring(Micros within, const std::optional<std::string>& camera_id, int limit) {
  return db_.reader().expiring(clock_.now() + within, camera_id, limit);
}

}  // namespace hs
