// The stall watchdog: facts from the index and the file system, the verdict from the domain rule.
#include "alerts/stall_watchdog.hpp"

#include <sys/stat.h>

#include "util/log.hpp"

namespace hs {

StallWatchdog::StallWatchdog(const Config& config, Database& db, std::filesystem::path root, const Clock& clock)
    : root_(std::move(root)),
      db_(db),
      clock_(clock),
      rule_{config.mediamtx.segment_duration, config.watchdog.grace} {}

// Stream status and record flag from `row`; when record was switched and when a stall ended from
// what the watchdog saw before (`last`).
RecordingFacts StallWatchdog::facts_for(const cameras::Row& row, const Memory* last, TimePoint now) const {
  RecordingFacts f;
  if (last) f = last->facts;
  f.available = row.status.state == StreamState::active;
  f.available_since = row.status.since;
  // A switch the watchdog saw is dated by the look that saw it; the state at the first look has no
  // known start ("always so").
  if (last && last->facts.record != row.camera.record) f.record_since = now;
  f.record = row.camera.record;
  return f;
}

std::vector<StallWatchdog::Transition> StallWatchdog::check() {
  const TimePoint now = clock_.now();
  std::map<std::string, Memory, std::less<>> next, last;
  {
    std::lock_guard lock(mutex_);
    last = cameras_;
  }
  {
    auto r = db_.snapshot();
    for (const auto& row : r.all_cameras()) {
      // Each node watches the cameras it records (their files are on its disk).
      if (row.removed_at || row.camera.node != db_.node()) continue;
      const auto it = last.find(row.camera.id);
      const Memory* prev = it == last.end() ? nullptr : &it->second;
      Memory m;
      m.facts = facts_for(row, prev, now);
      m.facts.newest.reset();
      if (auto seg = r.newest_segment(row.camera.id)) {
        RecordingFacts::Newest n;
        n.file = seg->segment.file;
        n.created = seg->created;
        if (seg->segment.state != SegmentState::recording) n.completed = seg->updated;
        struct stat st {};
        m.size = ::stat((root_ / n.file).c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : -1;
        const bool same_file = prev && prev->facts.newest && prev->facts.newest->file == n.file;
        // Grown: a size different from the last look's, or a file not looked at before.
        if (same_file && prev->size == m.size) n.grew = prev->facts.newest->grew;
        else n.grew = now;
        m.facts.newest = std::move(n);
      }
      m.verdict = recording_state(m.facts, rule_, now);
      next.emplace(row.camera.id, std::move(m));
    }
  }
  std::vector<Transition> out;
  for (auto& [id, m] : next) {
    auto it = last.find(id);
    const bool was = it != last.end() && it->second.verdict.state == RecordingStateKind::stalled;
    const bool is = m.verdict.state == RecordingStateKind::stalled;
    if (was == is) continue;
    if (is) {
      out.push_back({id, true, m.verdict, m.verdict.since.value_or(now)});
    } else {
      m.facts.resumed = now;
      m.verdict = recording_state(m.facts, rule_, now);
      out.push_back({id, false, m.verdict, now});
    }
  }
  // A stalled camera that was removed ends its stall too, so its events stay paired.
  for (const auto& [id, m] : last) {
    if (m.verdict.state != RecordingStateKind::stalled || next.count(id)) continue;
    out.push_back({id, false, {RecordingStateKind::offline, now, "the camera was removed"}, now});
  }
  {
    std::lock_guard lock(mutex_);
    cameras_ = std::move(next);
  }
  for (const auto& t : out) {
    if (t.stalled)
      log::get("watchdog")->warn("camera {} stalled: {}", t.camera_id, t.state.detail);
    else
      log::get("watchdog")->info("camera {} no longer stalled: {} ({})", t.camera_id,
                                 recording_state_name(t.state.state), t.state.detail);
    if (on_transition) on_transition(t);
  }
  return out;
}

RecordingState StallWatchdog::state(const cameras::Row& row, TimePoint now) const {
  std::lock_guard lock(mutex_);
  auto it = cameras_.find(row.camera.id);
  const Memory* last = it == cameras_.end() ? nullptr : &it->second;
  RecordingFacts f = facts_for(row, last, now);
  if (!last && f.available && f.record) return {RecordingStateKind::idle, std::nullopt, "not checked yet"};
  return recording_state(f, rule_, now);
}

std::vector<StallWatchdog::Stall> StallWatchdog::stalled() const {
  std::lock_guard lock(mutex_);
  std::vector<Stall> out;
  for (const auto& [id, m] : cameras_)
    if (m.verdict.state == RecordingStateKind::stalled) out.push_back({id, m.verdict});
  return out;
}

}  // namespace hs
