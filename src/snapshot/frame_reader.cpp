// Demux + decode of one frame from a live URL or from a recording segment (see frame_reader.hpp).
#include "snapshot/frame_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "snapshot/fragment_index.hpp"
#include "util/redact.hpp"

extern "C" {
#include <libavutil/mathematics.h>
}

namespace hs::snapshot {

namespace {

std::string quoted(const std::filesystem::path& p) { return quote(p.string()); }

Micros ticks_to_us(std::int64_t ticks, std::uint32_t timescale) {
  return Micros{av_rescale(ticks, 1'000'000, timescale)};
}
std::int64_t us_to_ticks(Micros us, std::uint32_t timescale) { return av_rescale(us.count(), timescale, 1'000'000); }
Micros tb_to_us(std::int64_t ts, AVRational tb) { return Micros{av_rescale_q(ts, tb, AVRational{1, 1'000'000})}; }

// The file as libav sees it: [0, init_end) as is, then one `free` box hiding [init_end, start),
// then [start, end) as is, and EOF at `end`. Offsets inside moof boxes stay those of the file.
class SplicedFile {
 public:
  SplicedFile(const std::filesystem::path& path, std::uint64_t init_end, std::uint64_t start, std::uint64_t end)
      : path_(path), init_end_(init_end), start_(start), end_(end) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(fmt::format("cannot open {}: {}", quoted(path), std::strerror(errno)));
    std::uint64_t gap = start_ - init_end_;
    if (gap == 0) return;
    if (gap < 8) {  // cannot hide fewer than 8 bytes in a box: show them
      start_ = init_end_;
      return;
    }
    if (gap <= 0xFFFFFFFFull) {
      put32(header_, static_cast<std::uint32_t>(gap));
      std::memcpy(header_ + 4, "free", 4);
      header_len_ = 8;
    } else {
      put32(header_, 1);
      std::memcpy(header_ + 4, "free", 4);
      for (int i = 0; i < 8; ++i) header_[8 + i] = static_cast<std::uint8_t>(gap >> (56 - 8 * i));
      header_len_ = 16;
    }
  }
  ~SplicedFile() { ::close(fd_); }
  SplicedFile(const SplicedFile&) = delete;
  SplicedFile& operator=(const SplicedFile&) = delete;

  static int read(void* opaque, std::uint8_t* buf, int size) {
    auto* self = static_cast<SplicedFile*>(opaque);
    int done = 0;
    while (done < size && self->pos_ < self->end_) {
      std::uint64_t pos = self->pos_;
      std::size_t want = static_cast<std::size_t>(size - done);
      std::size_t n = 0;
      if (pos < self->init_end_ || pos >= self->start_) {
        std::uint64_t limit = pos < self->init_end_ ? self->init_end_ : self->end_;
        want = static_cast<std::size_t>(std::min<std::uint64_t>(want, limit - pos));
        ssize_t got = ::pread(self->fd_, buf + done, want, static_cast<off_t>(pos));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return done ? done : AVERROR(errno);
        if (got == 0) break;  // the file shrank
        n = static_cast<std::size_t>(got);
      } else {  // the hidden gap: a box header, then zeros
        want = static_cast<std::size_t>(std::min<std::uint64_t>(want, self->start_ - pos));
        for (std::size_t i = 0; i < want; ++i) {
          std::uint64_t k = pos - self->init_end_ + i;
          buf[done + i] = k < self->header_len_ ? self->header_[k] : 0;
        }
        n = want;
      }
      done += static_cast<int>(n);
      self->pos_ += n;
    }
    return done > 0 ? done : AVERROR_EOF;
  }

  static std::int64_t seek(void* opaque, std::int64_t offset, int whence) {
    auto* self = static_cast<SplicedFile*>(opaque);
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return static_cast<std::int64_t>(self->end_);
    std::int64_t base = whence == SEEK_CUR ? static_cast<std::int64_t>(self->pos_)
                        : whence == SEEK_END ? static_cast<std::int64_t>(self->end_)
                                             : 0;
    std::int64_t target = base + offset;
    if (target < 0) return AVERROR(EINVAL);
    self->pos_ = static_cast<std::uint64_t>(target);
    return target;
  }

 private:
  static void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  }
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t init_end_, start_, end_;
  std::uint64_t pos_ = 0;
  std::uint8_t header_[16] = {};
  std::uint64_t header_len_ = 0;
};

// An opened input with its video stream. Members are destroyed bottom-up: the format context
// before the custom I/O it reads through, that before the file behind it.
struct Input {
  std::unique_ptr<SplicedFile> file;
  av::AvioPtr avio;
  av::FormatPtr format;
  int stream = -1;
  std::string subject;  // for messages: redacted URL or quoted path

