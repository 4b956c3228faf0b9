#pragma once
// The thin C++ skin over libav that the snapshot code needs: one unique_ptr with a deleter per C
// handle, error codes translated on the spot into hs::Error naming the call and the (redacted)
// input, libav's own log routed into hs::log ("ffmpeg" component, credentials redacted), and an
// interrupt callback that enforces a deadline and a cancel flag on every blocking libav call.
//
// Error policy: every failing libav call throws hs::Error (or TimedOut) at once, e.g.
//   avformat_open_input(rtsp://127.0.0.1:8554/camera_7) failed: Connection refused
// so callers never see a raw AVERROR.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "snapshot/capture.hpp"
#include "util/error.hpp"

namespace hs::av {

struct FormatDeleter {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
struct AvioDeleter {  // custom I/O: the buffer belongs to the context and may have been replaced
  void operator()(AVIOContext* p) const {
    if (!p) return;
    av_freep(&p->buffer);
    avio_context_free(&p);
  }
};
struct DictDeleter {
  void operator()(AVDictionary* p) const { av_dict_free(&p); }
};

using FormatPtr = std::unique_ptr<AVFormatContext, FormatDeleter>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using AvioPtr = std::unique_ptr<AVIOContext, AvioDeleter>;

// av_frame_alloc / av_packet_alloc that throw instead of returning null.
FramePtr make_frame();
PacketPtr make_packet();

// libav's text for an AVERROR code ("Connection refused", "Invalid data found when processing input").
std::string error_text(int code);

// A deadline exceeded (snapshots.timeout) or a cancelled capture; declared in capture.hpp, because
// the server catches it without seeing libav.
using TimedOut = snapshot::TimedOut;

// The deadline and cancel flag of one capture, consulted by libav through AVIOInterruptCB while it
// blocks in connect/read, and by our own loops between packets. Must outlive the contexts using it.
class Interrupt {
 public:
  using Clock = std::chrono::steady_clock;
  Interrupt(std::chrono::microseconds timeout, const std::atomic<bool>* cancel = nullptr);

  AVIOInterruptCB callback() { return AVIOInterruptCB{&Interrupt::fire, this}; }
  bool expired() const { return Clock::now() >= deadline_; }
  bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
  bool fired() const { return expired() || cancelled(); }
  std::chrono::microseconds timeout() const { return timeout_; }
  // Throws TimedOut when expired or cancelled: "<what>: timed out after 5s (snapshots.timeout)".
  void check(std::string_view what) const;

 private:
  static int fire(void* self);
  Clock::time_point deadline_;
  std::chrono::microseconds timeout_;
  const std::atomic<bool>* cancel_;
};

// Throws for a negative libav return code: "<call>(<subject>) failed: <libav text>". When the
// interrupt fired, the reason is the deadline or the cancel instead of libav's "Immediate exit
// requested". `subject` must already be redacted (redact_url).
void check(int rc, std::string_view call, std::string_view subject, const Interrupt* interrupt = nullptr);
[[noreturn]] void fail(int rc, std::string_view call, std::string_view subject, const Interrupt* interrupt = nullptr);

// Routes av_log into hs::log::get("ffmpeg"), once per process (later calls do nothing). libav's
// errors and warnings are logged at debug (a capture's own error names the failing call; repeating
// libav's per-packet complaints at warn level would flood the log of a server with a dead camera);
// fatal ones at error. Every line goes through redact_credentials.
void install_log_bridge();

}  // namespace hs::av
