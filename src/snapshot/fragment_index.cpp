// A pread-based scan of a fragmented MP4's boxes (ISO/IEC 14496-12): the video track from moov, then
// per moof its video samples' decode times and sync flags. Bounds are checked on every read.
#include "snapshot/fragment_index.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "media/mp4_box.hpp"
#include "util/error.hpp"

namespace hs::snapshot {

namespace {

using mp4::fourcc;
using mp4::Reader;

constexpr std::uint64_t kMaxMoov = 64ull << 20;  // larger moov/moof boxes are treated as corrupt
constexpr std::uint64_t kMaxMoof = 16ull << 20;
constexpr std::uint32_t kNonSync = 0x00010000;  // sample_is_non_sync_sample in sample flags
constexpr std::uint32_t kMaxSamples = 1'000'000;  // per trun: 11 h at 25 fps

class File {
 public:
  explicit File(const std::filesystem::path& p) : path_(p) {
    fd_ = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(fmt::format("cannot open {}: {}", quote(p.string()), std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw Error(fmt::format("cannot stat {}: {}", quote(p.string()), std::strerror(errno)));
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  std::uint64_t size() const { return size_; }
  // Reads exactly n bytes at off (n small); false when the file is shorter.
  bool read(std::uint64_t off, void* buf, std::size_t n) const {
    auto* p = static_cast<char*>(buf);
    while (n > 0) {
      ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(off));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw Error(fmt::format("cannot read {}: {}", quote(path_.string()), std::strerror(errno)));
      if (got == 0) return false;
      p += got;
      off += static_cast<std::uint64_t>(got);
      n -= static_cast<std::size_t>(got);
    }
    return true;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

struct Trex {
  std::uint32_t duration = 0, size = 0, flags = 0;
};

struct Tracks {
  std::uint32_t video_track = 0;
  std::uint32_t timescale = 0;
  std::map<std::uint32_t, Trex> trex;
};

void parse_trak(Reader trak, Tracks& out) {
  std::uint32_t id = 0, timescale = 0, handler = 0;
  while (auto b = trak.next_box()) {
    if (b->type == fourcc("tkhd")) {
      b->body.skip(b->body.full_box().version == 1 ? 16 : 8);
      id = b->body.u32();
    } else if (b->type == fourcc("mdia")) {
      while (auto m = b->body.next_box()) {
        if (m->type == fourcc("mdhd")) {
          m->body.skip(m->body.full_box().version == 1 ? 16 : 8);
          timescale = m->body.u32();
        } else if (m->type == fourcc("hdlr")) {
          m->body.skip(8);
          handler = m->body.u32();
        }
      }
    }
  }
  if (handler == fourcc("vide") && out.video_track == 0 && id != 0 && timescale != 0) {
    out.video_track = id;
    out.timescale = timescale;
  }
}

Tracks parse_moov(Reader moov) {
  Tracks t;
  while (auto b = moov.next_box()) {
    if (b->type == fourcc("trak")) parse_trak(b->body, t);
    else if (b->type == fourcc("mvex")) {
      while (auto x = b->body.next_box()) {
        if (x->type != fourcc("trex")) continue;
        x->body.skip(4);
        std::uint32_t id = x->body.u32();
        x->body.skip(4);  // default_sample_description_index
        Trex d;
        d.duration = x->body.u32();
        d.size = x->body.u32();
        d.flags = x->body.u32();
        if (!x->body.bad()) t.trex[id] = d;
      }
    }
  }
  return t;
}

// Parses the video traf of one moof into `f`; returns the end offset of its sample data (0 when
// unknown). False when the moof has no video samples.
bool parse_moof(Reader moof, std::uint64_t moof_offset, const Tracks& tracks, Fragment& f, std::uint64_t& data_end) {
  bool first_traf = true;
  std::uint64_t prev_traf_end = moof_offset;
  bool found = false;
  while (auto b = moof.next_box()) {
    if (b->type != fourcc("traf")) continue;
    Reader traf = b->body;
    std::uint32_t tf_flags = 0, track = 0;
    std::uint64_t base = 0;
    std::optional<std::uint32_t> def_duration, def_size, def_flags;
    std::optional<std::int64_t> tfdt;
    // First pass: tfhd and tfdt (trun may come before tfdt in odd files).
    {
      Reader scan = traf;
      while (auto c = scan.next_box()) {
        if (c->type == fourcc("tfhd")) {
          tf_flags = c->body.full_box().flags;
          track = c->body.u32();
          if (tf_flags & 0x1) base = c->body.u64();
          if (tf_flags & 0x2) c->body.skip(4);
          if (tf_flags & 0x8) def_duration = c->body.u32();
          if (tf_flags & 0x10) def_size = c->body.u32();
          if (tf_flags & 0x20) def_flags = c->body.u32();
        } else if (c->type == fourcc("tfdt")) {
          bool wide = c->body.full_box().version == 1;
          tfdt = static_cast<std::int64_t>(wide ? c->body.u64() : c->body.u32());
        }
      }
    }
    if (!(tf_flags & 0x1)) base = (tf_flags & 0x20000) || first_traf ? moof_offset : prev_traf_end;
    first_traf = false;
    Trex trex;
    if (auto it = tracks.trex.find(track); it != tracks.trex.end()) trex = it->second;
    std::uint32_t sample_duration = def_duration.value_or(trex.duration);
    std::uint32_t sample_size = def_size.value_or(trex.size);
    std::uint32_t sample_flags = def_flags.value_or(trex.flags);

    bool video = track == tracks.video_track;
    std::uint64_t pos = base;
    std::int64_t t = tfdt.value_or(0);
    std::uint64_t samples = 0;
    Reader runs = traf;
    while (auto c = runs.next_box()) {
      if (c->type != fourcc("trun")) continue;
      Reader r = c->body;
      auto [version, flags] = r.full_box();
      std::uint32_t count = r.u32();
      if (flags & 0x1) pos = base + static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(r.u32())));
      std::optional<std::uint32_t> first_flags;
      if (flags & 0x4) first_flags = r.u32();
      std::size_t per_sample = 4u * (((flags >> 8) & 1) + ((flags >> 9) & 1) + ((flags >> 10) & 1) + ((flags >> 11) & 1));
      // A count the box cannot hold, or beyond any sane fragment (hours of samples), is corrupt;
      // this also bounds the loop below when samples have no per-sample fields.
      if (count > kMaxSamples || (per_sample && count > r.left() / per_sample)) return false;
      if (per_sample == 0) {  // every sample alike but the first's flags: no loop (a 16-byte trun may claim 1M)
        if (count == 0) continue;
        std::uint32_t first = first_flags.value_or(sample_flags);
        if (video) {
          if (samples == 0) f.first_cts = 0;
          if (!f.sync_time && !(first & kNonSync)) f.sync_time = t;
          else if (!f.sync_time && count > 1 && !(sample_flags & kNonSync)) f.sync_time = t + sample_duration;
          samples += count;
        }
        t += static_cast<std::int64_t>(count) * sample_duration;
        pos += static_cast<std::uint64_t>(count) * sample_size;
        continue;
      }
      for (std::uint32_t i = 0; i < count && !r.bad(); ++i) {
        std::uint32_t d = (flags & 0x100) ? r.u32() : sample_duration;
        std::uint32_t s = (flags & 0x200) ? r.u32() : sample_size;
        std::uint32_t fl = (flags & 0x400) ? r.u32() : (i == 0 && first_flags ? *first_flags : sample_flags);
        std::int64_t cts = 0;
        if (flags & 0x800) {
          std::uint32_t raw = r.u32();
          cts = version == 0 ? static_cast<std::int64_t>(raw) : static_cast<std::int64_t>(static_cast<std::int32_t>(raw));
        }
        if (video) {
          if (samples == 0) f.first_cts = cts;
          if (!(fl & kNonSync) && !f.sync_time) f.sync_time = t;
          ++samples;
        }
        t += d;
        pos += s;
      }
      if (r.bad()) return false;
    }
    prev_traf_end = pos;
    if (video && samples > 0 && !found) {
      found = true;
      f.decode_time = tfdt.value_or(0);
      f.duration = t - tfdt.value_or(0);
      f.samples = samples;
      data_end = pos;
    }
  }
  return found;
}

std::string quoted(const std::filesystem::path& p) { return quote(p.string()); }

}  // namespace

const Fragment* FragmentIndex::last_keyframe() const {
  for (auto it = fragments.rbegin(); it != fragments.rend(); ++it)
    if (it->sync_time) return &*it;
  return nullptr;
}

const Fragment* FragmentIndex::keyframe_before(std::int64_t ticks) const {
  const Fragment* best = nullptr;
  for (const auto& f : fragments) {
    if (f.decode_time > ticks) break;
    if (f.sync_time && *f.sync_time <= ticks) best = &f;
  }
  return best;
}

std::int64_t FragmentIndex::first_pts() const {
  return fragments.empty() ? 0 : fragments.front().decode_time + fragments.front().first_cts;
}

std::int64_t FragmentIndex::end_pts() const {
  if (fragments.empty()) return 0;
  const auto& f = fragments.back();
  return f.decode_time + f.duration + fragments.front().first_cts;
}

FragmentIndex index_fragments(const std::filesystem::path& path) {
  File file(path);
  FragmentIndex idx;
  idx.file_size = file.size();
  std::optional<Tracks> tracks;
  std::vector<std::uint8_t> buf;
  std::uint64_t off = 0;
  const std::uint64_t size = file.size();

  while (off < size) {
    std::uint8_t h[16];
    const std::uint64_t room = size - off;
    const std::size_t peek = static_cast<std::size_t>(std::min<std::uint64_t>(room, 16));
    mp4::BoxHeader bh;
    mp4::HeaderParse parsed = file.read(off, h, peek) ? mp4::parse_box_header(h, peek, room, bh) : mp4::HeaderParse::cut;
    if (parsed == mp4::HeaderParse::cut) {
      idx.truncated = true;
      break;
    }
    if (parsed == mp4::HeaderParse::bad) {
      if (!tracks) throw Error(fmt::format("{}: not an MP4 file (bad box at offset {})", quoted(path), off));
      idx.truncated = true;  // garbage after the good part
      break;
    }
    const std::uint64_t box = bh.size, header = bh.header;
    const std::uint32_t type = bh.type;
    if (box > room) {  // runs past the end of the file
      idx.truncated = true;
      break;
    }

    if (type == fourcc("moov") || type == fourcc("moof")) {
      std::uint64_t cap = type == fourcc("moov") ? kMaxMoov : kMaxMoof;
      if (box - header > cap) throw Error(fmt::format("{}: {}-byte {} box is too large", quoted(path), box, type == fourcc("moov") ? "moov" : "moof"));
      buf.resize(static_cast<std::size_t>(box - header));
      if (!file.read(off + header, buf.data(), buf.size())) {
        idx.truncated = true;
        break;
      }
      Reader body(buf.data(), buf.size());
      if (type == fourcc("moov")) {
        tracks = parse_moov(body);
        if (tracks->video_track == 0) throw Error(fmt::format("{}: no video track", quoted(path)));
        idx.video_track = tracks->video_track;
        idx.timescale = tracks->timescale;
      } else {
        if (!tracks) throw Error(fmt::format("{}: moof before moov: not a fragmented MP4 this reader understands", quoted(path)));
        if (idx.init_end == 0) idx.init_end = off;
        Fragment f;
        f.offset = off;
        std::uint64_t data_end = 0;
        bool has_video = parse_moof(body, off, *tracks, f, data_end);
        // The mdat that follows carries the samples.
        std::uint64_t end = off + box;
        if (end < size) {
          std::uint8_t mh[16];
          const std::uint64_t mroom = size - end;
          const std::size_t mpeek = static_cast<std::size_t>(std::min<std::uint64_t>(mroom, 16));
          mp4::BoxHeader mdat;
          if (file.read(end, mh, mpeek) && mp4::parse_box_header(mh, mpeek, mroom, mdat) == mp4::HeaderParse::ok &&
              mdat.type == fourcc("mdat"))
            end += mdat.size;
        }
        f.end = std::max(end, data_end);
        if (f.end > size) {
          idx.truncated = true;
          break;
        }
        if (has_video) idx.fragments.push_back(f);
      }
    }
    off += box;
  }

  if (!tracks) throw Error(fmt::format("{}: not an MP4 file (no moov box)", quoted(path)));
  if (idx.init_end == 0) idx.init_end = off;
  return idx;
}

}  // namespace hs::snapshot
