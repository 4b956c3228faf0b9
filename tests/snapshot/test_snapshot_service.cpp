// SnapshotService: sources and fallback, coalescing, dead cameras, error logging, refresh, stop.
#include "snapshot/snapshot_service.hpp"

#include <catch2/catch.hpp>

#include <thread>

#include "snapshot/snapshot_helpers.hpp"
#include "support/rtsp_server.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using hs::Micros;
using hs::SnapshotResult;
using hs::SnapshotService;
using hs::TimePoint;
using hs::test::TempDir;

namespace {

SnapshotService::Options options(const hs::test::SnapshotIndex& idx, std::vector<std::string> sources,
                                 std::string rtsp_base = "rtsp://127.0.0.1:1") {
  SnapshotService::Options o;
  o.sources = std::move(sources);
  o.refresh = Micros{0};
  o.timeout = 2s;
  o.max_width = 1280;
  o.rtsp_base = std::move(rtsp_base);
  o.dir = idx.tmp.path() / "snapshots";
  o.recordings_root = idx.root;
  return o;
}

TimePoint now_ms() { return std::chrono::floor<std::chrono::milliseconds>(hs::Clock().now()); }

}  // namespace

TEST_CASE("a capture from a live RTSP stream writes the JPEG, concurrent requests share one capture",
          "[snapshot][rtsp]") {
  if (!hs::test::rtsp_server_available()) {
    WARN("GStreamer's RTSP server is not installed (scripts/setup.sh): skipped");
    return;
  }
  hs::test::RtspServer server({{"camera_1"}, 640, 360, 25, 25});
  hs::test::SnapshotIndex idx;
  auto opt = options(idx, {"rtsp"}, server.base());
  opt.max_width = 320;
  hs::Clock clock;
  SnapshotService svc(opt, idx.db, clock);

  std::vector<std::shared_future<SnapshotResult>> futures(8);
  std::vector<std::thread> threads;
  for (auto& f : futures) threads.emplace_back([&] { f = svc.request("1"); });
  for (auto& t : threads) t.join();
  for (auto& f : futures) {
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    const auto& r = f.get();
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(r.source == "rtsp");
    CHECK(r.frame_time == futures[0].get().frame_time);
  }
  auto stats = svc.stats();
  CHECK(stats.captures == 1);
  CHECK(stats.coalesced == 7);
  auto stored = svc.latest("1");
  REQUIRE(stored);
  auto info = hs::test::decode_jpeg(stored->jpeg);
  CHECK(info.width == 320);
  CHECK(info.height == 180);
  CHECK(std::chrono::floor<std::chrono::seconds>(stored->frame_time) ==
        std::chrono::floor<std::chrono::seconds>(futures[0].get().frame_time));

  SECTION("the next request after it finished is a new capture") {
    auto r = svc.request("1").get();
    CHECK(r.ok);
    CHECK(svc.stats().captures == 2);
  }
}

TEST_CASE("a dead camera fails within the timeout, is logged once, and never blocks stop()", "[snapshot]") {
  hs::test::SilentServer silent;
  hs::test::SnapshotIndex idx;
  auto opt = options(idx, {"rtsp"}, "rtsp://127.0.0.1:" + std::to_string(silent.port()));
  opt.timeout = 1s;
  hs::Clock clock;
  hs::test::LogCapture log("snapshots");
  SnapshotService svc(opt, idx.db, clock);

  auto t0 = std::chrono::steady_clock::now();
  auto r = svc.request("1").get();
  CHECK(std::chrono::steady_clock::now() - t0 < 1600ms);
  CHECK_FALSE(r.ok);
  const std::string expected = "rtsp: avformat_open_input(rtsp://127.0.0.1:" + std::to_string(silent.port()) +
                               "/camera_1) failed: timed out after 1s (snapshots.timeout)";
  CHECK(r.error == expected);
  CHECK_FALSE(svc.latest("1"));
  auto again = svc.request("1").get();
  CHECK(again.error == expected);
  CHECK(log.count("warning", "camera \"1\": snapshot failed: " + expected) == 1);
  CHECK(svc.stats().failures == 2);

  SECTION("stop() cancels a capture in progress at once") {
    auto slow_opt = opt;
    slow_opt.timeout = 30s;
    slow_opt.dir = idx.tmp.path() / "slow";
    SnapshotService slow(slow_opt, idx.db, clock);
    auto pending = slow.request("1");
    std::this_thread::sleep_for(200ms);
    auto t1 = std::chrono::steady_clock::now();
    slow.stop();
    CHECK(std::chrono::steady_clock::now() - t1 < 1s);
    REQUIRE(pending.wait_for(0s) == std::future_status::ready);
    CHECK(pending.get().error.find("cancelled (server stopping)") != std::string::npos);
    CHECK(slow.request("1").get().error == "snapshot service stopped");
  }
}

