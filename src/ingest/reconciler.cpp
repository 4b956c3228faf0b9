// One reconciliation pass: load the indexed file names, walk the recordings root once, write the
// differences in batches so hooks are never blocked for long.
#include "ingest/reconciler.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <functional>
#include <string_view>
#include <vector>

#include "domain/segment_time.hpp"
#include "media/mp4_probe.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/tree_walk.hpp"

namespace hs {

namespace fs = std::filesystem;

Reconciler::Reconciler(const Config& config, Database& db, HookIngest& ingest, const Clock& clock)
    : config_(config), db_(db), ingest_(ingest), clock_(clock) {}

namespace {

struct Found {
  std::string file;
  std::string path;  // MediaMTX path name
  TimePoint start;
  std::int64_t size;
  bool growing;
};

// The indexed files of one pass: names packed in one arena and found through an open-addressing
// table, instead of a node and a string allocation per row (100,000 rows at full size).
class IndexedFiles {
 public:
  struct Row {
    std::size_t offset;
    std::size_t length;
    std::int64_t id;
    SegmentState state;
    bool seen = false;
  };

  void add(std::string_view file, std::int64_t id, SegmentState state) {
    rows_.push_back(Row{names_.size(), file.size(), id, state});
    names_.append(file);
  }

  // Builds the lookup table; call once, after the last add.
  void seal() {
    std::size_t capacity = 16;
    while (capacity < 2 * rows_.size()) capacity *= 2;
    mask_ = capacity - 1;
    slots_.assign(capacity, 0);
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      std::size_t slot = std::hash<std::string_view>{}(name(rows_[i])) & mask_;
      while (slots_[slot] != 0) slot = (slot + 1) & mask_;
      slots_[slot] = static_cast<std::uint32_t>(i + 1);
    }
  }

  Row* find(std::string_view file) {
    for (std::size_t slot = std::hash<std::string_view>{}(file) & mask_; slots_[slot] != 0; slot = (slot + 1) & mask_) {
      Row& row = rows_[slots_[slot] - 1];
      if (name(row) == file) return &row;
    }
    return nullptr;
  }

  std::string_view name(const Row& row) const { return std::string_view(names_).substr(row.offset, row.length); }
  const std::vector<Row>& rows() const { return rows_; }

 private:
  std::string names_;
  std::vector<Row> rows_;
  std::vector<std::uint32_t> slots_;  // index + 1 into rows_, 0 when free
  std::size_t mask_ = 0;
};

std::optional<Micros> probe_duration(const fs::path& file) {
  try {
    return probe_mp4(file).duration;
  } catch (const std::exception& e) {
    log::get("reconcile")->warn("{}", e.what());
    return std::nullopt;
  }
}

}  // namespace

