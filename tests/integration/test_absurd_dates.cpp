// Segment names whose dates no live camera can have (year 0000, 9999, a week ahead; before 1970)
// end to end: the real hook client, spawned as MediaMTX spawns it, is refused with a 400 and
// neither retries nor spools; reconcile skips the files, counts them and indexes the good one.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>

#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("segment names with absurd dates are refused by the hook route and skipped by reconcile", "[e2e][hostile][reconcile]") {
  ServerFixture server("cameras:\n  - {id: \"1\", source: \"rtsp://127.0.0.1:1/a\"}\n");
  server.start();
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_reconcile"].is_null(); }));
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  const auto now = ServerApp::system_clock().now();
  const std::vector<std::string> absurd = {"camera_1/0000-01-01_00-00-00-000000.mp4", "camera_1/9999-12-31_23-59-59-000000.mp4",
                                           "camera_1/1969-12-31_23-00-00-000000.mp4", rp.encode("camera_1", now + std::chrono::hours{24 * 7})};
  const std::string good = rp.encode("camera_1", now - std::chrono::hours{1});
  for (const auto& name : absurd) {
    fs::create_directories((server.recordings() / name).parent_path());
    std::ofstream(server.recordings() / name) << "not footage";
  }
  std::ofstream(server.recordings() / good) << "footage";

  MediamtxStandin mtx(server.working_dir());
  for (const auto& name : absurd)
    mtx.launch(server.hook_command("segment-complete"), MediamtxStandin::segment_complete_vars("camera_1", "./recordings/" + name, 60));
  mtx.launch(server.hook_command("segment-complete"), MediamtxStandin::segment_complete_vars("camera_1", "./recordings/" + good, 60));
  auto results = mtx.wait_all();
  for (std::size_t i = 0; i < absurd.size(); ++i) {
    INFO(results[i].output);
    CHECK(results[i].exit_code == 2);  // rejected: neither delivered nor spooled
    CHECK(results[i].output.find("server refused the event (400): MTX_SEGMENT_PATH \"./recordings/" + absurd[i] + "\": starts ") !=
          std::string::npos);
    CHECK(results[i].elapsed < std::chrono::seconds{3});  // no retries
  }
  INFO(results.back().output);
  CHECK(results.back().exit_code == 0);
  // Nothing was spooled for a later retry.
  const auto spool = server.spool_dir() / "events.jsonl";
  CHECK((!fs::exists(spool) || fs::file_size(spool) == 0));
  auto page = server.get("/api/cameras/1/recordings")["recordings"];
  REQUIRE(page.size() == 1);
  CHECK(page[0]["file"].get<std::string>().find(good) != std::string::npos);
  // Each refusal is in the hook event log, naming the file.
  std::size_t rejected = 0;
  const auto events = server.get("/api/events?camera=1&limit=100");
  for (const auto& e : events["events"])
    if (e["outcome"] == "rejected") ++rejected;
  CHECK(rejected == absurd.size());

  // Reconcile walks the same files: counted, logged, not indexed; the good one is already known.
  auto report = server.app().reconcile();
  CHECK(report.implausible == absurd.size());
  CHECK(report.added == 0);
  CHECK(server.get("/api/cameras/1/recordings")["recordings"].size() == 1);
  CHECK(server.get("/api/health")["worker"]["last_reconcile"]["implausible"] == absurd.size());
  // The files are left where they are: refusing to index is not deleting.
  for (const auto& name : absurd) CHECK(fs::exists(server.recordings() / name));
}
