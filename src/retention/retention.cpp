// The retention pass and the operations around it. Victims are picked and marked by one UPDATE ...
// RETURNING whose WHERE clause holds every protection, so no caller can delete what must be kept.
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

#include "index/audit.hpp"
#include "index/cameras.hpp"
#include "index/clips.hpp"
#include "index/notifications.hpp"
#include "index/segments.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

TimePoint tp(int64_t v) { return TimePoint{Micros{v}}; }

// Every protection in one place: what may ever be deleted by retention or the disk guard.
const std::string kDeletable = std::string("s.permanent = 0 AND s.state IN ('complete', 'missing') AND NOT ") + clips::kInClip;

constexpr int kBatch = 500;

auto rlog() { return log::get("retention"); }

}  // namespace

DiskUsage DiskProbe::usage(const fs::path& p) const {
  struct statvfs st {};
  if (::statvfs(p.c_str(), &st) != 0)
    throw Error(fmt::format("statvfs({}) failed: {}", p.string(), std::strerror(errno)));
  return {static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize, static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize};
}

Retention::Retention(const Config& config, Database& db, fs::path root, const Clock& clock, const DiskProbe& disk)
    : config_(config), db_(db), root_(std::move(root)), clock_(clock), disk_(disk) {}

std::string Retention::alert() const {
  std::lock_guard lock(alert_mutex_);
  return alert_;
}

Micros Retention::retention_of_camera(SQLite::Database& r, const std::string& camera_id) const {
  auto row = cameras::get(r, camera_id);
  if (!row) return config_.retention_for(nullptr);
  return config_.retention_for(row->camera.plan, row->camera.retention_override);
}

void Retention::apply_camera_retention(SQLite::Database& w, const std::string& camera_id, Micros retention,
                                       TimePoint now, Micros lead) {
  // Far enough away: the plain rule, and a fresh notice later. Already announced and due within
  // the lead: keep the announced time (or later). Otherwise: notice first, deletion a lead later.
  SQLite::Statement q(w,
      "UPDATE segments SET "
      "expires_us = CASE WHEN start_us + ?2 >= ?3 THEN start_us + ?2 "
      "  WHEN notified_us IS NOT NULL AND expires_us <= ?3 THEN MAX(expires_us, start_us + ?2) ELSE ?3 END, "
      "notified_us = CASE WHEN start_us + ?2 >= ?3 THEN NULL "
      "  WHEN notified_us IS NOT NULL AND expires_us <= ?3 THEN notified_us ELSE NULL END "
      "WHERE camera_id = ?1 AND permanent = 0 AND state != 'deleting'");
  q.bind(1, camera_id);
  q.bind(2, static_cast<int64_t>(retention.count()));
  q.bind(3, epoch_us(now + lead));
  q.exec();
  SQLite::Statement c(w, "UPDATE cameras SET applied_retention_us = ?2 WHERE id = ?1");
  c.bind(1, camera_id);
  c.bind(2, static_cast<int64_t>(retention.count()));
  c.exec();
}

