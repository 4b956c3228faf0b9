// One frame out of a recording segment (tail, chosen time) and out of a live RTSP stream, checked
// against ffmpeg's own frames and against a real RTSP server on 127.0.0.1.
#include "snapshot/frame_reader.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fstream>
#include <random>
#include <thread>

#include "snapshot/fragment_index.hpp"
#include "snapshot/jpeg.hpp"
#include "snapshot/snapshot_helpers.hpp"
#include "support/rtsp_server.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using hs::Micros;
using hs::av::Interrupt;
using hs::snapshot::encode_jpeg;
using hs::snapshot::read_frame_at;
using hs::snapshot::read_last_keyframe;
using hs::snapshot::read_live_keyframe;
using hs::test::TempDir;

namespace {

constexpr int kW = 320, kH = 180;

// The grey plane of a decoded frame as ffmpeg sees our JPEG of it (same conversion as the reference).
std::string gray_of(const AVFrame& frame, const fs::path& dir) {
  auto jpeg = encode_jpeg(frame, 1280);
  auto file = dir / "mine.jpg";
  std::ofstream(file, std::ios::binary) << jpeg.bytes;
  return hs::test::ffmpeg_gray(file, -1, kW, kH);
}

}  // namespace

TEST_CASE("the recording tail is the last keyframe, read fast", "[snapshot]") {
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path(), 1, 4.0);
  Interrupt interrupt(5s);
  auto t0 = std::chrono::steady_clock::now();
  auto f = read_last_keyframe(made[0], interrupt);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(f.offset == 3s);
  CHECK(f.frame->width == kW);
  CHECK(f.frame->height == kH);
  CHECK(elapsed < 300ms);  // ~5 ms here; generous for loaded CI machines
  // The same frame ffmpeg shows at 3.0 s.
  CHECK(hs::test::psnr(gray_of(*f.frame, tmp.path()), hs::test::ffmpeg_gray(made[0], 3.0, kW, kH)) > 35);
}

TEST_CASE("a frame at a chosen time is ffmpeg's frame at that time", "[snapshot]") {
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path(), 1, 4.0);
  // On frame times (ffmpeg -ss agrees exactly there), inside a GOP, right after a keyframe, last frame.
  for (double at : {0.0, 0.52, 1.36, 2.04, 3.96}) {
    INFO("at " << at << " s");
    Interrupt interrupt(5s);
    auto f = read_frame_at(made[0], std::chrono::duration_cast<Micros>(std::chrono::duration<double>(at)), interrupt);
    REQUIRE(f);
    CHECK(std::llabs((f->offset - std::chrono::duration_cast<Micros>(std::chrono::duration<double>(at))).count()) <= 1);
    auto mine = gray_of(*f->frame, tmp.path());
    double exact = hs::test::psnr(mine, hs::test::ffmpeg_gray(made[0], at, kW, kH));
    CHECK(exact > 35);
    // And distinctly not its neighbours.
    if (at >= 0.04) CHECK(exact > hs::test::psnr(mine, hs::test::ffmpeg_gray(made[0], at - 0.04, kW, kH)) + 3);
    if (at <= 3.92) CHECK(exact > hs::test::psnr(mine, hs::test::ffmpeg_gray(made[0], at + 0.04, kW, kH)) + 3);
  }
  SECTION("between two frames: the one on screen") {
    Interrupt interrupt(5s);
    auto f = read_frame_at(made[0], 1'379'000us, interrupt);  // frames at 1.36 and 1.40
    REQUIRE(f);
    CHECK(f->offset == 1'360'000us);
  }
  SECTION("past the end or before the start: nothing") {
    Interrupt interrupt(5s);
    CHECK_FALSE(read_frame_at(made[0], 4s, interrupt));
    CHECK_FALSE(read_frame_at(made[0], 60s, interrupt));
    CHECK_FALSE(read_frame_at(made[0], -1us, interrupt));
  }
}