  AVStream* video() const { return format->streams[stream]; }
};

void pick_video_stream(Input& in, av::Interrupt& interrupt) {
  auto find = [&] {
    for (unsigned i = 0; i < in.format->nb_streams; ++i) {
      auto* par = in.format->streams[i]->codecpar;
      if (par->codec_type == AVMEDIA_TYPE_VIDEO && par->codec_id != AV_CODEC_ID_NONE) return static_cast<int>(i);
    }
    return -1;
  };
  in.stream = find();
  if (in.stream < 0) {  // codec not announced (no SDP/init info): probe a little
    av::check(avformat_find_stream_info(in.format.get(), nullptr), "avformat_find_stream_info", in.subject, &interrupt);
    in.stream = find();
  }
  if (in.stream < 0) throw Error(fmt::format("{}: no video stream", in.subject));
  for (unsigned i = 0; i < in.format->nb_streams; ++i)
    if (static_cast<int>(i) != in.stream) in.format->streams[i]->discard = AVDISCARD_ALL;
}

av::CodecPtr open_decoder(const Input& in, av::Interrupt& interrupt) {
  const AVCodecParameters* par = in.video()->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec) throw Error(fmt::format("{}: no decoder for video codec {}", in.subject, avcodec_get_name(par->codec_id)));
  av::CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw Error("avcodec_alloc_context3() failed: out of memory");
  av::check(avcodec_parameters_to_context(ctx.get(), par), "avcodec_parameters_to_context", in.subject);
  ctx->pkt_timebase = in.video()->time_base;
  // One thread: frame threading would hold frames back by a thread count, which is latency here;
  // captures of different cameras run in parallel anyway.
  ctx->thread_count = 1;
  av::check(avcodec_open2(ctx.get(), codec, nullptr), "avcodec_open2", in.subject, &interrupt);
  return ctx;
}

// True for a packet a decoder can start from. Annex B H.264/HEVC (RTSP, MPEG-TS) is looked at
// directly, since RTP depacketizers do not reliably flag keyframes; others trust the demuxer's flag
// (MP4 sync samples), and codecs whose demuxers set no flags start anywhere.
bool starts_decoding(const AVPacket& pkt, AVCodecID codec) {
  const std::uint8_t* d = pkt.data;
  int n = pkt.size;
  bool annexb = n >= 4 && d[0] == 0 && d[1] == 0 && (d[2] == 1 || (d[2] == 0 && d[3] == 1));
  if (annexb && (codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC)) {
    for (int i = 0; i + 3 < n; ++i) {
      if (d[i] != 0 || d[i + 1] != 0 || d[i + 2] != 1) continue;
      std::uint8_t h = d[i + 3];
      if (codec == AV_CODEC_ID_H264 && (h & 0x1f) == 5) return true;  // IDR slice
      if (codec == AV_CODEC_ID_HEVC) {
        int type = (h >> 1) & 0x3f;
        if (type >= 16 && type <= 21) return true;  // IRAP (BLA, IDR, CRA)
      }
    }
    return false;
  }
  if (pkt.flags & AV_PKT_FLAG_KEY) return true;
  return codec != AV_CODEC_ID_H264 && codec != AV_CODEC_ID_HEVC;
}

struct DecodeStats {
  std::optional<std::int64_t> first_dts;  // of the first video packet read (stream time base)
  int decode_errors = 0;
  int last_error = 0;
};

