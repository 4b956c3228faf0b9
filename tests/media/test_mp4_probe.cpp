// probe_mp4 against ffmpeg-made segments (checked with ffprobe), against cut files, and against
// hand-built box layouts for the corners ffmpeg does not write (64-bit sizes, trex defaults,
// several tracks, hostile sizes).
#include "media/mp4_probe.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/media.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using hs::probe_mp4;
using hs::test::TempDir;
using std::chrono::microseconds;

namespace {

constexpr microseconds kOneFrame = 40ms;  // at 25 fps

microseconds abs_diff(microseconds a, microseconds b) { return a > b ? a - b : b - a; }

microseconds ffprobe_duration(const fs::path& file) {
  std::string out;
  int rc = hs::test::run_command(
      {"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file.string()}, &out);
  REQUIRE(rc == 0);
  return microseconds(std::llround(std::strtod(out.c_str(), nullptr) * 1e6));
}

void write_file(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

struct TopBox {
  std::string type;
  std::uint64_t offset, size;
};

// The top-level boxes of a well-formed file (32- or 64-bit sizes).
std::vector<TopBox> top_level_boxes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<TopBox> boxes;
  std::uint64_t off = 0, end = fs::file_size(file);
  while (off + 8 <= end) {
    unsigned char h[16];
    in.seekg(std::streamoff(off));
    in.read(reinterpret_cast<char*>(h), 16);
    std::uint64_t size = std::uint64_t(h[0]) << 24 | h[1] << 16 | h[2] << 8 | h[3];
    if (size == 1) {
      size = 0;
      for (int i = 8; i < 16; ++i) size = size << 8 | h[i];
    }
    if (size == 0) size = end - off;
    boxes.push_back({std::string(reinterpret_cast<char*>(h + 4), 4), off, size});
    off += size;
  }
  return boxes;
}

// --- A small ISO-BMFF writer for layouts ffmpeg does not produce --------------------------------

std::string u8(unsigned v) { return std::string(1, char(v & 0xff)); }
std::string u32(std::uint32_t v) { return u8(v >> 24) + u8(v >> 16) + u8(v >> 8) + u8(v); }
std::string u64(std::uint64_t v) { return u32(std::uint32_t(v >> 32)) + u32(std::uint32_t(v)); }
std::string full(unsigned version, std::uint32_t flags) { return u32(version << 24 | (flags & 0xffffff)); }

bool g_large = false;  // write every box with a 64-bit size (size field 1)

std::string box(const char* type, const std::string& body) {
  if (g_large) return u32(1) + type + u64(16 + body.size()) + body;
  return u32(std::uint32_t(8 + body.size())) + type + body;
}

std::string time_header(const char* type, unsigned version, std::uint32_t timescale, std::uint64_t duration,
                        const std::string& tail) {
  if (version == 1) return box(type, full(1, 0) + u64(0) + u64(0) + u32(timescale) + u64(duration) + tail);
  return box(type, full(0, 0) + u32(0) + u32(0) + u32(timescale) + u32(std::uint32_t(duration)) + tail);
}

struct TrackSpec {
  std::uint32_t id;
  const char* handler;
  std::uint32_t timescale;
  std::uint64_t mdhd_duration = 0;
  unsigned mdhd_version = 0;
  std::uint32_t trex_duration = 0;
};

// ftyp + moov (mvhd, traks, and mvex/trex when `fragmented`).
std::string init(const std::vector<TrackSpec>& tracks, bool fragmented = true, std::uint32_t mvhd_timescale = 1000,
                 std::uint64_t mvhd_duration = 0) {
  std::string traks, trexes;
  for (const TrackSpec& t : tracks) {
    std::string tkhd = box("tkhd", full(0, 3) + u32(0) + u32(0) + u32(t.id) + std::string(68, '\0'));
    std::string mdhd = time_header("mdhd", t.mdhd_version, t.timescale, t.mdhd_duration, u32(0x55c40000));
    std::string hdlr = box("hdlr", full(0, 0) + u32(0) + t.handler + std::string(12, '\0') + "x" + u8(0));
    std::string stbl = box("stbl", box("stsz", full(0, 0) + u32(0) + u32(0)));
    traks += box("trak", tkhd + box("mdia", mdhd + hdlr + box("minf", stbl)));
    trexes += box("trex", full(0, 0) + u32(t.id) + u32(1) + u32(t.trex_duration) + u32(0) + u32(0));
  }
  std::string mvhd = time_header("mvhd", 0, mvhd_timescale, mvhd_duration, std::string(80, '\0'));
  return box("ftyp", std::string("isom") + u32(512) + "isomiso6") +
         box("moov", mvhd + traks + (fragmented ? box("mvex", trexes) : ""));
}

struct Run {
  std::uint32_t track_id;
  std::optional<std::uint64_t> tfdt;  // absent: no tfdt box
  std::uint32_t count = 0;            // samples using default durations (when `durations` is empty)
  std::vector<std::uint32_t> durations;  // per-sample durations in the trun
  std::optional<std::uint32_t> tfhd_duration;  // tfhd default_sample_duration
  unsigned tfdt_version = 1;
};

constexpr std::uint32_t kSampleSize = 4;

// moof (one traf per run, default-base-is-moof, data offsets into the mdat) + mdat.
std::string fragment(const std::vector<Run>& runs, bool mdat_to_eof = false) {
  auto build = [&](std::uint64_t moof_size) {
    std::string trafs;
    std::uint64_t data = moof_size + (g_large && !mdat_to_eof ? 16 : 8);
    for (const Run& r : runs) {
      std::uint32_t tf = 0x020000 | 0x10 | (r.tfhd_duration ? 0x08 : 0);
      std::string tfhd = full(0, tf) + u32(r.track_id);
      if (r.tfhd_duration) tfhd += u32(*r.tfhd_duration);
      tfhd += u32(kSampleSize);
      std::string tfdt;
      if (r.tfdt && r.tfdt_version == 1) tfdt = box("tfdt", full(1, 0) + u64(*r.tfdt));
      if (r.tfdt && r.tfdt_version == 0) tfdt = box("tfdt", full(0, 0) + u32(std::uint32_t(*r.tfdt)));
      bool per_sample = !r.durations.empty();
      std::uint32_t count = per_sample ? std::uint32_t(r.durations.size()) : r.count;
      std::string trun = full(0, 0x001 | (per_sample ? 0x100 : 0)) + u32(count) + u32(std::uint32_t(data));
      for (std::uint32_t d : r.durations) trun += u32(d);
      trafs += box("traf", box("tfhd", tfhd) + tfdt + box("trun", trun));
      data += std::uint64_t(count) * kSampleSize;
    }
    return box("moof", box("mfhd", full(0, 0) + u32(1)) + trafs);
  };
  std::string moof = build(build(0).size());
  std::uint64_t samples = 0;
  for (const Run& r : runs) samples += r.durations.empty() ? r.count : r.durations.size();
  std::string payload(samples * kSampleSize, '\x42');
  std::string mdat = mdat_to_eof ? u32(0) + "mdat" + payload : box("mdat", payload);
  return moof + mdat;
}

}  // namespace

TEST_CASE("probe_mp4 measures ffmpeg's fMP4 segments like ffprobe", "[media]") {
  double seconds = GENERATE(2.0, 3.0);
  CAPTURE(seconds);
  TempDir dir;
  auto segments = hs::test::make_segments(dir.path(), 2, seconds);
  REQUIRE(segments.size() == 2);
  const microseconds nominal(std::llround(seconds * 1e6));
  for (const fs::path& seg : segments) {
    CAPTURE(seg.string());
    hs::Mp4Probe p = probe_mp4(seg);
    REQUIRE(p.duration.has_value());
    CHECK(p.fragmented);
    CHECK_FALSE(p.truncated);
    CHECK(p.fragments == std::uint32_t(seconds));  // one fragment per keyframe, one keyframe a second
    CHECK(abs_diff(*p.duration, ffprobe_duration(seg)) <= kOneFrame);
    CHECK(abs_diff(*p.duration, nominal) <= kOneFrame);
  }
}

TEST_CASE("probe_mp4 measures ffmpeg's other mp4 layouts", "[media]") {
  struct Case {
    const char* name;
    const char* movflags;  // "" for a plain mp4 (moov at the end)
    bool fragmented;
  };
  auto c = GENERATE(values<Case>({{"plain mp4", "", false},
                                  {"plain mp4, faststart", "+faststart", false},
                                  {"fragmented, first GOP in moov", "+frag_keyframe", true}}));
  CAPTURE(c.name);
  TempDir dir;
  fs::path file = dir.path() / "out.mp4";
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                   "testsrc2=size=320x180:rate=25", "-t", "3", "-c:v", "libx264", "-preset",
                                   "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"};
  if (*c.movflags) argv.insert(argv.end(), {"-movflags", c.movflags});
  argv.push_back(file.string());
  REQUIRE(hs::test::run_command(argv) == 0);

  hs::Mp4Probe p = probe_mp4(file);
  REQUIRE(p.duration.has_value());
  CHECK(p.fragmented == c.fragmented);
  CHECK_FALSE(p.truncated);
  CHECK(abs_diff(*p.duration, ffprobe_duration(file)) <= kOneFrame);
  CHECK(abs_diff(*p.duration, 3s) <= kOneFrame);
}

TEST_CASE("probe_mp4 counts only the complete fragments of a cut segment", "[media]") {
  TempDir dir;
  fs::path whole = hs::test::make_segments(dir.path(), 1, 3.0).at(0);
  const hs::Mp4Probe full = probe_mp4(whole);
  REQUIRE(full.fragments == 3);
  REQUIRE(full.duration == 3s);

  auto boxes = top_level_boxes(whole);
  REQUIRE(boxes.size() == 8);  // ftyp moov (moof mdat) x 3
  const TopBox& moof = boxes[6];
  const TopBox& mdat = boxes[7];
  REQUIRE(moof.type == "moof");
  REQUIRE(mdat.type == "mdat");

  struct Case {
    const char* name;
    std::uint64_t cut;
    std::uint32_t fragments;
    std::optional<microseconds> duration;
    bool truncated;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"in the middle of the last mdat", mdat.offset + mdat.size / 2, 2, 2s, true},
      {"one byte short", mdat.offset + mdat.size - 1, 2, 2s, true},
      {"inside the last mdat's header", mdat.offset + 5, 2, 2s, true},
      {"right after the last moof, no sample data", mdat.offset, 2, 2s, true},
      {"in the middle of the last moof", moof.offset + moof.size / 2, 2, 2s, true},
      {"inside the last moof's header", moof.offset + 3, 2, 2s, true},
      {"at a box boundary after a complete fragment", moof.offset, 2, 2s, false},
      {"inside the first moof", boxes[2].offset + 40, 0, std::nullopt, true},
      {"right after moov (init segment only)", boxes[2].offset, 0, std::nullopt, false},
  }));
  CAPTURE(c.name, c.cut);
  fs::path cut = dir.path() / "cut.mp4";
  fs::copy_file(whole, cut, fs::copy_options::overwrite_existing);
  fs::resize_file(cut, c.cut);

  hs::Mp4Probe p = probe_mp4(cut);
  CHECK(p.truncated == c.truncated);
  CHECK(p.fragments == c.fragments);
  CHECK(p.duration == c.duration);
  if (p.duration) CHECK(*p.duration < *full.duration);
}