void Retention::sync_expiries() {
  auto now = clock_.now();
  db_.write([&](SQLite::Database& w) {
    SQLite::Statement q(w, "SELECT id, plan, retention_us, applied_retention_us FROM cameras");
    std::vector<std::pair<std::string, Micros>> changed;
    while (q.executeStep()) {
      std::optional<Micros> override_value;
      if (!q.getColumn(2).isNull()) override_value = Micros{q.getColumn(2).getInt64()};
      Micros effective = config_.retention_for(q.getColumn(1).getString(), override_value);
      if (q.getColumn(3).isNull() || q.getColumn(3).getInt64() != effective.count())
        changed.emplace_back(q.getColumn(0).getString(), effective);
    }
    q.reset();
    for (const auto& [id, retention] : changed) {
      apply_camera_retention(w, id, retention, now, config_.retention.notify_before);
      rlog()->info("camera {}: retention {} applied to its segments", quote(id), format_duration(retention));
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
    std::map<std::string, std::vector<Victim>> by_reason;
    db_.read([&](SQLite::Database& r) {
      SQLite::Statement q(r, fmt::format("SELECT id, camera_id, file, start_us, size_bytes, COALESCE(delete_reason, 'retention') "
                                         "FROM segments WHERE state = 'deleting' LIMIT {}", kBatch));
      while (q.executeStep())
        by_reason[q.getColumn(5).getString()].push_back(Victim{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                                                               q.getColumn(2).getString(), tp(q.getColumn(3).getInt64()),
                                                               q.getColumn(4).getInt64()});
    });
    if (by_reason.empty()) return report.recovered;
    for (const auto& [reason, victims] : by_reason) {
      std::int64_t bytes = 0;
      finish(victims, reason, report, bytes);
      report.recovered += victims.size();
    }
  }
}

void Retention::notify(PassReport& report) {
  auto now = clock_.now();
  const Micros lead = config_.retention.notify_before;
  const Micros interval = config_.retention.interval;
  struct Item {
    std::int64_t id;
    TimePoint start, end, expires;
    std::int64_t size;
  };
  std::map<std::string, std::vector<Item>> groups;
  db_.write([&](SQLite::Database& w) {
    SQLite::Statement q(w,
        "UPDATE segments AS s SET notified_us = ?1, "
        "expires_us = CASE WHEN s.expires_us < ?3 THEN ?2 ELSE s.expires_us END "
        "WHERE s.id IN (SELECT s.id FROM segments s WHERE s.expires_us <= ?2 AND s.notified_us IS NULL AND " + kDeletable + ") "
        "RETURNING id, camera_id, start_us, start_us + COALESCE(duration_us, 0), expires_us, size_bytes");
    q.bind(1, epoch_us(now));
    q.bind(2, epoch_us(now + lead));
    q.bind(3, epoch_us(now + lead - interval));
    while (q.executeStep())
      groups[q.getColumn(1).getString()].push_back(Item{q.getColumn(0).getInt64(), tp(q.getColumn(2).getInt64()),
                                                        tp(q.getColumn(3).getInt64()), tp(q.getColumn(4).getInt64()),
                                                        q.getColumn(5).getInt64()});
    q.reset();
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
      nlohmann::json payload{{"kind", "expiry"},
                             {"camera", camera},
                             {"count", items.size()},
                             {"bytes", bytes},
                             {"first_expiry", format_rfc3339_ms(first)},
                             {"last_expiry", format_rfc3339_ms(last)},
                             {"range", {{"from", format_rfc3339_ms(from)}, {"to", format_rfc3339_ms(to)}}},
                             {"segment_ids", std::move(ids)}};
      notifications::add(w, "expiry", camera, payload.dump(), config_.retention.notify_webhooks, now);
      report.notified += items.size();
      ++report.notifications;
    }
  });
}

void Retention::delete_expired(PassReport& report) {
  for (;;) {
    auto now = clock_.now();
    std::vector<Victim> victims = db_.write([&](SQLite::Database& w) {
      SQLite::Statement q(w,
          "UPDATE segments AS s SET state = 'deleting', delete_reason = 'retention', updated_us = ?1 "
          "WHERE s.id IN (SELECT s.id FROM segments s WHERE s.expires_us <= ?1 AND s.notified_us IS NOT NULL AND " +
              kDeletable + fmt::format(" ORDER BY s.expires_us LIMIT {}) ", kBatch) +
          "RETURNING id, camera_id, file, start_us, size_bytes");
      q.bind(1, epoch_us(now));
      std::vector<Victim> out;
      while (q.executeStep())
        out.push_back(Victim{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                             tp(q.getColumn(3).getInt64()), q.getColumn(4).getInt64()});
      return out;
    });
    if (victims.empty()) return;
    finish(victims, "retention", report, report.deleted_bytes);
    report.deleted += victims.size();
    if (progress) progress("deleting expired", report.deleted, 0);
    if (victims.size() < static_cast<size_t>(kBatch)) return;
  }
}

void Retention::guard_disk(PassReport& report) {
  const auto& floor_cfg = config_.retention.disk_min_free;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return;
  DiskUsage u = disk_.usage(root_);
  auto floor_bytes = [&](const DiskUsage& d) { return floor_cfg.bytes_of(d.total); };
  if (u.free >= floor_bytes(u)) {
    std::lock_guard lock(alert_mutex_);
    alert_.clear();
    return;
  }
  const DiskUsage before = u;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> per_camera;  // count, bytes
  while (u.free < floor_bytes(u)) {
    auto now = clock_.now();
    const std::uint64_t need = floor_bytes(u) - u.free;
    std::vector<Victim> victims = db_.write([&](SQLite::Database& w) {
      // Soonest to expire first (what retention would delete next anyway), just enough of them.
      SQLite::Statement pick(w, "SELECT s.id, s.size_bytes FROM segments s WHERE " + kDeletable +
                                    " ORDER BY s.expires_us LIMIT 200");
      std::string ids;
      std::uint64_t sum = 0;
      while (sum < need && pick.executeStep()) {
        ids += (ids.empty() ? "" : ",") + std::to_string(pick.getColumn(0).getInt64());
        sum += static_cast<std::uint64_t>(std::max<std::int64_t>(pick.getColumn(1).getInt64(), 0));
      }
      pick.reset();
      std::vector<Victim> out;
      if (ids.empty()) return out;
      SQLite::Statement q(w,
          "UPDATE segments AS s SET state = 'deleting', delete_reason = 'disk', updated_us = ?1 "
          "WHERE s.id IN (" + ids + ") AND " + kDeletable + " RETURNING id, camera_id, file, start_us, size_bytes");
      q.bind(1, epoch_us(now));
      while (q.executeStep())
        out.push_back(Victim{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                             tp(q.getColumn(3).getInt64()), q.getColumn(4).getInt64()});
      return out;
    });
    if (victims.empty()) break;
    std::size_t forgotten = finish(victims, "disk", report, report.disk_deleted_bytes);
    report.disk_deleted += victims.size();
    for (const auto& v : victims) {
      per_camera[v.camera_id].first += 1;
      per_camera[v.camera_id].second += v.size;
    }
    u = disk_.usage(root_);
    // Unlink failures put rows back; stop rather than pick the same rows again.
    if (forgotten == 0) break;
  }
  auto now = clock_.now();
  std::string alert;
  if (u.free < floor_bytes(u)) {
    alert = fmt::format("recordings disk {} has {} bytes free, below the floor of {} bytes, and only permanent, clip or "
                        "recording footage is left: nothing more will be deleted",
                        root_.string(), u.free, floor_bytes(u));
    report.disk_alert = true;
    rlog()->error("{}", alert);
  }
  {
    std::lock_guard lock(alert_mutex_);
    bool changed = alert != alert_;
    alert_ = alert;
    if (!changed && per_camera.empty()) return;
  }
  nlohmann::json cams = nlohmann::json::object();
  for (const auto& [id, cb] : per_camera) cams[id] = {{"count", cb.first}, {"bytes", cb.second}};
  nlohmann::json payload{{"kind", alert.empty() ? "disk" : "alert"},
                         {"free_before", before.free},
                         {"free_after", u.free},
                         {"floor", floor_bytes(u)},
                         {"deleted", cams},
                         {"alert", alert}};
  db_.write([&](SQLite::Database& w) {
    notifications::add(w, alert.empty() ? "disk" : "alert", "", payload.dump(), config_.retention.notify_webhooks, now);
  });
  ++report.notifications;
}

std::size_t Retention::finish(const std::vector<Victim>& victims, const std::string& reason, PassReport& report,
                              std::int64_t& bytes) {
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
  db_.write([&](SQLite::Database& w) {
    SQLite::Statement forget(w, "DELETE FROM segments WHERE id = ?1 AND state = 'deleting'");
    SQLite::Statement retry(w, "UPDATE segments SET state = 'complete', delete_reason = NULL WHERE id = ?1 AND state = 'deleting'");
    audit::Writer audit_log(w);
    for (const auto& d : done) {
      auto& q = d.forget ? forget : retry;
      q.bind(1, static_cast<int64_t>(d.v->id));
      q.exec();
      q.reset();
      audit_log.append(audit::Entry{0, now, d.v->id, d.v->camera_id, d.v->file, d.v->start, d.v->size, reason, d.outcome});
    }
  });
  return static_cast<std::size_t>(std::count_if(done.begin(), done.end(), [](const Done& d) { return d.forget; }));
}

Retention::DryRun Retention::dry_run() {
  auto now = clock_.now();
  auto tally = [&](SQLite::Database& r, const std::string& condition, const std::vector<int64_t>& binds) {
    SQLite::Statement q(r, "SELECT s.camera_id, count(*), COALESCE(sum(s.size_bytes), 0), min(s.start_us), max(s.start_us) "
                           "FROM segments s WHERE " + condition + " AND " + kDeletable + " GROUP BY s.camera_id ORDER BY s.camera_id");
    for (size_t i = 0; i < binds.size(); ++i) q.bind(static_cast<int>(i + 1), binds[i]);
    std::vector<CameraTally> out;
    while (q.executeStep())
      out.push_back(CameraTally{q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                                tp(q.getColumn(3).getInt64()), tp(q.getColumn(4).getInt64())});
    return out;
  };
  return db_.read([&](SQLite::Database& r) {
    return DryRun{tally(r, "s.expires_us <= ?1 AND s.notified_us IS NOT NULL", {epoch_us(now)}),
                  tally(r, "s.expires_us <= ?1 AND s.notified_us IS NULL", {epoch_us(now + config_.retention.notify_before)})};
  });
}

Retention::CameraTally Retention::preview(const std::string& camera_id, Micros retention) {
  auto now = clock_.now();
  return db_.read([&](SQLite::Database& r) {
    SQLite::Statement q(r, "SELECT count(*), COALESCE(sum(s.size_bytes), 0), min(s.start_us), max(s.start_us) FROM segments s "
                           "WHERE s.camera_id = ?1 AND s.start_us + ?2 <= ?3 AND " + kDeletable);
    q.bind(1, camera_id);
    q.bind(2, static_cast<int64_t>(retention.count()));
    q.bind(3, epoch_us(now));
    CameraTally t{camera_id};
    if (q.executeStep() && q.getColumn(0).getInt64() > 0)
      t = CameraTally{camera_id, q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), tp(q.getColumn(2).getInt64()),
                      tp(q.getColumn(3).getInt64())};
    return t;
  });
}