// Reads video packets from the first keyframe on and decodes them, calling take(frame) for every
// good frame; take returns true to stop. Returns true when take stopped, false at the end of input.
bool decode(Input& in, AVCodecContext* dec, av::Interrupt& interrupt, DecodeStats& stats,
            const std::function<bool(AVFrame*)>& take) {
  auto pkt = av::make_packet();
  auto frame = av::make_frame();
  bool keyed = false;
  auto drain = [&]() -> bool {
    for (;;) {
      int rc = avcodec_receive_frame(dec, frame.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return false;
      if (rc < 0) av::fail(rc, "avcodec_receive_frame", in.subject, &interrupt);
      bool good = !(frame->flags & AV_FRAME_FLAG_CORRUPT) && frame->width > 0 && frame->height > 0;
      bool stop = good && take(frame.get());
      av_frame_unref(frame.get());
      if (stop) return true;
    }
  };
  for (;;) {
    if (interrupt.fired()) interrupt.check(fmt::format("reading {}", in.subject));
    int rc = av_read_frame(in.format.get(), pkt.get());
    if (rc == AVERROR_EOF || (rc < 0 && avio_feof(in.format->pb) && !interrupt.fired())) break;
    if (rc < 0) av::fail(rc, "av_read_frame", in.subject, &interrupt);
    if (pkt->stream_index != in.stream) {
      av_packet_unref(pkt.get());
      continue;
    }
    if (!stats.first_dts) stats.first_dts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
    if (!keyed) keyed = starts_decoding(*pkt, dec->codec_id);
    if (!keyed) {
      av_packet_unref(pkt.get());
      continue;
    }
    rc = avcodec_send_packet(dec, pkt.get());
    av_packet_unref(pkt.get());
    if (rc < 0 && rc != AVERROR(EAGAIN)) {
      // A damaged packet: keep going, a later one may decode; report it if nothing ever does.
      ++stats.decode_errors;
      stats.last_error = rc;
    }
    if (drain()) return true;
  }
  if (avcodec_send_packet(dec, nullptr) >= 0 && drain()) return true;
  return false;
}

// The first good frame from the first keyframe on, kept in out.frame; false when none came.
bool decode_first(Input& in, AVCodecContext* dec, av::Interrupt& interrupt, DecodeStats& stats, DecodedFrame& out) {
  return decode(in, dec, interrupt, stats, [&](AVFrame* f) {
    out.frame = av::make_frame();
    av_frame_move_ref(out.frame.get(), f);
    return true;
  });
}

[[noreturn]] void no_frame(const Input& in, const DecodeStats& stats) {
  if (stats.decode_errors)
    throw Error(fmt::format("{}: no decodable video frame ({} packets failed to decode, last: {})", in.subject,
                            stats.decode_errors, av::error_text(stats.last_error)));
  throw Error(fmt::format("{}: no decodable video frame", in.subject));
}

Input open_spliced(const std::filesystem::path& path, const FragmentIndex& idx, const Fragment& from,
                   std::uint64_t end, av::Interrupt& interrupt) {
  Input in;
  in.subject = quoted(path);
  in.file = std::make_unique<SplicedFile>(path, idx.init_end, from.offset, end);
  constexpr int kBuffer = 64 * 1024;
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kBuffer));
  if (!buffer) throw Error("av_malloc() failed: out of memory");
  in.avio.reset(avio_alloc_context(buffer, kBuffer, 0, in.file.get(), &SplicedFile::read, nullptr, &SplicedFile::seek));
  if (!in.avio) {
    av_free(buffer);
    throw Error("avio_alloc_context() failed: out of memory");
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw Error("avformat_alloc_context() failed: out of memory");
  raw->pb = in.avio.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw->interrupt_callback = interrupt.callback();
  const AVInputFormat* mp4 = av_find_input_format("mp4");
  int rc = avformat_open_input(&raw, path.c_str(), mp4, nullptr);  // frees raw on failure
  if (rc < 0) av::fail(rc, "avformat_open_input", in.subject, &interrupt);
  in.format.reset(raw);
  pick_video_stream(in, interrupt);
  return in;
}

FragmentIndex index_or_throw(const std::filesystem::path& file) {
  FragmentIndex idx = index_fragments(file);
  if (idx.timescale == 0) throw Error(fmt::format("{}: video track has no timescale", quoted(file)));
  return idx;
}

}  // namespace

DecodedFrame read_live_keyframe(const std::string& url, av::Interrupt& interrupt) {
  av::install_log_bridge();
  Input in;
  in.subject = redact_url(url);
  AVDictionary* opts = nullptr;
  std::unique_ptr<AVDictionary*, void (*)(AVDictionary**)> opts_guard(&opts, av_dict_free);
  auto socket_timeout = std::to_string(interrupt.timeout().count());
  if (url.rfind("rtsp://", 0) == 0 || url.rfind("rtsps://", 0) == 0) {
    av_dict_set(&opts, "rtsp_transport", "tcp", 0);
    av_dict_set(&opts, "allowed_media_types", "video", 0);
    av_dict_set(&opts, "timeout", socket_timeout.c_str(), 0);  // µs; FFmpeg 5.1 dropped stimeout
  } else {
    av_dict_set(&opts, "rw_timeout", socket_timeout.c_str(), 0);
  }
  av_dict_set(&opts, "probesize", "32768", 0);
  av_dict_set(&opts, "analyzeduration", "500000", 0);
  av_dict_set(&opts, "fflags", "nobuffer", 0);
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw Error("avformat_alloc_context() failed: out of memory");
  raw->interrupt_callback = interrupt.callback();
  int rc = avformat_open_input(&raw, url.c_str(), nullptr, &opts);  // frees raw on failure
  if (rc < 0) av::fail(rc, "avformat_open_input", in.subject, &interrupt);
  in.format.reset(raw);
  pick_video_stream(in, interrupt);
  auto dec = open_decoder(in, interrupt);

  DecodedFrame out;
  DecodeStats stats;
  bool got = decode_first(in, dec.get(), interrupt, stats, out);
  if (!got) {
    if (interrupt.fired()) interrupt.check(fmt::format("waiting for a keyframe from {}", in.subject));
    throw Error(fmt::format("{}: the stream ended before a keyframe could be decoded", in.subject));
  }
  return out;
}