TEST_CASE("probe_mp4 on an empty file (create hook just fired) has no duration", "[media]") {
  TempDir dir;
  fs::path file = dir.path() / "2025-01-15_10-00-00-123456.mp4";
  write_file(file, "");
  hs::Mp4Probe p;
  REQUIRE_NOTHROW(p = probe_mp4(file));
  CHECK_FALSE(p.duration.has_value());
  CHECK_FALSE(p.fragmented);
  CHECK_FALSE(p.truncated);
  CHECK(p.fragments == 0);
}

TEST_CASE("probe_mp4 throws naming the file it cannot open", "[media]") {
  TempDir dir;
  fs::path missing = dir.path() / "nope.mp4";
  REQUIRE_THROWS_AS(probe_mp4(missing), hs::Error);
  REQUIRE_THROWS_WITH(probe_mp4(missing), "cannot open \"" + missing.string() + "\": No such file or directory");
  REQUIRE_THROWS_WITH(probe_mp4(dir.path()), "cannot read \"" + dir.path().string() + "\": Is a directory");
}

TEST_CASE("probe_mp4 reads hand-built layouts", "[media]") {
  struct Case {
    const char* name;
    std::string bytes;
    std::optional<microseconds> duration;
    bool fragmented;
    std::uint32_t fragments;
  };
  auto build = [](bool large) {
    g_large = large;
    const std::vector<TrackSpec> video = {{1, "vide", 1000}};
    std::vector<Case> cases = {
        {"per-sample durations, tfdt v1, rounding down to the microsecond",
         init({{1, "vide", 90000}}) + fragment({{1, 0, 0, {3000, 3000, 3000}}}) +
             fragment({{1, 9000, 0, {3000, 3600}}}),
         microseconds(173333), true, 2},
        {"tfhd default duration, tfdt v0",
         init(video) + fragment({{1, 0, 5, {}, 40, 0}}) + fragment({{1, 200, 5, {}, 40, 0}}), 400ms, true, 2},
        {"trex default duration, start DTS not zero",
         init({{1, "vide", 1000, 0, 0, 20}}) + fragment({{1, 500, 10}}) + fragment({{1, 700, 10}}), 400ms, true, 2},
        {"the last fragment ends it, not the largest DTS",
         init(video) + fragment({{1, 0, 0, {1000}}}) + fragment({{1, 300, 0, {100}}}), 400ms, true, 2},
        {"fragments without tfdt follow each other",
         init(video) + fragment({{1, std::nullopt, 0, {1000}}}) + fragment({{1, std::nullopt, 0, {500}}}), 1500ms,
         true, 2},
        {"the video track wins over an earlier audio track",
         init({{1, "soun", 48000}, {2, "vide", 90000}}) +
             fragment({{1, 0, 0, {48000}}, {2, 0, 0, {90000, 90000}}}),
         2s, true, 1},
        {"without video, the first track",
         init({{1, "soun", 48000}, {2, "text", 1000}}) + fragment({{1, 0, 0, {72000}}, {2, 0, 0, {5000}}}), 1500ms,
         true, 1},
        {"a video track without samples yields to one with",
         init({{1, "vide", 90000}, {2, "soun", 48000}}) + fragment({{2, 0, 0, {48000}}}), 1s, true, 1},
        {"last mdat runs to the end of the file (size 0)",
         init(video) + fragment({{1, 0, 0, {1000}}}) + fragment({{1, 1000, 0, {250}}}, true), 1250ms, true, 2},
        {"plain mp4, mdhd v1", init({{1, "vide", 48000, 5 * 48000, 1}}, false), 5s, false, 0},
        {"plain mp4, only mvhd knows", init({{1, "vide", 48000}}, false, 7500, 56250), 7500ms, false, 0},
        {"init segment only", init(video), std::nullopt, false, 0},
        {"fragments without moov", fragment({{1, 0, 0, {1000}}}), std::nullopt, true, 1},
    };
    g_large = false;
    return cases;
  };
  bool large = GENERATE(false, true);
  auto c = GENERATE_COPY(from_range(build(large)));
  CAPTURE(large, c.name);
  TempDir dir;
  fs::path file = dir.path() / "built.mp4";
  write_file(file, c.bytes);
  hs::Mp4Probe p = probe_mp4(file);
  CHECK(p.duration == c.duration);
  CHECK(p.fragmented == c.fragmented);
  CHECK(p.fragments == c.fragments);
  CHECK_FALSE(p.truncated);
}

