// The stall watchdog in the running server: hooks through the MediaMTX stand-in, a real segment
// file that grows (a prefix of an ffmpeg-made fMP4 segment, as MediaMTX flushes parts) and stops,
// a segment that is never rotated, and a clock the test moves. What is checked is what users see:
// /api/health's alerts and status, and the camera's recording_state.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/fake_clock.hpp"
#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

const char* kCamera = "cameras:\n  - {id: \"1\", source: publisher}\n";

// A segment MediaMTX is writing: the first bytes of a real segment, more of them on each grow().
class GrowingSegment {
 public:
  explicit GrowingSegment(const fs::path& file) : path_(file) {
    std::ifstream in(file, std::ios::binary);
    content_.assign(std::istreambuf_iterator<char>(in), {});
    REQUIRE(content_.size() > 4000);
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(content_.data(), 1000);
    written_ = 1000;
  }
  void grow() {
    const std::size_t n = std::min<std::size_t>(500, content_.size() - written_);
    REQUIRE(n > 0);
    std::ofstream(path_, std::ios::binary | std::ios::app).write(content_.data() + written_, static_cast<std::streamsize>(n));
    written_ += n;
  }

 private:
  fs::path path_;
  std::string content_;
  std::size_t written_ = 0;
};

struct Rig {
  SharedFakeClock clock{std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now())};
  ServerFixture server;
  MediamtxStandin mtx;
  TempDir media;

  explicit Rig(const std::string& mediamtx_extra, const std::string& extra = "")
      : server(std::string(kCamera) + extra, "UTC", mediamtx_extra), mtx(server.working_dir()) {
    server.use_clock(clock);
    server.start();
  }

  void hook(const std::string& event, const std::map<std::string, std::string>& vars) {
    auto r = mtx.wait(mtx.launch(server.hook_command(event), vars));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  // The stream becomes available (the hook carries the real time); then this server's clock moves
  // past it, so recording is expected from now on.
  void available() {
    hook("ready", MediamtxStandin::ready_vars("camera_1"));
    clock.set(std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()) + seconds{1});
  }
  // A new segment file starting now, announced by segment-create. Returns its name for MediaMTX.
  std::string create_segment(std::optional<GrowingSegment>& file) {
    auto made = make_segments(media.path() / std::to_string(++made_), 1, 4.0);
    auto names = place_segments(made, server.working_dir(), "camera_1", clock.now(), 4.0);
    file.emplace(server.working_dir() / names[0]);
    hook("segment-create", MediamtxStandin::segment_create_vars("camera_1", names[0]));
    return names[0];
  }
  json state() { return server.get("/api/cameras/1")["recording_state"]; }
  json health() { return server.get("/api/health"); }

  int made_ = 0;
};

}  // namespace

TEST_CASE("the watchdog fires when the recording file stops growing and clears when it grows again",
          "[watchdog][e2e]") {
  Rig rig("segment_duration: 1h", "watchdog: {grace: 30s}\n");
  rig.available();
  std::optional<GrowingSegment> file;
  rig.create_segment(file);

  rig.server.app().watch();
  CHECK(rig.state()["state"] == "recording");
  CHECK(rig.health()["status"] == "ok");

  // Growing: fine however long it takes (the segment is not due before 1 h).
  for (int i = 0; i < 5; ++i) {
    rig.clock.advance(seconds{20});
    file->grow();
    rig.server.app().watch();
    CHECK(rig.state()["state"] == "recording");
  }
  // 25 s without growth is within the grace.
  rig.clock.advance(seconds{25});
  rig.server.app().watch();
  CHECK(rig.state()["state"] == "recording");
  CHECK(rig.health()["alerts"].empty());

  // 35 s: stalled, in the camera and in /api/health.
  rig.clock.advance(seconds{10});
  rig.server.app().watch();
  json st = rig.state();
  CHECK(st["state"] == "stalled");
  CHECK_THAT(st["detail"].get<std::string>(), Catch::Contains("has not grown since"));
  json health = rig.health();
  CHECK(health["status"] == "degraded");
  REQUIRE(health["alerts"].size() == 1);
  CHECK(health["alerts"][0]["kind"] == "stalled");
  CHECK(health["alerts"][0]["camera_id"] == "1");
  CHECK(health["alerts"][0]["since"] == st["since"]);
  CHECK(health["alerts"][0]["message"] == st["detail"]);

  // MediaMTX writes again: cleared at the next look.
  rig.clock.advance(seconds{2});
  file->grow();
  rig.server.app().watch();
  st = rig.state();
  CHECK(st["state"] == "recording");
  CHECK(st["since"] == format_rfc3339_ms(rig.clock.now()));  // since the stall ended
  health = rig.health();
  CHECK(health["status"] == "ok");
  CHECK(health["alerts"].empty());
}

TEST_CASE("the watchdog fires when a segment is not rotated in time and clears with the next one", "[watchdog][e2e]") {
  Rig rig("segment_duration: 10s", "watchdog: {grace: 5s}\n");
  rig.available();
  std::optional<GrowingSegment> file;
  auto first = rig.create_segment(file);
  // Growing all along, but never completed: due at 10 s, stalled after 10 s + 5 s.
  for (int i = 0; i < 7; ++i) {
    rig.clock.advance(seconds{2});
    file->grow();
    rig.server.app().watch();
    CHECK(rig.state()["state"] == "recording");
  }
  rig.clock.advance(seconds{2});  // 16 s
  file->grow();
  rig.server.app().watch();
  json st = rig.state();
  CHECK(st["state"] == "stalled");
  CHECK_THAT(st["detail"].get<std::string>(), Catch::Contains("is still not complete"));
  CHECK(rig.health()["alerts"][0]["camera_id"] == "1");

  // MediaMTX completes it and starts the next one.
  rig.hook("segment-complete", MediamtxStandin::segment_complete_vars("camera_1", first, 16));
  rig.create_segment(file);
  rig.server.app().watch();
  CHECK(rig.state()["state"] == "recording");
  CHECK(rig.health()["status"] == "ok");
}

TEST_CASE("offline and record-off cameras are never stalled", "[watchdog][e2e]") {
  Rig rig("segment_duration: 1h", "watchdog: {grace: 5s}\n");
  // Never seen: offline, whatever the time.
  rig.clock.advance(std::chrono::hours{1});
  rig.server.app().watch();
  CHECK(rig.state()["state"] == "offline");
  // Available without any segment: idle within the grace, then stalled.
  rig.available();
  rig.server.app().watch();
  CHECK(rig.state()["state"] == "idle");
  rig.clock.advance(seconds{6});
  rig.server.app().watch();
  CHECK(rig.state()["state"] == "stalled");
  CHECK_THAT(rig.state()["detail"].get<std::string>(), Catch::Contains("no segment since recording was expected"));
  // The stream goes away: the stall ends (the camera is offline, not stalled).
  rig.hook("not-ready", MediamtxStandin::path_vars("camera_1"));
  rig.server.app().watch();
  CHECK(rig.state()["state"] == "offline");
  CHECK(rig.health()["status"] == "ok");
}
