#pragma once
// Where the keyframes of a fragmented MP4 (MediaMTX's recordFormat fmp4) are, found without libav:
// top-level box headers and the small moov/moof boxes are read with pread, mdat payloads never.
// libav's mov demuxer would parse every moof of a seekable file on open (a 1 h segment has thousands)
// and has no fragment index to seek with when there is no mfra/sidx, which MediaMTX never writes;
// this index lets the snapshot code hand libav just the init segment plus the one fragment it needs
// (see frame_reader.hpp), so a snapshot from the tail of a long segment costs the same as from a
// short one.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace hs::snapshot {

struct Fragment {
  std::uint64_t offset = 0;  // of the moof box
  std::uint64_t end = 0;     // end of the fragment: its mdat (or the moof when no mdat follows)
  std::int64_t decode_time = 0;  // tfdt of the video track, in timescale ticks
  std::int64_t duration = 0;     // sum of the video samples' durations, in ticks
  std::int64_t first_cts = 0;    // composition offset of the first video sample
  std::uint64_t samples = 0;     // video samples
  // Decode time of the first sync (key) video sample of the fragment, if it has one.
  std::optional<std::int64_t> sync_time;
};

struct FragmentIndex {
  std::uint64_t file_size = 0;
  std::uint64_t init_end = 0;     // offset of the first moof: everything before it is the init
  std::uint32_t video_track = 0;  // track_ID of the first 'vide' track
  std::uint32_t timescale = 0;    // of that track (mdhd)
  std::vector<Fragment> fragments;  // complete fragments with video samples, in file order
  bool truncated = false;  // something after the last complete fragment is cut short (being written, crash)

  // The last fragment with a keyframe; null when there is none.
  const Fragment* last_keyframe() const;
  // The last fragment with a keyframe at or before `ticks` (decode time); null when none.
  const Fragment* keyframe_before(std::int64_t ticks) const;
  // Presentation time of the first video sample (decode time + composition offset), in ticks.
  std::int64_t first_pts() const;
  // Presentation end of the last complete fragment, in ticks.
  std::int64_t end_pts() const;
};

// Reads the box structure of `file`. Throws hs::Error naming the file when it cannot be read or
// is no fragmented MP4 with a video track, e.g.
//   "/rec/camera_1/x.mp4": not an MP4 file (no moov box)
//   "/rec/camera_1/x.mp4": no video track
// Never reads out of bounds on a hostile or truncated file.
FragmentIndex index_fragments(const std::filesystem::path& file);

}  // namespace hs::snapshot