TEST_CASE("probe_mp4 survives boxes that claim huge sizes", "[media]") {
  const std::string head = init({{1, "vide", 1000}});
  const std::string one = fragment({{1, 0, 0, {1000}}});
  auto trun_only = [](std::uint32_t flags, std::uint32_t count) {
    std::string tfhd = box("tfhd", full(0, 0x020000 | 0x08 | 0x10) + u32(1) + u32(1) + u32(0));
    std::string tfdt = box("tfdt", full(1, 0) + u64(0));
    return box("moof", box("traf", tfhd + tfdt + box("trun", full(0, flags) + u32(count))));
  };
  struct Case {
    const char* name;
    std::string bytes;
    std::optional<microseconds> duration;
    bool truncated;
    std::uint32_t fragments;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"mdat of 4 GiB", head + u32(0xffffffff) + "mdat" + std::string(100, 'x'), std::nullopt, true, 0},
      {"moof of 2^63 bytes", head + u32(1) + "moof" + u64(1ull << 63) + std::string(100, 'x'), std::nullopt, true, 0},
      {"moof of 2^64-1 bytes", head + u32(1) + "moof" + u64(~0ull) + std::string(100, 'x'), std::nullopt, true, 0},
      {"mdat of 2^64-1 bytes after a fragment", head + one + u32(1) + "mdat" + u64(~0ull), 1s, true, 1},
      {"64-bit size smaller than its header", head + one + u32(1) + "free" + u64(15) + std::string(8, 'x'), 1s,
       false, 1},
      {"size smaller than a header", head + one + u32(3) + "free" + std::string(8, 'x'), 1s, false, 1},
      {"a trak claiming 4 GiB inside moov",
       box("moov", u32(0xfffffff0) + "trak" + std::string(64, 'x')) + one, std::nullopt, false, 1},
      {"2^32-1 samples of default duration (no loop over them)", head + trun_only(0, 0xffffffff),
       microseconds(4294967295000), false, 1},
      {"2^32-1 per-sample entries in a 16-byte trun", head + trun_only(0x100, 0xffffffff), std::nullopt, false, 0},
      {"a header cut after 5 bytes", head + one + std::string(5, '\0'), 1s, true, 1},
  }));
  CAPTURE(c.name);
  TempDir dir;
  fs::path file = dir.path() / "huge.mp4";
  write_file(file, c.bytes);
  hs::Mp4Probe p = probe_mp4(file);
  CHECK(p.duration == c.duration);
  CHECK(p.truncated == c.truncated);
  CHECK(p.fragments == c.fragments);
}

