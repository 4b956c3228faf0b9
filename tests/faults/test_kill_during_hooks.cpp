// Fault: `hook-server serve` SIGKILLed in the middle of a burst of segment hooks, each delivered by
// the real hook client spawned the way MediaMTX spawns it. The promise: after the restart every
// segment is indexed exactly once, complete, through the spool (hooks the dead server never
// answered) and the live path, and nothing is left in the spool or rejected.
#include <catch2/catch.hpp>
#include <signal.h>

#include <chrono>
#include <map>
#include <set>

#include "config/config.hpp"
#include "index/database.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/one_camera.hpp"
#include "support/serve_process.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
namespace fs = std::filesystem;

TEST_CASE("SIGKILL during a burst of 10,000 segment hooks: every segment indexed exactly once", "[faults][spool]") {
  constexpr int kHooks = 10000;
  constexpr int kWave = 250;  // hooks running at once; each wave's launcher reaps its processes
  ServeProcess server(kOneCamera);
  // Fresh files (mtime now): reconciliation sees them as still recording and never completes them
  // itself, so each "complete" below was brought by a hook.
  auto names = touch_segments(server.working_dir(), "camera_1", kHooks);
  server.start();

  const std::string hook = server.hook_command("segment-complete");
  const auto began = std::chrono::steady_clock::now();
  std::map<std::string, int> outcomes;  // delivered, spooled, or what the client printed
  int failed = 0;
  for (int first = 0; first < kHooks; first += kWave) {
    MediamtxStandin mtx(server.working_dir());
    for (int i = first; i < first + kWave; ++i) {
      mtx.launch(hook, MediamtxStandin::segment_complete_vars("camera_1", names[static_cast<size_t>(i)], 60));
      if (i == kHooks / 3) server.kill(SIGKILL);  // with a wave of hooks in flight
    }
    for (const auto& r : mtx.wait_all(std::chrono::seconds{60})) {
      if (r.exit_code != 0) {
        ++failed;
        UNSCOPED_INFO(r.output);
      }
      const bool spooled = r.output.find("event spooled in") != std::string::npos;
      ++outcomes[r.output.empty() ? "delivered" : spooled ? "spooled" : r.output];
    }
    // Back while the burst goes on: the restarted server drains the spool beside live hooks.
    if (first + kWave > 2 * kHooks / 3 && first <= 2 * kHooks / 3) {
      server.wait();
      server.start();
    }
  }
  const auto burst = std::chrono::steady_clock::now() - began;
  CHECK(failed == 0);
  for (const auto& [what, n] : outcomes) UNSCOPED_INFO(what << ": " << n);

  // Every event has landed once the spool is empty and the worker drained it.
  REQUIRE(eventually(
      [&] {
        auto health = server.get("/api/health");
        return health.is_object() && health["spool_pending_bytes"] == 0 &&
               server.get("/api/cameras/1")["recordings"]["segments"] == kHooks;
      },
      std::chrono::seconds{30}));
  server.kill(SIGTERM);
  CHECK(server.wait().exit_code == 0);
  const auto total = std::chrono::steady_clock::now() - began;

  Config config = load_config(server.config_file());
  auto db = open_index(config);
  std::set<std::string> files;
  std::size_t rows = 0, complete = 0;
  db->reader().each_segment_file([&](std::string_view file, std::int64_t, SegmentState state) {
    ++rows;
    files.emplace(file);
    if (state == SegmentState::complete) ++complete;
  });
  CHECK(rows == kHooks);          // none twice
  CHECK(files.size() == kHooks);  // ... under any spelling of its name
  CHECK(complete == kHooks);      // none lost
  CHECK_FALSE(fs::exists(server.data_dir() / "spool" / "rejected.jsonl"));
  const int spooled = outcomes["spooled"];
  CHECK(outcomes["delivered"] + spooled == kHooks);
  CHECK(spooled > 0);  // the kill really happened while hooks were arriving
  WARN(kHooks << " hooks, " << spooled << " spooled, burst " << std::chrono::duration_cast<std::chrono::milliseconds>(burst).count()
              << " ms, until all indexed " << std::chrono::duration_cast<std::chrono::milliseconds>(total).count() << " ms");
}