TEST_CASE("the recording tail is used when recent, else the next source", "[snapshot]") {
  hs::test::SnapshotIndex idx;
  TempDir made_dir;
  auto made = hs::test::make_segments(made_dir.path(), 3, 2.0);
  hs::Clock clock;

  SECTION("recent: the last keyframe of the newest segment") {
    TimePoint first = now_ms() - 8s;
    idx.add_segments(made, first, 2.0);
    SnapshotService svc(options(idx, {"recording", "rtsp"}), idx.db, clock);
    auto t0 = std::chrono::steady_clock::now();
    auto r = svc.request("1").get();
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
    CHECK(r.source == "recording");
    CHECK(r.frame_time == first + 5s);  // newest segment starts at +4 s, its last keyframe 1 s in
    CHECK(r.width == 320);
    auto stored = svc.latest("1");
    REQUIRE(stored);
    CHECK(stored->frame_time == first + 5s);  // the file's mtime is the frame's time
  }
  SECTION("the newest segment has no complete fragment yet: the one before") {
    TimePoint first = now_ms() - 6s;
    auto files = idx.add_segments(made, first, 2.0);
    fs::resize_file(idx.root / files[2], 1000);
    SnapshotService svc(options(idx, {"recording"}), idx.db, clock);
    auto r = svc.request("1").get();
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(r.frame_time == first + 3s);
  }
  SECTION("old: not a live picture, the next source is tried") {
    idx.add_segments(made, now_ms() - 1h, 2.0);
    SnapshotService svc(options(idx, {"recording", "rtsp"}), idx.db, clock);
    auto r = svc.request("1").get();
    CHECK_FALSE(r.ok);
    CHECK(r.error ==
          "recording: the newest recorded keyframe (in \"camera_1/seg_002.mp4\") is older than 30s; "
          "rtsp: avformat_open_input(rtsp://127.0.0.1:1/camera_1) failed: Connection refused");
  }
  SECTION("nothing recorded") {
    SnapshotService svc(options(idx, {"recording"}), idx.db, clock);
    CHECK(svc.request("1").get().error == "recording: no recording indexed");
  }
  SECTION("unknown camera") {
    SnapshotService svc(options(idx, {"recording"}), idx.db, clock);
    CHECK(svc.request("9").get().error == "camera \"9\" not found");
  }
}

TEST_CASE("frames at a chosen time come from the segment covering it", "[snapshot]") {
  hs::test::SnapshotIndex idx;
  TempDir made_dir;
  auto made = hs::test::make_segments(made_dir.path(), 3, 2.0);
  TimePoint first = hs::parse_rfc3339("2025-01-15T10:00:00.123Z");
  idx.add_segments(made, first, 2.0);
  hs::Clock clock;
  SnapshotService svc(options(idx, {"recording"}), idx.db, clock);

  auto r = svc.frame_at("1", first + 2s + 520ms);
  CHECK(r.frame_time == first + 2s + 520ms);
  CHECK(hs::test::decode_jpeg(r.jpeg.bytes).width == 320);
  CHECK(svc.frame_at("1", first + 3s + 999ms).frame_time == first + 3s + 960ms);
  CHECK(svc.frame_at("1", first).frame_time == first);
  REQUIRE_THROWS_WITH(svc.frame_at("1", first - 1ms),
                      "no recording of camera \"1\" covers 2025-01-15T10:00:00.122Z");
  REQUIRE_THROWS_WITH(svc.frame_at("1", first + 6s),
                      "no recording of camera \"1\" covers 2025-01-15T10:00:06.123Z");
  REQUIRE_THROWS_AS(svc.frame_at("1", first + 6s), hs::NotFound);
}

