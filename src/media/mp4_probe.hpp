#pragma once
// A small, fast reader of ISO-BMFF (MP4) box structure for reconciliation: it reads top-level box
// headers plus the small moov/moof boxes with pread and never touches mdat payloads, so probing a
// segment costs microseconds rather than the milliseconds of opening it with libav.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace hs {

struct Mp4Probe {
  std::optional<std::chrono::microseconds> duration;  // nullopt when it cannot be determined
  bool fragmented = false;  // has moof boxes
  // The last box runs past the end of the file, or the last moof's samples do (a segment still
  // being written, or cut by a crash).
  bool truncated = false;
  std::uint32_t fragments = 0;  // complete moof boxes (the moof and the sample data it points at)
};

// The duration the way MediaMTX's recorder defines it for fMP4 segments: end DTS minus start DTS of
// one track, the first video track (handler 'vide') that has samples, else the first track that has.
//  - Fragmented: from the first fragment's tfdt baseMediaDecodeTime to the last fragment's tfdt plus
//    the sum of its trun sample durations (per-sample field, else tfhd default_sample_duration, else
//    the trex default in moov/mvex), divided by the track's mdhd timescale. Only complete fragments
//    count: a moof that runs past the end of the file, or whose samples do, is ignored. Samples that
//    sit in moov itself (fragmented without empty_moov) count through their mdhd duration.
//  - Plain mp4: the track's mdhd duration, else mvhd's.
// Ticks are converted to microseconds rounding down.
// Returns duration=nullopt for a file with no usable track: an empty file (a segment whose create
// hook just fired), an init segment without fragments, garbage. Never reads out of bounds and always
// terminates on hostile input.
// Throws Error when the file cannot be opened or read:
//   cannot open "/rec/cam1/x.mp4": No such file or directory
Mp4Probe probe_mp4(const std::filesystem::path& file);

}  // namespace hs