Segment Retention::set_permanent(std::int64_t id, bool permanent) {
  auto now = clock_.now();
  return db_.write([&](SQLite::Database& w) {
    auto seg = segments::get(w, id);
    if (!seg) throw NotFound(fmt::format("recording {} not found", id));
    if (seg->state == SegmentState::deleting) throw Conflict(fmt::format("recording {} is being deleted", id));
    if (seg->permanent == permanent) return *seg;
    if (permanent) {
      SQLite::Statement q(w, "UPDATE segments SET permanent = 1, updated_us = ?2 WHERE id = ?1");
      q.bind(1, static_cast<int64_t>(id));
      q.bind(2, epoch_us(now));
      q.exec();
    } else {
      // Back to the normal cycle, never to an immediate surprise deletion: notice first.
      SQLite::Statement q(w, "UPDATE segments SET permanent = 0, notified_us = NULL, updated_us = ?2, "
                             "expires_us = MAX(start_us + ?3, ?4) WHERE id = ?1");
      q.bind(1, static_cast<int64_t>(id));
      q.bind(2, epoch_us(now));
      q.bind(3, static_cast<int64_t>(retention_of_camera(w, seg->camera_id).count()));
      q.bind(4, epoch_us(now + config_.retention.notify_before));
      q.exec();
    }
    return *segments::get(w, id);
  });
}

