// Fault: the recordings disk turns read-only, or is unmounted (its mount point left empty) and
// comes back. The promise: the server stays up; no deletion that failed is audited and no row is
// forgotten as "already gone" while the files cannot be seen; /api/health says why deletions
// wait, with the time it began (unchanged from pass to pass); once the disk is back, the waiting
// deletions happen, each with its audit row.
#include <catch2/catch.hpp>

#include "index/database.hpp"
#include "support/server_fixture.hpp"
#include "support/tmpfs_mount.hpp"

using namespace hs;
using namespace hs::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Every segment below is long expired and announced at the pass (notify_before 0s).
const char* kSetup = R"(retention: {plans: {basic: 1d}, notify_before: 0s, disk_min_free: 0%}
cameras:
  - {id: "1", name: Front door, source: "rtsp://10.0.0.5:554/stream1", plan: basic}
)";

json storage_alert(ServerFixture& server) {
  json health = server.get("/api/health");  // kept alive for the loop
  for (const auto& a : health["alerts"])
    if (a["kind"] == "storage") return a;
  return nullptr;
}

}  // namespace

TEST_CASE("recordings disk read-only or unmounted: nothing audited that was not deleted, health says why", "[faults][retention]") {
  if (!TmpfsMount::possible()) {
    WARN("skipped: mounting a tmpfs needs root (CI runs as root)");
    return;
  }
  ServerFixture server(kSetup);
  auto disk = std::make_unique<TmpfsMount>(server.recordings(), 16 * 1024 * 1024);
  server.start();
  // The start-up passes ran on an empty disk; the files come now and are indexed by hand.
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_retention"].is_null(); }));
  TempDir stash;
  auto names = touch_segments(server.working_dir(), "camera_1", 20);
  for (const auto& n : names) set_mtime_ago(server.working_dir() / n, std::chrono::hours{1});
  fs::copy(server.recordings(), stash.path(), fs::copy_options::recursive);
  REQUIRE(server.app().reconcile().added == 20);
  auto audited = [&] { return server.app().database().reader().audit_log(std::nullopt, std::nullopt, std::nullopt, 1000).size(); };
  auto complete = [&] {
    std::size_t n = 0;
    server.app().database().reader().each_segment_file([&](std::string_view, std::int64_t, SegmentState s) { n += s == SegmentState::complete; });
    return n;
  };

  SECTION("read-only: unlinks fail, rows go back, no audit row") {
    disk->set_read_only(true);
    auto pass = server.app().retention_pass();
    CHECK(pass.deleted == 0);
    CHECK(audited() == 0);
    CHECK(complete() == 20);
    auto id = server.app().database().reader().segment_by_file(names[0].substr(std::string("./recordings/").size()))->id;
    auto res = server.request("DELETE", "/api/recordings/" + std::to_string(id));
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->body == R"({"error":"recording )" + std::to_string(id) + R"x( not deleted: its file could not be removed (the server log says why)"})x");
    for (const auto& n : names) CHECK(fs::exists(server.working_dir() / n));
    disk->set_read_only(false);
    CHECK(server.app().retention_pass().deleted == 20);
    CHECK(audited() == 20);
  }
  SECTION("unmounted, then back") {
    disk.reset();  // unmounted: server.recordings() is the empty mount point
    REQUIRE(fs::is_empty(server.recordings()));
    auto pass = server.app().retention_pass();
    CHECK(pass.deleted == 0);
    CHECK(audited() == 0);
    CHECK(complete() == 20);
    CHECK(server.app().reconcile().missing == 0);
    json alert = storage_alert(server);
    INFO(alert.dump());
    REQUIRE(alert.is_object());
    CHECK(alert["message"] == "recordings root \"" + server.recordings().string() + "\" is empty: a disk not mounted?");
    CHECK(server.get("/api/health")["status"] == "degraded");
    server.app().retention_pass();
    CHECK(storage_alert(server)["since"] == alert["since"]);  // one state, one since

    disk = std::make_unique<TmpfsMount>(server.recordings(), 16 * 1024 * 1024);
    fs::copy(stash.path(), server.recordings(), fs::copy_options::recursive);
    CHECK(server.app().retention_pass().deleted == 20);
    CHECK(audited() == 20);
    CHECK(storage_alert(server).is_null());
    for (const auto& e : server.app().database().reader().audit_log(std::nullopt, std::nullopt, std::nullopt, 1000))
      CHECK(e.outcome == "deleted");
  }
  server.stop();
}
