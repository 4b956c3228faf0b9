#pragma once
// Shared helpers of the snapshot tests: decoding a JPEG back with libav, grey planes of frames made
// by the ffmpeg CLI (the reference for "the frame at time t"), PSNR, a log capture, and an index
// with one camera and its segments.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "index/cameras.hpp"
#include "index/database.hpp"
#include "index/segments.hpp"
#include "snapshot/libav.hpp"
#include "support/media.hpp"
#include "util/log.hpp"

namespace hs::test {

struct ImageInfo {
  int width = 0, height = 0;
  std::string codec;
};

// Decodes `jpeg` with libav's image decoder; FAILs the test when it does not decode.
inline ImageInfo decode_jpeg(const std::string& jpeg) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  REQUIRE(codec);
  av::CodecPtr ctx(avcodec_alloc_context3(codec));
  REQUIRE(avcodec_open2(ctx.get(), codec, nullptr) == 0);
  auto pkt = av::make_packet();
  REQUIRE(av_new_packet(pkt.get(), static_cast<int>(jpeg.size())) == 0);
  std::memcpy(pkt->data, jpeg.data(), jpeg.size());
  REQUIRE(avcodec_send_packet(ctx.get(), pkt.get()) == 0);
  auto frame = av::make_frame();
  REQUIRE(avcodec_receive_frame(ctx.get(), frame.get()) == 0);
  return {frame->width, frame->height, codec->name};
}

inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The grey plane (w x h bytes) of the frame ffmpeg shows at `seek` seconds into `file` (an image
// when seek < 0), scaled to w x h.
inline std::string ffmpeg_gray(const std::filesystem::path& file, double seek, int w, int h) {
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"};
  if (seek >= 0) argv.insert(argv.end(), {"-ss", fmt::format("{:.6f}", seek)});
  argv.insert(argv.end(), {"-i", file.string(), "-frames:v", "1", "-vf", fmt::format("scale={}:{}", w, h), "-f",
                           "rawvideo", "-pix_fmt", "gray", "pipe:1"});
  std::string out;
  REQUIRE(run_command(argv, &out) == 0);
  REQUIRE(out.size() == static_cast<std::size_t>(w * h));
  return out;
}

inline double psnr(const std::string& a, const std::string& b) {
  REQUIRE(a.size() == b.size());
  double se = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double d = static_cast<unsigned char>(a[i]) - static_cast<double>(static_cast<unsigned char>(b[i]));
    se += d * d;
  }
  double mse = se / static_cast<double>(a.size());
  return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

// Collects what one component logs while it lives.
class LogCapture {
 public:
  explicit LogCapture(const std::string& component) : logger_(log::get(component)) {
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink_->set_pattern("%l %v");
    logger_->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = logger_->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::string text() {
    logger_->flush();
    return out_.str();
  }
  // Lines starting with `level` (spdlog's names: "warning", "info", ...) that contain `needle`.
  int count(const std::string& level, const std::string& needle) {
    std::istringstream in(text());
    int n = 0;
    for (std::string line; std::getline(in, line);)
      if (line.rfind(level + " ", 0) == 0 && line.find(needle) != std::string::npos) ++n;
    return n;
  }

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

// An index in a temp dir with camera "1" on path camera_1 and a recordings root beside it.
struct SnapshotIndex {
  TempDir tmp;
  Database db{tmp.path() / "index.db"};
  std::filesystem::path root = tmp.path() / "recordings";

  SnapshotIndex() {
    std::filesystem::create_directories(root);
    Camera cam;
    cam.id = "1";
    cam.path = "camera_1";
    cam.name = "Front door";
    cam.plan = "basic";
    db.write([&](Writer& w) { w.upsert_camera(cam, Clock().now()); });
  }
  // Copies made segments to <root>/camera_1/seg_N.mp4 and indexes them, `seconds` apart from first.
  std::vector<std::string> add_segments(const std::vector<std::filesystem::path>& made, TimePoint first, double seconds) {
    std::vector<std::string> files;
    TimePoint start = first;
    auto step = std::chrono::duration_cast<Micros>(std::chrono::duration<double>(seconds));
    for (std::size_t i = 0; i < made.size(); ++i) {
      std::string rel = fmt::format("camera_1/seg_{:03d}.mp4", i);
      std::filesystem::create_directories(root / "camera_1");
      std::filesystem::copy_file(made[i], root / rel, std::filesystem::copy_options::overwrite_existing);
      auto size = static_cast<std::int64_t>(std::filesystem::file_size(root / rel));
      db.write([&](Writer& w) { w.segment_completed("1", rel, start, step, size, std::nullopt, Clock().now()); });
      files.push_back(rel);
      start += step;
    }
    return files;
  }
  void set_active(bool active) {
    db.write([&](Writer& w) {
      w.apply_stream_status("1", active ? StreamState::active : StreamState::stopped, Clock().now(), "rtspSource");
    });
  }
};

}  // namespace hs::test
