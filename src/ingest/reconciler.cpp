// One reconciliation pass: load the indexed file names, walk the recordings root once, write the
// differences in batches so hooks are never blocked for long.
#include "ingest/reconciler.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <functional>
#include <vector>

#include "index/segments.hpp"
#include "media/mp4_probe.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

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

  auto indexed = db_.read([](SQLite::Database& r) { return segments::files(r); });
  std::vector<std::int64_t> seen_missing;
  std::vector<Found> found;
  std::vector<std::pair<std::int64_t, std::string>> to_finish;

  std::error_code ec;
  bool have_root = fs::is_directory(root, ec);
  const std::size_t prefix_len = (root / "").native().size();
  ec.clear();
  if (have_root) {
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const auto& entry = *it;
      auto type = entry.symlink_status(ec).type();
      if (type == fs::file_type::directory) continue;
      if (type != fs::file_type::regular) {
        ++report.ignored;  // symlinks are never followed: they could point outside the root
        continue;
      }
      const std::string& native = entry.path().native();
      if (native.size() <= prefix_len) continue;
      std::string rel = native.substr(prefix_len);  // cheaper than lexically_relative, per file
      auto decoded = rp.decode(rel);
      if (!decoded) {
        ++report.ignored;
        continue;
      }
      ++report.scanned;
      auto known = indexed.find(rel);
      if (known != indexed.end()) {
        known->second.seen = true;
        if (known->second.state == SegmentState::missing) seen_missing.push_back(known->second.id);
        if (known->second.state == SegmentState::recording) to_finish.emplace_back(known->second.id, rel);
        continue;
      }
      struct stat st {};
      if (::stat(entry.path().c_str(), &st) != 0) continue;
      TimePoint mtime{std::chrono::duration_cast<Micros>(std::chrono::seconds{st.st_mtim.tv_sec} +
                                                          std::chrono::nanoseconds{st.st_mtim.tv_nsec})};
      found.push_back({rel, decoded->path, decoded->start, static_cast<std::int64_t>(st.st_size), now - mtime < grace});
    }
  }
  if (ec) log::get("reconcile")->warn("walking {} stopped early: {}", root.string(), ec.message());

  // Rows not seen on disk: their files are gone.
  std::vector<std::int64_t> vanished;
  for (const auto& [file, row] : indexed)
    if (!row.seen && (row.state == SegmentState::recording || row.state == SegmentState::complete))
      vanished.push_back(row.id);

  constexpr std::size_t kBatch = 500;
  // New files.
  for (std::size_t i = 0; i < found.size(); i += kBatch) {
    std::vector<std::pair<const Found*, std::optional<Micros>>> batch;
    for (std::size_t j = i; j < std::min(found.size(), i + kBatch); ++j)
      batch.emplace_back(&found[j], found[j].growing ? std::nullopt : probe_duration(root / found[j].file));
    std::vector<HookIngest::CameraRef> cams;
    for (auto& [f, d] : batch) cams.push_back(ingest_.camera_for_path(f->path));
    db_.write([&](SQLite::Database& w) {
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const Found& f = *batch[k].first;
        TimePoint expires = f.start + cams[k].retention;
        bool added = f.growing ? segments::created(w, cams[k].id, f.file, f.start, expires, now)
                               : segments::completed(w, cams[k].id, f.file, f.start, batch[k].second, f.size, expires, now);
        report.added += added ? 1 : 0;
      }
    });
  }
  // Recording rows whose file stopped growing (the complete hook never came).
  for (const auto& [id, file] : to_finish) {
    struct stat st {};
    if (::stat((root / file).c_str(), &st) != 0) continue;
    TimePoint mtime{std::chrono::duration_cast<Micros>(std::chrono::seconds{st.st_mtim.tv_sec})};
    if (now - mtime < grace + std::chrono::seconds{1}) continue;
    auto duration = probe_duration(root / file);
    db_.write([&](SQLite::Database& w) {
      auto row = segments::get(w, id);
      if (!row || row->state != SegmentState::recording) return;
      report.finished += segments::completed(w, row->camera_id, row->file, row->start, duration,
                                             static_cast<std::int64_t>(st.st_size), row->expires_at, now) ? 1 : 0;
    });
  }
  auto set_states = [&](const std::vector<std::int64_t>& ids, SegmentState state, std::size_t& counter) {
    for (std::size_t i = 0; i < ids.size(); i += kBatch) {
      db_.write([&](SQLite::Database& w) {
        for (std::size_t j = i; j < std::min(ids.size(), i + kBatch); ++j)
          counter += segments::set_state(w, ids[j], state, now) ? 1 : 0;
      });
    }
  };
  set_states(vanished, SegmentState::missing, report.missing);
  set_states(seen_missing, SegmentState::complete, report.restored);

  report.elapsed = std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - started);
  log::get("reconcile")->info("reconciled {}: {} segment files, {} added, {} finished, {} missing, {} restored, {} ignored in {} ms",
                              root.string(), report.scanned, report.added, report.finished, report.missing,
                              report.restored, report.ignored, report.elapsed.count() / 1000);
  return report;
}

}  // namespace hs