Reconciler::Report Reconciler::run() {
  auto started = std::chrono::steady_clock::now();
  Report report;
  const fs::path root = ingest_.root();
  const RecordPath& rp = ingest_.record_path();
  auto now = clock_.now();
  const Micros grace = std::max<Micros>(std::chrono::seconds{10}, 3 * config_.mediamtx.part_duration);

  IndexedFiles indexed;
  db_.reader().each_segment_file(
      [&](std::string_view file, std::int64_t id, SegmentState state) { indexed.add(file, id, state); });
  indexed.seal();
  std::vector<std::int64_t> seen_missing;
  std::vector<Found> found;
  std::vector<std::pair<std::int64_t, std::string>> to_finish;

  // A row is marked missing only when the walk could have seen its file: never after a walk that did
  // not finish (a recordings disk not mounted yet, out of file descriptors), nor below a folder it
  // could not read. Marking is harmless (the next pass restores), but it hides recordings meanwhile.
  bool walked_all = false;
  std::vector<std::string> unreadable;
  const std::string unseen = recordings_root_unseen(root);
  bool expected_files = false;  // rows whose files should be there
  for (const auto& row : indexed.rows())
    expected_files = expected_files || row.state == SegmentState::recording || row.state == SegmentState::complete;
  if (unseen.empty()) {
    // Indexed files cost a name decode and a table look-up, no stat: only new files are stat'ed.
    std::string stopped = walk_tree(root, [&](const TreeEntry& entry) {
      if (progress) progress("walking", report.scanned + report.ignored, 0);
      if (entry.kind != TreeEntry::Kind::regular) {
        ++report.ignored;  // symlinks are never followed: they could point outside the root
        return;
      }
      auto decoded = rp.decode(entry.relative);
      if (!decoded) {
        ++report.ignored;
        return;
      }
      ++report.scanned;
      if (auto* known = indexed.find(entry.relative)) {
        known->seen = true;
        if (known->state == SegmentState::missing) seen_missing.push_back(known->id);
        if (known->state == SegmentState::recording) to_finish.emplace_back(known->id, entry.relative);
        return;
      }
      // A name dated year 0000 or 9999 was not written for a live camera (domain/segment.hpp): it
      // is counted and named in the log, never indexed.
      if (auto why = implausible_segment_time(decoded->start, std::nullopt, now)) {
        if (report.implausible++ < 3)
          log::get("reconcile")->warn("segment file {} not indexed: {}", quote(entry.relative), *why);
        return;
      }
      struct stat st {};
      if (::fstatat(entry.dir_fd, entry.name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return;
      TimePoint mtime{std::chrono::duration_cast<Micros>(std::chrono::seconds{st.st_mtim.tv_sec} +
                                                          std::chrono::nanoseconds{st.st_mtim.tv_nsec})};
      found.push_back({std::string(entry.relative), std::move(decoded->path), decoded->start,
                       static_cast<std::int64_t>(st.st_size), now - mtime < grace});
    }, &unreadable);
    walked_all = stopped.empty();
    if (!walked_all) log::get("reconcile")->warn("walking {} stopped early: {}", root.string(), stopped);
    for (const auto& dir : unreadable)
      log::get("reconcile")->warn("cannot read folder {}: the segments indexed below it are left as they are",
                                  (root / dir).string());
  }
  // Said once per change, not at every pass.
  const std::string problem = unseen.empty() || !expected_files ? "" : unseen;
  if (problem != root_problem_) {
    if (problem.empty()) log::get("reconcile")->info("recordings root {} can be seen again", root.string());
    else log::get("reconcile")->warn("{}: no segment is marked missing", problem);
    root_problem_ = problem;
  }

  // Rows not seen on disk: their files are gone.
  std::vector<std::int64_t> vanished;
  auto below_unreadable = [&](std::string_view file) {
    for (const auto& dir : unreadable)
      if (file.substr(0, dir.size()) == dir) return true;
    return false;
  };
  for (const auto& row : indexed.rows())
    if (walked_all && !row.seen && (row.state == SegmentState::recording || row.state == SegmentState::complete) &&
        !below_unreadable(indexed.name(row)))
      vanished.push_back(row.id);

  constexpr std::size_t kBatch = 500;
  // New files.
  for (std::size_t i = 0; i < found.size(); i += kBatch) {
    if (progress) progress("indexing new files", i, found.size());
    std::vector<std::pair<const Found*, std::optional<Micros>>> batch;
    for (std::size_t j = i; j < std::min(found.size(), i + kBatch); ++j)
      batch.emplace_back(&found[j], found[j].growing ? std::nullopt : probe_duration(root / found[j].file));
    std::vector<HookIngest::CameraRef> cams;
    for (auto& [f, d] : batch) cams.push_back(ingest_.camera_for_path(f->path));
    db_.write([&](Writer& w) {
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const Found& f = *batch[k].first;
        TimePoint expires = f.start + cams[k].retention;
        auto added = f.growing ? w.segment_created(cams[k].id, f.file, f.start, expires, now)
                               : w.segment_completed(cams[k].id, f.file, f.start, batch[k].second, f.size, expires, now);
        report.added += added ? 1 : 0;
      }
    });
  }
  // Recording rows whose file stopped growing (the complete hook never came).
  if (progress && !to_finish.empty()) progress("finishing segments", 0, to_finish.size());
  for (const auto& [id, file] : to_finish) {
    struct stat st {};
    if (::stat((root / file).c_str(), &st) != 0) continue;
    TimePoint mtime{std::chrono::duration_cast<Micros>(std::chrono::seconds{st.st_mtim.tv_sec})};
    if (now - mtime < grace + std::chrono::seconds{1}) continue;
    auto duration = probe_duration(root / file);
    db_.write([&](Writer& w) {
      auto row = w.segment(id);
      if (!row || row->state != SegmentState::recording) return;
      report.finished += w.segment_completed(row->camera_id, row->file, row->start, duration,
                                             static_cast<std::int64_t>(st.st_size), row->expires_at, now) ? 1 : 0;
    });
  }
  auto set_states = [&](const std::vector<std::int64_t>& ids, SegmentState state, std::size_t& counter) {
    for (std::size_t i = 0; i < ids.size(); i += kBatch) {
      db_.write([&](Writer& w) {
        for (std::size_t j = i; j < std::min(ids.size(), i + kBatch); ++j)
          counter += w.set_segment_state(ids[j], state, now) ? 1 : 0;
      });
    }
  };
  if (progress && !vanished.empty()) progress("marking missing", 0, vanished.size());
  set_states(vanished, SegmentState::missing, report.missing);
  set_states(seen_missing, SegmentState::complete, report.restored);

  report.elapsed = std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - started);
  log::get("reconcile")->info("reconciled {}: {} segment files, {} added, {} finished, {} missing, {} restored, {} ignored, "
                              "{} with impossible dates not indexed, in {} ms",
                              root.string(), report.scanned, report.added, report.finished, report.missing,
                              report.restored, report.ignored, report.implausible, report.elapsed.count() / 1000);
  return report;
}

}  // namespace hs
