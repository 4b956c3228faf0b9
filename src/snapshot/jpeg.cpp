// swscale + the MJPEG encoder: one JPEG from one frame.
#include "snapshot/jpeg.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cmath>

namespace hs::snapshot {

namespace {

int even(double v) { return std::max(2, static_cast<int>(std::lround(v / 2.0)) * 2); }

bool full_range(const AVFrame& f) {
  switch (f.format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
      return true;
    default:
      return f.color_range == AVCOL_RANGE_JPEG;
  }
}

}  // namespace

std::pair<int, int> jpeg_size(int width, int height, AVRational sar, int max_width) {
  double display_w = width;
  if (sar.num > 0 && sar.den > 0) display_w = width * static_cast<double>(sar.num) / sar.den;
  double w = std::min<double>(display_w, max_width);
  double h = height * w / display_w;
  return {even(w), even(h)};
}

Jpeg encode_jpeg(const AVFrame& src, int max_width, int quality) {
  if (src.width <= 0 || src.height <= 0 || src.format < 0) throw Error("encode_jpeg: empty frame");
  auto [w, h] = jpeg_size(src.width, src.height, src.sample_aspect_ratio, max_width);
  const auto subject = fmt::format("{}x{} {} -> {}x{} yuvj420p", src.width, src.height,
                                   av_get_pix_fmt_name(static_cast<AVPixelFormat>(src.format)), w, h);

  av::SwsPtr sws(sws_getContext(src.width, src.height, static_cast<AVPixelFormat>(src.format), w, h,
                                AV_PIX_FMT_YUVJ420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws) throw Error(fmt::format("sws_getContext({}) failed: unsupported conversion", subject));
  // swscale reads the range from the pixel format only; frames tagged full range by the decoder
  // must say so, and the output is always full range (JPEG).
  const int* coeffs = sws_getCoefficients(src.colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT);
  sws_setColorspaceDetails(sws.get(), coeffs, full_range(src) ? 1 : 0, coeffs, 1, 0, 1 << 16, 1 << 16);

  auto out = av::make_frame();
  out->format = AV_PIX_FMT_YUVJ420P;
  out->width = w;
  out->height = h;
  av::check(av_frame_get_buffer(out.get(), 0), "av_frame_get_buffer", subject);
  int rc = sws_scale(sws.get(), src.data, src.linesize, 0, src.height, out->data, out->linesize);
  if (rc <= 0) throw Error(fmt::format("sws_scale({}) failed", subject));

  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!codec) throw Error("avcodec_find_encoder(mjpeg) failed: this libavcodec has no MJPEG encoder");
  av::CodecPtr enc(avcodec_alloc_context3(codec));
  if (!enc) throw Error("avcodec_alloc_context3(mjpeg) failed: out of memory");
  enc->width = w;
  enc->height = h;
  enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
  enc->color_range = AVCOL_RANGE_JPEG;
  enc->time_base = AVRational{1, 25};
  enc->flags |= AV_CODEC_FLAG_QSCALE;
  enc->global_quality = quality * FF_QP2LAMBDA;
  av::check(avcodec_open2(enc.get(), codec, nullptr), "avcodec_open2", "mjpeg " + subject);
  out->quality = enc->global_quality;
  out->pts = 0;
  av::check(avcodec_send_frame(enc.get(), out.get()), "avcodec_send_frame", "mjpeg " + subject);
  auto pkt = av::make_packet();
  av::check(avcodec_receive_packet(enc.get(), pkt.get()), "avcodec_receive_packet", "mjpeg " + subject);
  Jpeg jpeg;
  jpeg.bytes.assign(reinterpret_cast<const char*>(pkt->data), static_cast<std::size_t>(pkt->size));
  jpeg.width = w;
  jpeg.height = h;
  return jpeg;
}

}  // namespace hs::snapshot