TEST_CASE("cut and corrupt segments give clear errors, never a crash", "[snapshot]") {
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path(), 1, 4.0);
  auto idx = hs::snapshot::index_fragments(made[0]);
  Interrupt interrupt(5s);
  const auto q = hs::quote(made[0].string());

  SECTION("being written: the last complete fragment's keyframe") {
    fs::resize_file(made[0], idx.fragments[3].offset + 1000);
    auto f = read_last_keyframe(made[0], interrupt);
    CHECK(f.offset == 2s);
    auto later = read_frame_at(made[0], 3500ms, interrupt);
    CHECK_FALSE(later);
  }
  SECTION("only the init segment") {
    fs::resize_file(made[0], idx.init_end);
    REQUIRE_THROWS_WITH(read_last_keyframe(made[0], interrupt), q + ": no complete fragment yet");
  }
  SECTION("cut inside the first fragment") {
    fs::resize_file(made[0], idx.init_end + 500);
    REQUIRE_THROWS_WITH(read_last_keyframe(made[0], interrupt),
                        q + ": no complete fragment yet (being written or cut short)");
  }
  SECTION("garbage") {
    std::ofstream(made[0], std::ios::binary | std::ios::trunc) << std::string(5000, '\x42');
    REQUIRE_THROWS_AS(read_last_keyframe(made[0], interrupt), hs::Error);
    REQUIRE_THROWS_AS(read_frame_at(made[0], 1s, interrupt), hs::Error);
  }
  SECTION("the samples of the last fragment zeroed") {
    const auto& last = idx.fragments[3];
    std::fstream f(made[0], std::ios::binary | std::ios::in | std::ios::out);
    std::uint64_t mdat = last.offset + 1;  // find the mdat after the moof: zero everything past its header
    std::string bytes(last.end - last.offset, '\0');
    f.seekg(static_cast<std::streamoff>(last.offset));
    f.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    mdat = last.offset + bytes.find("mdat") + 4;
    f.seekp(static_cast<std::streamoff>(mdat));
    f << std::string(last.end - mdat, '\0');
    f.close();
    REQUIRE_THROWS_WITH(read_last_keyframe(made[0], interrupt), Catch::StartsWith(q + ": no decodable video frame"));
    // Earlier fragments are intact.
    CHECK(read_frame_at(made[0], 2500ms, interrupt));
  }
  SECTION("random damage everywhere after the init: an error or a frame, nothing else") {
    std::mt19937 rng(7);
    std::fstream f(made[0], std::ios::binary | std::ios::in | std::ios::out);
    auto size = fs::file_size(made[0]);
    for (int i = 0; i < 300; ++i) {
      std::uniform_int_distribution<std::uint64_t> pos(idx.init_end, size - 1);
      f.seekp(static_cast<std::streamoff>(pos(rng)));
      f.put(static_cast<char>(rng()));
    }
    f.close();
    for (auto call : {0, 1}) {
      try {
        if (call == 0) (void)read_last_keyframe(made[0], interrupt);
        else (void)read_frame_at(made[0], 2500ms, interrupt);
      } catch (const hs::Error& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find(made[0].string()) != std::string::npos);
      }
    }
  }
}

TEST_CASE("a live RTSP stream gives a keyframe as a JPEG of the right size", "[snapshot][rtsp]") {
  if (!hs::test::rtsp_server_available()) {
    WARN("GStreamer's RTSP server is not installed (scripts/setup.sh): skipped");
    return;
  }
  hs::test::RtspServer server({{"camera_1"}, 640, 360, 25, 25});
  Interrupt interrupt(5s);
  auto f = read_live_keyframe(server.url("camera_1"), interrupt);
  REQUIRE(f.frame);
  CHECK(f.frame->width == 640);
  CHECK(f.frame->height == 360);
  auto small = encode_jpeg(*f.frame, 320);
  CHECK(small.width == 320);
  CHECK(small.height == 180);
  auto info = hs::test::decode_jpeg(small.bytes);
  CHECK(info.width == 320);
  CHECK(info.height == 180);
  auto full = encode_jpeg(*f.frame, 1280);
  CHECK(hs::test::decode_jpeg(full.bytes).width == 640);

  SECTION("a path with no stream: MediaMTX's 404, quickly") {
    Interrupt again(5s);
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE_THROWS_WITH(read_live_keyframe(server.url("camera_9"), again),
                        "avformat_open_input(" + server.url("camera_9") + ") failed: Server returned 404 Not Found");
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
  }
  SECTION("credentials never reach the message") {
    Interrupt again(5s);
    auto url = "rtsp://admin:s3cret@127.0.0.1:" + std::to_string(server.port()) + "/camera_9";
    REQUIRE_THROWS_WITH(read_live_keyframe(url, again),
                        "avformat_open_input(rtsp://admin:***@127.0.0.1:" + std::to_string(server.port()) +
                            "/camera_9) failed: Server returned 404 Not Found");
  }
}

