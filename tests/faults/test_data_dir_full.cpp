// Fault: the disk of data_dir (the SQLite index) is full. The promise: the server stays up,
// /api/health says so (index.state "unwritable", an alert of kind "index", status "degraded"),
// hooks are refused with 503 so the hook client spools them, every spooled event lands once space
// returns, and the index passes SQLite's integrity check.
//
// Twice: with data_dir/spool linked to another disk (the client spools there), and in the default
// layout, the spool on the full disk too (the client keeps the events in its memory-backed
// fallback folder in /dev/shm, which the server drains as well: hooks/spool.hpp).
#include <catch2/catch.hpp>
#include <signal.h>

#include "config/config.hpp"
#include "hooks/spool.hpp"
#include "index/database.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/one_camera.hpp"
#include "support/serve_process.hpp"
#include "support/server_fixture.hpp"
#include "support/tmpfs_mount.hpp"

using namespace hs;
using namespace hs::test;
namespace fs = std::filesystem;

TEST_CASE("data_dir full: hooks get 503 and are spooled, health says so, all land when space returns", "[faults][spool]") {
  if (!TmpfsMount::possible()) {
    WARN("skipped: mounting a tmpfs needs root (CI runs as root)");
    return;
  }
  const bool spool_elsewhere = GENERATE(true, false);
  INFO((spool_elsewhere ? "spool on another disk" : "spool on the full disk"));
  ServeProcess server(kOneCamera);
  TmpfsMount disk(server.data_dir(), 4 * 1024 * 1024);  // lazily unmounted even under a running server
  const fs::path fallback = fallback_spool_dir(server.data_dir() / "spool");
  struct RemoveAtEnd {
    fs::path dir;
    ~RemoveAtEnd() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } remove_fallback{fallback};
  if (spool_elsewhere) {
    fs::create_directories(server.dir() / "spool-disk");
    fs::create_directory_symlink(server.dir() / "spool-disk", server.data_dir() / "spool");
  }
  auto names = touch_segments(server.working_dir(), "camera_1", 60);
  server.start();
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_reconcile"].is_null(); }));

  const std::string hook = server.hook_command("segment-complete");
  auto deliver = [&](int from, int to) {
    MediamtxStandin mtx(server.working_dir());
    for (int i = from; i < to; ++i) mtx.launch(hook, MediamtxStandin::segment_complete_vars("camera_1", names[static_cast<size_t>(i)], 60));
    return mtx.wait_all();
  };
  for (const auto& r : deliver(0, 10)) CHECK(r.output.empty());  // delivered

  const auto filled = disk.fill(server.data_dir() / "filler");
  INFO("filler: " << filled << " bytes");
  int refused = 0;
  for (const auto& r : deliver(10, 60)) {
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find(spool_elsewhere ? "event spooled in " + (server.data_dir() / "spool").string()
                                        : "event spooled in memory, " + fallback.string()) != std::string::npos);
    refused += r.output.find("server answered 503") != std::string::npos;
  }
  CHECK(refused == 50);
  auto health = server.get("/api/health");
  INFO(health.dump());
  CHECK(health["status"] == "degraded");
  CHECK(health["index"]["state"] == "unwritable");
  CHECK(health["index"]["error"].get<std::string>().find("database or disk is full") != std::string::npos);
  CHECK(health["spool_pending_bytes"] > 0);
  // The worker's drains fail too, every 2 s, and keep every line.
  std::this_thread::sleep_for(std::chrono::milliseconds{2500});
  CHECK(server.get("/api/cameras/1")["status"].is_object());  // reads still answer
  CHECK(server.get("/api/health")["spool_pending_bytes"] > 0);

  fs::remove(server.data_dir() / "filler");
  REQUIRE(eventually([&] { return server.get("/api/health")["spool_pending_bytes"] == 0; }, std::chrono::seconds{10}));
  health = server.get("/api/health");
  CHECK(health["index"]["state"] == "up");
  server.kill(SIGTERM);
  CHECK(server.wait().exit_code == 0);

  Config config = load_config(server.config_file());
  auto db = open_index(config);
  CHECK(db->integrity_check() == "ok");
  std::size_t complete = 0;
  db->reader().each_segment_file([&](std::string_view, std::int64_t, SegmentState s) { complete += s == SegmentState::complete; });
  CHECK(complete == 60);
  CHECK_FALSE(fs::exists(server.data_dir() / "spool" / "rejected.jsonl"));  // no half line left behind
  CHECK_FALSE(fs::exists(fallback / "rejected.jsonl"));
  CHECK(fs::exists(fallback) != spool_elsewhere);
}
