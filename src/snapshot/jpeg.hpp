#pragma once
// A decoded frame to a JPEG: scaled with swscale to at most max_width (display aspect kept, even
// dimensions), converted to full-range YUV 4:2:0 and encoded with libav's MJPEG encoder.
#include <string>

#include "snapshot/capture.hpp"
#include "snapshot/libav.hpp"

namespace hs::snapshot {

// Output size for a frame of width x height (sample aspect ratio sar) limited to max_width:
// the display aspect is kept and both sides rounded to even numbers (>= 2).
std::pair<int, int> jpeg_size(int width, int height, AVRational sar, int max_width);

// Throws hs::Error naming the failing libav call.
Jpeg encode_jpeg(const AVFrame& frame, int max_width, int quality = 3);

}  // namespace hs::snapshot
