#pragma once
// Test fixtures for anything that writes files: a temp dir, ffmpeg-made fMP4 segments like the ones
// MediaMTX records (docs/toolchain.md, "Making realistic media for tests"), and a way to run a tool.
#include <filesystem>
#include <string>
#include <vector>

namespace hs::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at destruction.
// Throws std::runtime_error when it cannot be created.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Makes `count` fMP4 segments (init moov, then one moof/mdat per keyframe, no mfra) with ffmpeg as
// toolchain.md shows: testsrc2 at width x height, 25 fps, libx264 ultrafast, -g 25 (one keyframe a
// second, so `seconds` should be whole), -f segment with
// movflags=+frag_keyframe+empty_moov+default_base_moof+skip_trailer. Each is `seconds` long; they
// are copied into `dir` (created if needed) as seg_000.mp4, seg_001.mp4, ... and returned in order.
// ffmpeg runs once per parameter set and machine user: the result is cached in
// $TMPDIR/hook-server-test-media-<uid>/<params>/, made in a private temp dir and rename()d into
// place, so parallel test processes never see a half-written cache. Throws std::runtime_error when
// ffmpeg fails or makes a different number of segments.
std::vector<std::filesystem::path> make_segments(const std::filesystem::path& dir, int count, double seconds,
                                                 int width = 320, int height = 180);

// Runs argv[0] (looked up in $PATH) with the given arguments, no shell, stdin from /dev/null,
// stderr inherited. Returns the exit code: 128 + n when killed by signal n, 127 when it could not be
// started. When `out` is given, it receives everything the command wrote to stdout.
int run_command(const std::vector<std::string>& argv, std::string* out = nullptr);

}  // namespace hs::test
