// index_driver: a fixed, single-threaded workload of the index's hot paths in process, for counting
// instructions (bench/instructions.sh runs it under callgrind; the count does not depend on the
// machine's load, unlike the timings of the other benchmarks). Each phase is a function of its own,
// so callgrind_annotate --inclusive=yes gives its cost:
//   phase_hooks      segment-create + segment-complete through HookIngest::apply, per segment
//   phase_queries    a camera, its summary and a day of segments (the recordings route's reads)
//   phase_retention  two retention passes: announce everything, then delete it
// Built against a build tree's hookserver_core by bench/instructions.sh; the index API it calls
// changed with the data-access redesign, so -DHS_READER_API picks the new one (db.reader()).
//
//   index_driver DIR CAMERAS SEGMENTS_PER_CAMERA QUERIES
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "config/config.hpp"
#include "hooks/hook_payload.hpp"
#include "index/database.hpp"
#include "ingest/hook_ingest.hpp"
#include "retention/retention.hpp"
#ifndef HS_READER_API
#include "index/cameras.hpp"
#include "index/segments.hpp"
#endif

namespace fs = std::filesystem;
using namespace hs;

namespace {

struct FixedClock : Clock {
  TimePoint t;
  TimePoint now() const override { return t; }
};

struct NoDisk : DiskProbe {
  DiskUsage usage(const fs::path&) const override { return {1ULL << 40, 1ULL << 40}; }
};

const TimePoint kDay = parse_rfc3339("2025-03-01T00:00:00Z");

std::string segment_path(int camera, int i) {
  TimePoint start = kDay + std::chrono::minutes{i};
  return fmt::format("./recordings/camera_{}/{}.mp4", camera,
                     format_rfc3339_ms(start).substr(0, 19).replace(10, 1, "_").replace(13, 1, "-").replace(16, 1, "-") +
                         "-000000");
}

}  // namespace

extern "C" __attribute__((noinline)) void phase_hooks(HookIngest& ingest, FixedClock& clock, const fs::path& dir,
                                                      int cameras, int per_camera) {
  for (int i = 0; i < per_camera; ++i) {
    for (int c = 1; c <= cameras; ++c) {
      const std::string path = fmt::format("camera_{}", c), seg = segment_path(c, i);
      clock.t = kDay + std::chrono::minutes{i};
      ingest.apply(parse_hook_payload(
          make_hook_payload(HookKind::segment_create, {{"MTX_PATH", path}, {"MTX_SEGMENT_PATH", seg}}, clock.t,
                            (dir / "mtx").string()),
          std::nullopt, clock.t));
      std::ofstream(dir / "mtx" / seg) << "x";
      clock.t += std::chrono::seconds{60};
      ingest.apply(parse_hook_payload(
          make_hook_payload(HookKind::segment_complete,
                            {{"MTX_PATH", path}, {"MTX_SEGMENT_PATH", seg}, {"MTX_SEGMENT_DURATION", "60"}}, clock.t,
                            (dir / "mtx").string()),
          std::nullopt, clock.t));
    }
  }
}

extern "C" __attribute__((noinline)) std::size_t phase_queries(Database& db, int cameras, int queries, TimePoint now) {
  std::size_t items = 0;
  for (int q = 0; q < queries; ++q) {
    const std::string id = std::to_string(q % cameras + 1);
#ifdef HS_READER_API
    auto r = db.reader();
    items += r.camera(id).has_value();
    items += static_cast<std::size_t>(r.segment_summary(id).segments);
    items += r.segment_page(id, kDay, kDay + std::chrono::hours{24}, 5000, std::nullopt, now).items.size();
#else
    db.read([&](SQLite::Database& r) {
      items += cameras::get(r, id).has_value();
      items += static_cast<std::size_t>(segments::summary(r, id).segments);
      items += segments::range(r, id, kDay, kDay + std::chrono::hours{24}, 5000, std::nullopt, now).items.size();
    });
#endif
  }
  return items;
}

extern "C" __attribute__((noinline)) std::size_t phase_retention(Retention& retention, FixedClock& clock) {
  clock.t = kDay + std::chrono::hours{24 * 8};  // everything expired (basic: 7 days)
  auto first = retention.run_pass();             // announces, deletes nothing
  clock.t += std::chrono::hours{25};
  auto second = retention.run_pass();  // deletes everything announced
  return first.notified + second.deleted;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: index_driver DIR CAMERAS SEGMENTS_PER_CAMERA QUERIES\n";
    return 2;
  }
  const fs::path dir = argv[1];
  const int cameras = std::stoi(argv[2]), per_camera = std::stoi(argv[3]), queries = std::stoi(argv[4]);
  fs::create_directories(dir / "mtx" / "recordings");
  {
    std::ofstream yml(dir / "hook-server.yml");
    yml << "data_dir: ./var\nmediamtx:\n  working_dir: ./mtx\n  timezone: UTC\n"
        << "retention:\n  interval: 1h\n  notify_before: 24h\n  disk_min_free: 0%\n";
  }
  // Cameras are discovered from their hooks (camera_<n> -> "<n>", plan basic).
  for (int c = 1; c <= cameras; ++c) fs::create_directories(dir / "mtx" / "recordings" / fmt::format("camera_{}", c));
  Config config = load_config(dir / "hook-server.yml");
  FixedClock clock;
  clock.t = kDay;
  NoDisk disk;
  Database db(config.data_dir / "index.db");
  HookIngest ingest(config, db, clock);
  Retention retention(config, db, ingest.root(), clock, disk);
  phase_hooks(ingest, clock, dir, cameras, per_camera);
  std::size_t items = phase_queries(db, cameras, queries, clock.t);
  std::size_t retained = phase_retention(retention, clock);
  std::cout << fmt::format("index_driver: {} hooks, {} items read, {} announced + deleted\n", 2 * cameras * per_camera,
                           items, retained);
  return 0;
}