TEST_CASE("active cameras are refreshed periodically, the available trigger captures", "[snapshot]") {
  hs::test::SnapshotIndex idx;
  TempDir made_dir;
  auto made = hs::test::make_segments(made_dir.path(), 3, 2.0);
  idx.add_segments(made, now_ms() - 8s, 2.0);
  hs::Clock clock;
  auto opt = options(idx, {"recording"});

  SECTION("refresh every 300 ms while active, none while stopped") {
    opt.refresh = 300ms;
    SnapshotService svc(opt, idx.db, clock);
    std::this_thread::sleep_for(700ms);
    CHECK(svc.stats().captures == 0);  // not active
    idx.set_active(true);
    auto deadline = std::chrono::steady_clock::now() + 3s;
    while (svc.stats().captures < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    CHECK(svc.stats().captures >= 3);
    CHECK(svc.latest("1"));
  }
  SECTION("on_available with refresh disabled") {
    SnapshotService svc(opt, idx.db, clock);
    svc.on_available("1");
    auto deadline = std::chrono::steady_clock::now() + 3s;
    while (!svc.latest("1") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    CHECK(svc.latest("1"));
    CHECK(svc.stats().captures == 1);
  }
}

TEST_CASE("libav's log goes through hs::log with credentials redacted", "[snapshot]") {
  hs::av::install_log_bridge();
  hs::log::get("ffmpeg")->set_level(spdlog::level::debug);
  hs::test::LogCapture log("ffmpeg");
  av_log(nullptr, AV_LOG_ERROR, "cannot reach rtsp://admin:s3cret@10.0.0.5/stream1\n");
  av_log(nullptr, AV_LOG_FATAL, "fatal: ");
  av_log(nullptr, AV_LOG_FATAL, "in two parts\n");
  hs::log::get("ffmpeg")->set_level(spdlog::level::info);
  auto text = log.text();
  CHECK(text.find("debug cannot reach rtsp://admin:***@10.0.0.5/stream1\n") != std::string::npos);
  CHECK(text.find("error fatal: in two parts\n") != std::string::npos);
  CHECK(text.find("s3cret") == std::string::npos);
}

TEST_CASE("with access.mode jwt the reader sends its service token as ?token=, and no message shows it", "[snapshot][access]") {
  hs::test::SilentServer silent;
  hs::test::SnapshotIndex idx;
  auto opt = options(idx, {"rtsp"}, "rtsp://127.0.0.1:" + std::to_string(silent.port()));
  opt.timeout = 1s;
  std::vector<std::string> asked;
  opt.read_token = [&](const std::string& path) {
    asked.push_back(path);
    return std::string("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJob29rLXNlcnZlciJ9.c2lnbmF0dXJl");
  };
  hs::Clock clock;
  hs::test::LogCapture log("snapshots");
  SnapshotService svc(opt, idx.db, clock);
  auto r = svc.request("1").get();
  CHECK(asked == std::vector<std::string>{"camera_1"});
  CHECK(r.error == "rtsp: avformat_open_input(rtsp://127.0.0.1:" + std::to_string(silent.port()) +
                       "/camera_1?token=***) failed: timed out after 1s (snapshots.timeout)");
  CHECK(log.count("warning", "camera \"1\": snapshot failed: " + r.error) == 1);

  if (!hs::test::rtsp_server_available()) return;
  hs::test::RtspServer server({{"camera_1"}, 320, 180, 25, 25});
  auto live = options(idx, {"rtsp"}, server.base());
  live.read_token = opt.read_token;
  live.dir = idx.tmp.path() / "live";
  SnapshotService svc2(live, idx.db, clock);
  auto ok = svc2.request("1").get();
  INFO(ok.error);
  CHECK(ok.ok);  // the query is part of the URL libav sends; the stream is found by its path
}