TEST_CASE("a server that never answers times out within the bound, and a cancel ends it at once", "[snapshot]") {
  hs::test::SilentServer silent;
  const auto url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/camera_1";
  SECTION("timeout") {
    Interrupt interrupt(1s);
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE_THROWS_WITH(read_live_keyframe(url, interrupt),
                        "avformat_open_input(" + url + ") failed: timed out after 1s (snapshots.timeout)");
    auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(elapsed >= 1s);
    CHECK(elapsed < 1500ms);
  }
  SECTION("cancel") {
    std::atomic<bool> cancel{false};
    Interrupt interrupt(30s, &cancel);
    std::thread t([&] {
      std::this_thread::sleep_for(200ms);
      cancel = true;
    });
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE_THROWS_AS(read_live_keyframe(url, interrupt), hs::av::TimedOut);
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
    t.join();
  }
  SECTION("connection refused") {
    Interrupt interrupt(1s);
    REQUIRE_THROWS_WITH(read_live_keyframe("rtsp://127.0.0.1:1/camera_1", interrupt),
                        "avformat_open_input(rtsp://127.0.0.1:1/camera_1) failed: Connection refused");
  }
}

TEST_CASE("an HLS playlist with fMP4 segments gives a keyframe", "[snapshot]") {
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path() / "src", 1, 4.0);
  fs::create_directories(tmp.path() / "hls" / "camera_1");
  REQUIRE(hs::test::run_command({"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i", made[0].string(), "-c",
                                 "copy", "-f", "hls", "-hls_time", "1", "-hls_segment_type", "fmp4",
                                 "-hls_playlist_type", "vod",
                                 (tmp.path() / "hls" / "camera_1" / "index.m3u8").string()}) == 0);
  httplib::Server http;
  REQUIRE(http.set_mount_point("/", (tmp.path() / "hls").string()));
  int port = http.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread serve([&] { http.listen_after_bind(); });
  struct Stop {
    httplib::Server& s;
    std::thread& t;
    ~Stop() {
      s.stop();
      t.join();
    }
  } stop{http, serve};

  Interrupt interrupt(5s);
  auto f = read_live_keyframe("http://127.0.0.1:" + std::to_string(port) + "/camera_1/index.m3u8", interrupt);
  REQUIRE(f.frame);
  CHECK(f.frame->width == kW);
  CHECK(f.frame->height == kH);

  Interrupt again(5s);
  REQUIRE_THROWS_WITH(read_live_keyframe("http://127.0.0.1:" + std::to_string(port) + "/camera_9/index.m3u8", again),
                      "avformat_open_input(http://127.0.0.1:" + std::to_string(port) +
                          "/camera_9/index.m3u8) failed: Server returned 404 Not Found");
}

TEST_CASE("jpeg_size keeps the display aspect with even sides", "[snapshot]") {
  struct Row {
    int w, h;
    AVRational sar;
    int max;
    int ew, eh;
  };
  for (auto r : std::vector<Row>{{1920, 1080, {1, 1}, 1280, 1280, 720},
                                 {1280, 720, {1, 1}, 1280, 1280, 720},
                                 {640, 360, {0, 1}, 1280, 640, 360},  // unknown SAR: square
                                 {2560, 1440, {1, 1}, 640, 640, 360},
                                 {720, 576, {16, 11}, 1280, 1048, 576},  // PAL 16:9 anamorphic
                                 {1000, 3, {1, 1}, 100, 100, 2},
                                 {333, 333, {1, 1}, 1280, 334, 334}}) {
    INFO(r.w << "x" << r.h << " sar " << r.sar.num << "/" << r.sar.den << " max " << r.max);
    auto [w, h] = hs::snapshot::jpeg_size(r.w, r.h, r.sar, r.max);
    CHECK(w == r.ew);
    CHECK(h == r.eh);
  }
}