TEST_CASE("probe_mp4 survives garbage", "[media]") {
  TempDir dir;
  fs::path file = dir.path() / "garbage.mp4";
  std::mt19937_64 rng(20250115);

  SECTION("random bytes") {
    for (std::size_t size : {1u, 7u, 8u, 15u, 16u, 100u, 4096u, 65536u, 1u << 20}) {
      for (int round = 0; round < 4; ++round) {
        std::string bytes(size, '\0');
        for (char& ch : bytes) ch = char(rng());
        write_file(file, bytes);
        CAPTURE(size, round);
        REQUIRE_NOTHROW(probe_mp4(file));
      }
    }
  }

  SECTION("a real segment with random bytes overwritten in its boxes") {
    fs::path seg = hs::test::make_segments(dir.path(), 1, 2.0).at(0);
    std::ifstream in(seg, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Mutate the interesting part (ftyp, moov, the first moof and the first mdat's header).
    auto boxes = top_level_boxes(seg);
    REQUIRE(boxes.size() >= 4);
    const std::size_t span = std::size_t(boxes[3].offset + 16);
    for (int round = 0; round < 1000; ++round) {
      std::string bytes = original;
      int flips = 1 + int(rng() % 8);
      for (int i = 0; i < flips; ++i) bytes[rng() % span] = char(rng());
      if (round % 3 == 0) bytes.resize(rng() % bytes.size());
      write_file(file, bytes);
      CAPTURE(round);
      REQUIRE_NOTHROW(probe_mp4(file));
    }
  }
}
