// index_fragments against ffmpeg-made fMP4 segments (the shape MediaMTX records), cut files and
// hand-built hostile boxes.
#include "snapshot/fragment_index.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>

#include "support/media.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using hs::snapshot::index_fragments;
using hs::test::TempDir;

namespace {

void truncate_to(const fs::path& file, std::uintmax_t size) { fs::resize_file(file, size); }

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out << bytes;
}

std::string be32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (24 - 8 * i));
  return s;
}
std::string box(const std::string& type, const std::string& body) { return be32(8 + body.size()) + type + body; }

}  // namespace

TEST_CASE("index_fragments finds one keyframe fragment per second in ffmpeg-made segments", "[snapshot]") {
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path(), 1, 4.0);
  auto idx = index_fragments(made[0]);
  CHECK(idx.video_track == 1);
  REQUIRE(idx.timescale > 0);
  REQUIRE(idx.fragments.size() == 4);  // -g 25 at 25 fps, frag_keyframe
  CHECK_FALSE(idx.truncated);
  CHECK(idx.init_end == idx.fragments[0].offset);
  for (std::size_t i = 0; i < idx.fragments.size(); ++i) {
    const auto& f = idx.fragments[i];
    INFO("fragment " << i);
    CHECK(f.samples == 25);
    REQUIRE(f.sync_time);
    CHECK(*f.sync_time == f.decode_time);
    CHECK(f.decode_time == static_cast<std::int64_t>(i) * idx.timescale);
    CHECK(f.duration == idx.timescale);
    CHECK(f.end > f.offset);
    if (i + 1 < idx.fragments.size()) CHECK(f.end == idx.fragments[i + 1].offset);
  }
  CHECK(idx.fragments.back().end == fs::file_size(made[0]));
  CHECK(idx.first_pts() == 0);
  CHECK(idx.end_pts() == 4 * static_cast<std::int64_t>(idx.timescale));
  CHECK(idx.last_keyframe() == &idx.fragments[3]);
  CHECK(idx.keyframe_before(idx.timescale * 2 + 5) == &idx.fragments[2]);
  CHECK(idx.keyframe_before(-1) == nullptr);
}

TEST_CASE("index_fragments keeps the complete fragments of a cut file and rejects non-MP4 input", "[snapshot]") {
  TempDir tmp;
  auto made = hs::test::make_segments(tmp.path(), 1, 4.0);
  auto full = index_fragments(made[0]);

  SECTION("cut inside the last fragment's samples: a segment being written") {
    truncate_to(made[0], full.fragments[3].offset + 300);
    auto idx = index_fragments(made[0]);
    CHECK(idx.fragments.size() == 3);
    CHECK(idx.truncated);
    CHECK(idx.last_keyframe() == &idx.fragments[2]);
  }
  SECTION("cut right after the init segment: no fragment yet") {
    truncate_to(made[0], full.init_end);
    auto idx = index_fragments(made[0]);
    CHECK(idx.fragments.empty());
    CHECK_FALSE(idx.truncated);
    CHECK(idx.last_keyframe() == nullptr);
  }
  SECTION("cut inside moov") {
    truncate_to(made[0], full.init_end - 20);
    REQUIRE_THROWS_WITH(index_fragments(made[0]), hs::quote(made[0].string()) + ": not an MP4 file (no moov box)");
  }
  SECTION("empty file") {
    truncate_to(made[0], 0);
    REQUIRE_THROWS_WITH(index_fragments(made[0]), hs::quote(made[0].string()) + ": not an MP4 file (no moov box)");
  }
  SECTION("a box header that claims less than its own size") {
    write_bytes(made[0], be32(3) + "ftyp" + std::string(64, 'x'));
    REQUIRE_THROWS_WITH(index_fragments(made[0]),
                        hs::quote(made[0].string()) + ": not an MP4 file (bad box at offset 0)");
  }
  SECTION("missing file") {
    auto gone = tmp.path() / "gone.mp4";
    REQUIRE_THROWS_WITH(index_fragments(gone), "cannot open " + hs::quote(gone.string()) + ": No such file or directory");
  }
}

TEST_CASE("index_fragments survives hostile boxes", "[snapshot]") {
  TempDir tmp;
  auto file = tmp.path() / "hostile.mp4";
  // A moov with one video trak, then a moof whose trun claims 2^32-1 samples with per-sample fields.
  std::string tkhd = box("tkhd", std::string(1, '\0') + std::string(3, '\0') + std::string(8, '\0') + be32(1) + std::string(60, '\0'));
  std::string mdhd = box("mdhd", std::string(4, '\0') + std::string(8, '\0') + be32(90000) + std::string(8, '\0'));
  std::string hdlr = box("hdlr", std::string(8, '\0') + "vide" + std::string(12, '\0') + "v" + std::string(1, '\0'));
  std::string moov = box("moov", box("trak", tkhd + box("mdia", mdhd + hdlr)));
  std::string tfhd = box("tfhd", be32(0x020000) + be32(1));
  std::string tfdt = box("tfdt", be32(0) + be32(0));
  std::string trun = box("trun", be32(0x000F01) + be32(0xFFFFFFFFu) + be32(0) + std::string(32, '\0'));
  std::string moof = box("moof", box("mfhd", be32(0) + be32(1)) + box("traf", tfhd + tfdt + trun));
  SECTION("absurd sample count") {
    write_bytes(file, moov + moof + box("mdat", std::string(16, '\0')));
    auto idx = index_fragments(file);
    CHECK(idx.video_track == 1);
    CHECK(idx.timescale == 90000);
    CHECK(idx.fragments.empty());
  }
  SECTION("many truns claiming many samples without per-sample fields: no loop over them") {
    std::string bare;
    for (int i = 0; i < 20000; ++i) bare += box("trun", be32(0x000001) + be32(999'999) + be32(0));
    std::string moof2 = box("moof", box("mfhd", be32(0) + be32(1)) + box("traf", tfhd + tfdt + bare));
    write_bytes(file, moov + moof2 + box("mdat", std::string(16, '\0')));
    auto t0 = std::chrono::steady_clock::now();
    auto idx = index_fragments(file);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(200));
    REQUIRE(idx.fragments.size() == 1);
    CHECK(idx.fragments[0].samples == 20000ull * 999999ull);
    CHECK(idx.fragments[0].sync_time == 0);  // no flags anywhere: sync
  }
  SECTION("no video track") {
    std::string soun = box("hdlr", std::string(8, '\0') + "soun" + std::string(12, '\0') + "s" + std::string(1, '\0'));
    write_bytes(file, box("moov", box("trak", tkhd + box("mdia", mdhd + soun))));
    REQUIRE_THROWS_WITH(index_fragments(file), hs::quote(file.string()) + ": no video track");
  }
  SECTION("64-bit box size running past the end") {
    write_bytes(file, moov + be32(1) + "mdat" + std::string(7, '\x7f') + std::string(1, '\xff'));
    auto idx = index_fragments(file);
    CHECK(idx.truncated);
    CHECK(idx.fragments.empty());
  }
}