DecodedFrame read_last_keyframe(const std::filesystem::path& file, av::Interrupt& interrupt) {
  av::install_log_bridge();
  FragmentIndex idx = index_or_throw(file);
  const Fragment* frag = idx.last_keyframe();
  if (!frag) {
    if (idx.fragments.empty())
      throw Error(fmt::format("{}: no complete fragment yet{}", quoted(file),
                              idx.truncated ? " (being written or cut short)" : ""));
    throw Error(fmt::format("{}: no complete fragment with a keyframe", quoted(file)));
  }
  Input in = open_spliced(file, idx, *frag, frag->end, interrupt);
  auto dec = open_decoder(in, interrupt);
  DecodedFrame out;
  DecodeStats stats;
  bool got = decode_first(in, dec.get(), interrupt, stats, out);
  if (!got) no_frame(in, stats);
  // libav's timestamps for this fragment vs. ours: the first packet read is the fragment's first.
  AVRational tb = in.video()->time_base;
  Micros shift = ticks_to_us(frag->decode_time, idx.timescale) - tb_to_us(stats.first_dts.value_or(0), tb);
  std::int64_t pts = out.frame->best_effort_timestamp != AV_NOPTS_VALUE ? out.frame->best_effort_timestamp : out.frame->pts;
  out.offset = tb_to_us(pts, tb) + shift - ticks_to_us(idx.first_pts(), idx.timescale);
  return out;
}

std::optional<DecodedFrame> read_frame_at(const std::filesystem::path& file, Micros offset, av::Interrupt& interrupt) {
  av::install_log_bridge();
  if (offset < Micros{0}) return std::nullopt;
  FragmentIndex idx = index_or_throw(file);
  if (idx.fragments.empty()) return std::nullopt;
  const std::uint32_t ts = idx.timescale;
  const std::int64_t target_pts = idx.first_pts() + us_to_ticks(offset, ts);
  if (target_pts >= idx.end_pts()) return std::nullopt;
  const std::int64_t target_dts = target_pts - idx.fragments.front().first_cts;

  const Fragment* from = idx.keyframe_before(target_dts);
  if (!from) {  // the time lies before the first keyframe: start from the first one after it
    for (const auto& f : idx.fragments)
      if (f.sync_time) {
        from = &f;
        break;
      }
  }
  if (!from) throw Error(fmt::format("{}: no complete fragment with a keyframe", quoted(file)));
  // Read up to the fragment holding the target, plus one more for decoders that reorder frames.
  std::uint64_t end = from->end;
  for (std::size_t i = 0; i < idx.fragments.size(); ++i) {
    const auto& f = idx.fragments[i];
    if (f.offset < from->offset) continue;
    end = f.end;
    if (f.decode_time + f.duration > target_dts) {
      if (i + 1 < idx.fragments.size()) end = idx.fragments[i + 1].end;
      break;
    }
  }

  Input in = open_spliced(file, idx, *from, end, interrupt);
  auto dec = open_decoder(in, interrupt);
  AVRational tb = in.video()->time_base;
  const Micros first_us = ticks_to_us(idx.first_pts(), ts);
  DecodeStats stats;
  DecodedFrame best;
  auto frame_offset = [&](const AVFrame* f) {
    Micros shift = ticks_to_us(from->decode_time, ts) - tb_to_us(stats.first_dts.value_or(0), tb);
    std::int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    return tb_to_us(pts, tb) + shift - first_us;
  };
  decode(in, dec.get(), interrupt, stats, [&](AVFrame* f) {
    Micros at = frame_offset(f);
    // Frame times are rounded to µs while `offset` may sit exactly on a frame: allow 1 µs.
    if (at > offset + Micros{1} && best.frame) return true;
    best.frame = av::make_frame();
    av_frame_move_ref(best.frame.get(), f);
    best.offset = at;
    return at > offset + Micros{1};  // the first frame is already past: it is the nearest one
  });
  if (!best.frame) no_frame(in, stats);
  return best;
}

}  // namespace hs::snapshot
