#pragma once
// Getting one decoded video frame out of a source, fast:
//  - live (MediaMTX's RTSP output over TCP, or HLS): connect with a small probe, skip everything up
//    to the next keyframe, decode it;
//  - the tail of a recording segment (fMP4): the last fragment with a keyframe, handed to libav
//    alone (the init segment plus that fragment, the bytes in between hidden behind one `free` box,
//    so every offset in the file stays valid) — cost independent of the segment's length;
//  - a given time in a recording segment: the fragment with the keyframe before it, decoded
//    forward to the frame shown at that time.
// Every blocking call obeys the Interrupt (deadline, cancel). Errors throw hs::Error naming the call
// and the redacted URL or the file; av::TimedOut when the deadline passed.
#include <filesystem>
#include <optional>
#include <string>

#include "snapshot/libav.hpp"
#include "util/time.hpp"

namespace hs::snapshot {

struct DecodedFrame {
  av::FramePtr frame;
  // Files: presentation time of the frame relative to the first frame of the file.
  Micros offset{0};
};

// Connects to `url` (rtsp://..., or http(s)://.../index.m3u8), waits for a keyframe and decodes it.
// RTSP: TCP interleaved, video only, probesize 32 KiB, socket timeout = the interrupt's timeout.
DecodedFrame read_live_keyframe(const std::string& url, av::Interrupt& interrupt);

// The last keyframe of a fragmented MP4 segment (possibly still being written: only complete
// fragments count). Throws Error when the file has no complete fragment with a keyframe:
//   "/rec/camera_1/x.mp4": no complete fragment with a keyframe yet
DecodedFrame read_last_keyframe(const std::filesystem::path& file, av::Interrupt& interrupt);

// The frame shown `offset` after the first frame of the segment: the last frame whose presentation
// time is <= offset. nullopt when the segment does not reach that far (or offset is negative).
std::optional<DecodedFrame> read_frame_at(const std::filesystem::path& file, Micros offset, av::Interrupt& interrupt);

}  // namespace hs::snapshot