void Retention::delete_segment(std::int64_t id) {
  std::lock_guard pass(pass_mutex_);
  auto now = clock_.now();
  std::vector<Victim> victims = db_.write([&](SQLite::Database& w) {
    auto seg = segments::get(w, id);
    if (!seg || seg->state == SegmentState::deleting) throw NotFound(fmt::format("recording {} not found", id));
    SQLite::Statement q(w, "UPDATE segments AS s SET state = 'deleting', delete_reason = 'manual', updated_us = ?2 "
                           "WHERE s.id = ?1 AND " + kDeletable + " RETURNING id, camera_id, file, start_us, size_bytes");
    q.bind(1, static_cast<int64_t>(id));
    q.bind(2, epoch_us(now));
    std::vector<Victim> out;
    while (q.executeStep())
      out.push_back(Victim{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                           tp(q.getColumn(3).getInt64()), q.getColumn(4).getInt64()});
    if (out.empty()) {
      if (seg->permanent) throw Conflict(fmt::format("recording {} is permanent: unmark it first", id));
      if (seg->state == SegmentState::recording) throw Conflict(fmt::format("recording {} is still being written", id));
      throw Conflict(fmt::format("recording {} is inside a permanent clip: delete the clip first", id));
    }
    return out;
  });
  PassReport report;
  std::int64_t bytes = 0;
  finish(victims, "manual", report, bytes);
}

void Retention::remove_clip(std::int64_t clip_id) {
  auto now = clock_.now();
  db_.write([&](SQLite::Database& w) {
    auto clip = clips::get(w, clip_id);
    if (!clip) throw NotFound(fmt::format("clip {} not found", clip_id));
    clips::remove(w, clip_id);
    // Its segments return to the cycle with a notice first; those still in another clip stay kept.
    SQLite::Statement q(w, std::string("UPDATE segments AS s SET notified_us = NULL, expires_us = MAX(s.start_us + ?4, ?5) "
                                       "WHERE s.camera_id = ?1 AND s.start_us < ?3 AND s.start_us + COALESCE(s.duration_us, 90000000000) > ?2 "
                                       "AND s.permanent = 0 AND s.state != 'deleting' AND NOT ") + clips::kInClip);
    q.bind(1, clip->camera_id);
    q.bind(2, epoch_us(clip->start));
    q.bind(3, epoch_us(clip->end));
    q.bind(4, static_cast<int64_t>(retention_of_camera(w, clip->camera_id).count()));
    q.bind(5, epoch_us(now + config_.retention.notify_before));
    q.exec();
  });
}

std::vector<Segment> Retention::expiring(Micros within, const std::optional<std::string>& camera_id, int limit) {
  auto now = clock_.now();
  return db_.read([&](SQLite::Database& r) {
    SQLite::Statement q(r, fmt::format("SELECT {} FROM segments s WHERE s.expires_us <= ?1 AND (?2 IS NULL OR s.camera_id = ?2) AND ",
                                       segments::kColumns) + kDeletable + " ORDER BY s.expires_us, s.id LIMIT ?3");
    q.bind(1, epoch_us(now + within));
    if (camera_id) q.bind(2, *camera_id);
    else q.bind(2);
    q.bind(3, limit);
    std::vector<Segment> out;
    while (q.executeStep()) out.push_back(segments::read_row(q));
    return out;
  });
}

}  // namespace hs
