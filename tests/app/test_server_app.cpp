// Start-up brings the configured cameras into the index: new and changed ones are written,
// unchanged ones are left alone, ones gone from the config are marked removed, and a path that
// another camera holds is refused.
#include <catch2/catch.hpp>
#include <fstream>

#include "app/server_app.hpp"
#include "config/config.hpp"
#include "index/cameras.hpp"
#include "support/fake_clock.hpp"
#include "support/media.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::test;

namespace {

struct Start {
  TempDir dir;
  FakeClock clock;

  // Starts (and stops) the app with `mediamtx_extra` in the mediamtx section and `cameras`.
  void run(const std::string& cameras, const std::string& mediamtx_extra = "") {
    std::ofstream(dir.path() / "hook-server.yml")
        << "data_dir: ./var\nmediamtx:\n  working_dir: ./mtx\n  timezone: UTC\n"
        << mediamtx_extra << "cameras:\n"
        << cameras;
    ServerApp app(load_config(dir.path() / "hook-server.yml"), clock);
  }

  // updated_us and removed_us of a camera, read back through a fresh app's index.
  std::pair<TimePoint, std::optional<TimePoint>> stamps(const std::string& id) {
    Database db(dir.path() / "var" / "index.db");
    auto r = db.reader();
    auto q = r.connection().prepare("SELECT updated_us, removed_us FROM cameras WHERE id = ?1");
    q->bind(1, id);
    REQUIRE(q->step());
    return std::make_pair(q->time(0), q->optional_time(1));
  }
};

const char* kTwo =
    "  - {id: \"1\", name: Front, source: \"rtsp://10.0.0.5/s\", plan: basic}\n"
    "  - {id: \"2\", name: Back, source: \"rtsp://10.0.0.6/s\", plan: basic}\n";

}  // namespace

TEST_CASE("start-up writes only the cameras that changed", "[server_app]") {
  Start s;
  const TimePoint t1 = s.clock.t;
  s.run(kTwo);
  CHECK(s.stamps("1") == std::make_pair(t1, std::optional<TimePoint>{}));

  s.clock.t += std::chrono::hours{1};
  s.run(kTwo);  // nothing changed
  CHECK(s.stamps("1").first == t1);
  CHECK(s.stamps("2").first == t1);

  s.clock.t += std::chrono::hours{1};
  const TimePoint t3 = s.clock.t;
  s.run("  - {id: \"1\", name: Front door, source: \"rtsp://10.0.0.5/s\", plan: basic}\n");
  CHECK(s.stamps("1") == std::make_pair(t3, std::optional<TimePoint>{}));    // renamed
  CHECK(s.stamps("2") == std::make_pair(t3, std::optional<TimePoint>{t3}));  // gone from the config

  s.clock.t += std::chrono::hours{1};
  s.run(
      "  - {id: \"1\", name: Front door, source: \"rtsp://10.0.0.5/s\", plan: basic}\n"
      "  - {id: \"2\", name: Back, source: \"rtsp://10.0.0.6/s\", plan: basic}\n");
  CHECK(s.stamps("1").first == t3);
  CHECK(s.stamps("2") == std::make_pair(s.clock.t, std::optional<TimePoint>{}));  // back again
}

TEST_CASE("start-up refuses a camera whose path another camera holds, in the order they are written", "[server_app]") {
  Start s;
  s.run("  - {id: \"7\", name: Seven, source: \"rtsp://10.0.0.7/s\", plan: basic}\n");  // path camera_7
  // With no prefix, camera "7" moves to path "7" first, so "camera_7" may then take camera_7.
  s.run(
      "  - {id: \"7\", name: Seven, source: \"rtsp://10.0.0.7/s\", plan: basic}\n"
      "  - {id: camera_7, name: Other, source: \"rtsp://10.0.0.8/s\", plan: basic}\n",
      "  path_prefix: \"\"\n");
  // Back to the prefix: "camera_7" still holds path camera_7 when "7" asks for it again.
  REQUIRE_THROWS_WITH(s.run("  - {id: \"7\", name: Seven, source: \"rtsp://10.0.0.7/s\", plan: basic}\n"
                            "  - {id: camera_7, name: Other, source: \"rtsp://10.0.0.8/s\", plan: basic}\n"),
                      "camera \"7\": its path \"camera_7\" already belongs to camera \"camera_7\" in the index");
}
