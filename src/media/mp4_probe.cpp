// Reads an MP4 segment's duration from its box structure alone (ISO/IEC 14496-12): top-level box
// headers, moov and each moof, one pread per fragment, no mdat payload. Everything read from the
// file is untrusted: every length is checked against its parent box before use.
#include "media/mp4_probe.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "media/mp4_box.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

using Bytes = std::span<const unsigned char>;
using mp4::fourcc;
using mp4::load_be32;
using mp4::load_be64;
constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

// Bounds on what one box may make us read; beyond them the box is treated as garbage. A moov of a
// plain mp4 grows ~10 bytes per sample (64 MiB is days of video); MediaMTX's moofs are ~1 KiB.
constexpr std::uint64_t kMaxMoov = 64u << 20;
constexpr std::uint64_t kMaxMoof = 16u << 20;
constexpr std::size_t kMaxTracks = 256;
// Each read fetches at least this much, so a header read usually brings the whole small moof and
// the following mdat header with it.
constexpr std::size_t kReadAhead = 4096;

std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) { return a > kMax64 - b ? kMax64 : a + b; }

// Ticks to microseconds, rounding down, saturating instead of overflowing.
std::chrono::microseconds ticks_to_us(std::uint64_t ticks, std::uint32_t timescale) {
  constexpr std::uint64_t kMaxSecs = std::uint64_t(std::numeric_limits<std::int64_t>::max()) / 1'000'000 - 1;
  std::uint64_t secs = ticks / timescale;
  std::uint64_t rem = ticks % timescale;  // < 2^32, so rem * 10^6 cannot overflow
  if (secs > kMaxSecs) secs = kMaxSecs;
  return std::chrono::microseconds(std::int64_t(secs * 1'000'000 + rem * 1'000'000 / timescale));
}

// The file, read with pread through one read-ahead buffer. The size is the one fstat saw at open:
// a segment still being written is probed as the prefix that existed then.
class File {
 public:
  explicit File(const std::filesystem::path& path) : path_(path) {
    // O_NONBLOCK: opening a FIFO that sits among the recordings must not wait for a writer.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) fail("open", std::strerror(errno));
    struct stat st{};
    if (::fstat(fd_, &st) != 0) fail("read", std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail("read", S_ISDIR(st.st_mode) ? std::strerror(EISDIR) : "not a regular file");
    size_ = std::uint64_t(st.st_size);
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  std::uint64_t size() const { return size_; }

  // Bytes [off, off + n) of the file, valid until the next call, or nullptr when the file is shorter
  // (it may shrink under us). Throws Error on an I/O error.
  const unsigned char* at(std::uint64_t off, std::size_t n) {
    if (off >= buf_off_ && off - buf_off_ <= buf_len_ && n <= buf_len_ - (off - buf_off_))
      return buf_.data() + (off - buf_off_);
    if (off > size_ || n > size_ - off) return nullptr;
    std::size_t want = std::size_t(std::min<std::uint64_t>(std::max(n + 16, kReadAhead), size_ - off));
    if (buf_.size() < want) buf_.resize(want);
    buf_len_ = 0;
    buf_off_ = off;
    while (buf_len_ < want) {
      ssize_t got = ::pread(fd_, buf_.data() + buf_len_, want - buf_len_, off_t(off + buf_len_));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("read", std::strerror(errno));
      if (got == 0) break;
      buf_len_ += std::size_t(got);
    }
    return n <= buf_len_ ? buf_.data() : nullptr;
  }

 private:
  [[noreturn]] void fail(const char* what, const char* why) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw Error(fmt::format("cannot {} {}: {}", what, quote(path_.string()), why));
  }

  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::vector<unsigned char> buf_;
  std::uint64_t buf_off_ = 0;
  std::size_t buf_len_ = 0;
};

using mp4::BoxHeader;
using Parse = mp4::HeaderParse;

// A box header as this scanner accepts it: a valid header (mp4_box.hpp) whose type is four
// printable characters; anything else is garbage and ends the scan.
Parse parse_header(const unsigned char* p, std::uint64_t avail, std::uint64_t room, BoxHeader& h) {
  Parse parsed = mp4::parse_box_header(p, avail, room, h);
  if (parsed == Parse::cut && avail >= 8 && room >= 8 && !mp4::printable_type(h.type)) return Parse::bad;
  if (parsed == Parse::ok && !mp4::printable_type(h.type)) return Parse::bad;
  return parsed;
}

// Calls f(type, body) for each complete child box of a container body; stops at the first child
// that is not a box or does not fit. Recursion depth is fixed by the callers (moov/trak/mdia,
// moov/mvex, moof/traf), never driven by the file.
template <typename F>
void for_each_child(Bytes body, F&& f) {
  mp4::Reader children(body);
  while (auto child = children.next_box()) {
    if (!mp4::printable_type(child->type)) return;
    f(child->type, child->body.rest());
  }
}

struct Track {
  std::uint32_t id = 0;
  std::uint32_t handler = 0;
  std::uint32_t timescale = 0;
  std::optional<std::uint64_t> media_duration;  // mdhd; nullopt when absent or "unknown"
  std::uint32_t moov_samples = 0;               // stsz sample_count: samples in moov itself
  std::uint32_t trex_duration = 0;
  std::uint32_t trex_size = 0;
  // Decode times (in timescale ticks) seen in complete fragments.
  bool has_fragments = false;
  std::uint64_t first_dts = 0;
  std::uint64_t end_dts = 0;
  std::uint64_t next_dts = 0;  // where a fragment without tfdt starts
};

struct MovieHeader {
  std::uint32_t timescale = 0;
  std::optional<std::uint64_t> duration;
};

// mvhd and mdhd share their leading layout: version, flags, creation and modification times,
// timescale, duration (32-bit fields in version 0, 64-bit times and duration in version 1).
MovieHeader parse_time_header(Bytes b) {
  MovieHeader m;
  if (b.size() < 4) return m;
  if (b[0] == 1) {
    if (b.size() < 32) return m;
    m.timescale = load_be32(&b[20]);
    std::uint64_t d = load_be64(&b[24]);
    if (d != kMax64) m.duration = d;
  } else {
    if (b.size() < 20) return m;
    m.timescale = load_be32(&b[12]);
    std::uint32_t d = load_be32(&b[16]);
    if (d != 0xffffffffu) m.duration = d;
  }
  return m;
}

Track parse_trak(Bytes trak) {
  Track t;
  for_each_child(trak, [&](std::uint32_t type, Bytes b) {
    if (type == fourcc("tkhd")) {
      std::size_t at = (b.size() >= 1 && b[0] == 1) ? 20 : 12;
      if (b.size() >= at + 4) t.id = load_be32(&b[at]);
    } else if (type == fourcc("mdia")) {
      for_each_child(b, [&](std::uint32_t mtype, Bytes mb) {
        if (mtype == fourcc("mdhd")) {
          MovieHeader m = parse_time_header(mb);
          t.timescale = m.timescale;
          t.media_duration = m.duration;
        } else if (mtype == fourcc("hdlr") && mb.size() >= 12) {
          t.handler = load_be32(&mb[8]);
        } else if (mtype == fourcc("minf")) {
          for_each_child(mb, [&](std::uint32_t itype, Bytes ib) {
            if (itype != fourcc("stbl")) return;
            for_each_child(ib, [&](std::uint32_t stype, Bytes sb) {
              if ((stype == fourcc("stsz") || stype == fourcc("stz2")) && sb.size() >= 12)
                t.moov_samples = load_be32(&sb[8]);
            });
          });
        }
      });
    }
  });
  return t;
}

struct Movie {
  MovieHeader header;
  bool has_mvex = false;
  std::vector<Track> tracks;

  Track* find(std::uint32_t id) {
    for (Track& t : tracks)
      if (t.id == id) return &t;
    return nullptr;
  }
};

void parse_moov(Bytes moov, Movie& movie) {
  struct Trex {
    std::uint32_t id, duration, size;
  };
  std::vector<Trex> trexes;
  for_each_child(moov, [&](std::uint32_t type, Bytes b) {
    if (type == fourcc("mvhd")) {
      movie.header = parse_time_header(b);
    } else if (type == fourcc("trak") && movie.tracks.size() < kMaxTracks) {
      movie.tracks.push_back(parse_trak(b));
    } else if (type == fourcc("mvex")) {
      movie.has_mvex = true;
      for_each_child(b, [&](std::uint32_t xtype, Bytes xb) {
        if (xtype == fourcc("trex") && xb.size() >= 24 && trexes.size() < kMaxTracks)
          trexes.push_back({load_be32(&xb[4]), load_be32(&xb[12]), load_be32(&xb[16])});
      });
    }
  });
  for (const Trex& x : trexes)
    if (Track* t = movie.find(x.id)) {
      t->trex_duration = x.duration;
      t->trex_size = x.size;
    }
}

// One track fragment's timing, committed to its Track only once the whole fragment is known to be
// complete.
struct TrafTiming {
  std::uint32_t track_id = 0;
  std::optional<std::uint64_t> tfdt;
  std::uint64_t duration = 0;
};

// Parses a traf. `data_end` is the end of the previous traf's sample data on entry (the implicit
// base of a traf without base_data_offset, 8.8.7.1) and of this traf's on return. nullopt: malformed.
std::optional<TrafTiming> parse_traf(Bytes traf, std::uint64_t moof_start, bool first_traf, Movie& movie,
                                     std::uint64_t& data_end) {
  Bytes tfhd, tfdt;
  bool have_tfhd = false, have_tfdt = false;
  for_each_child(traf, [&](std::uint32_t type, Bytes b) {
    if (type == fourcc("tfhd") && !have_tfhd) {
      have_tfhd = true;
      tfhd = b;
    } else if (type == fourcc("tfdt") && !have_tfdt) {
      have_tfdt = true;
      tfdt = b;
    }
  });
  if (!have_tfhd || tfhd.size() < 8) return std::nullopt;

  TrafTiming timing;
  std::uint32_t flags = load_be32(tfhd.data()) & 0xffffff;
  timing.track_id = load_be32(&tfhd[4]);
  const Track* track = movie.find(timing.track_id);
  std::uint64_t base = first_traf ? moof_start : data_end;
  std::uint32_t default_duration = track ? track->trex_duration : 0;
  std::uint32_t default_size = track ? track->trex_size : 0;
  std::size_t at = 8;
  auto field = [&](std::size_t width) -> const unsigned char* {
    if (tfhd.size() < at + width) return nullptr;
    const unsigned char* p = &tfhd[at];
    at += width;
    return p;
  };
  if (flags & 0x000001) {  // base-data-offset-present
    const unsigned char* p = field(8);
    if (!p) return std::nullopt;
    base = load_be64(p);
  } else if (flags & 0x020000) {  // default-base-is-moof
    base = moof_start;
  }
  if ((flags & 0x000002) && !field(4)) return std::nullopt;  // sample-description-index
  if (flags & 0x000008) {
    const unsigned char* p = field(4);
    if (!p) return std::nullopt;
    default_duration = load_be32(p);
  }
  if (flags & 0x000010) {
    const unsigned char* p = field(4);
    if (!p) return std::nullopt;
    default_size = load_be32(p);
  }

  if (have_tfdt) {
    if (tfdt.size() >= 12 && tfdt[0] == 1)
      timing.tfdt = load_be64(&tfdt[4]);
    else if (tfdt.size() >= 8 && tfdt[0] == 0)
      timing.tfdt = load_be32(&tfdt[4]);
    else
      return std::nullopt;
  }

  bool ok = true;
  bool first_trun = true;
  std::uint64_t pos = base;
  for_each_child(traf, [&](std::uint32_t type, Bytes b) {
    if (type != fourcc("trun") || !ok) return;
    if (b.size() < 8) {
      ok = false;
      return;
    }
    std::uint32_t tflags = load_be32(b.data()) & 0xffffff;
    std::uint64_t count = load_be32(&b[4]);
    std::size_t off = 8;
    if (first_trun) pos = base;
    first_trun = false;
    if (tflags & 0x001) {  // data-offset-present: signed, relative to the base data offset
      if (b.size() < off + 4) {
        ok = false;
        return;
      }
      auto rel = std::int32_t(load_be32(&b[off]));
      off += 4;
      std::uint64_t mag = rel < 0 ? std::uint64_t(-std::int64_t(rel)) : std::uint64_t(rel);
      pos = rel < 0 ? (base > mag ? base - mag : 0) : sat_add(base, mag);
    }
    if (tflags & 0x004) off += 4;  // first-sample-flags
    std::size_t entry = 4 * std::size_t((tflags & 0x100 ? 1 : 0) + (tflags & 0x200 ? 1 : 0) +
                                        (tflags & 0x400 ? 1 : 0) + (tflags & 0x800 ? 1 : 0));
    if (b.size() < off || (entry > 0 && count > (b.size() - off) / entry)) {
      ok = false;  // claims more samples than the box holds
      return;
    }
    // Without per-sample fields the count is only bounded by 2^32: multiply, never loop over it.
    std::uint64_t durations = count * default_duration;
    std::uint64_t sizes = count * default_size;
    if (tflags & 0x300) {
      if (tflags & 0x100) durations = 0;
      if (tflags & 0x200) sizes = 0;
      const std::size_t size_at = (tflags & 0x100) ? 4 : 0;
      for (std::uint64_t i = 0; i < count; ++i, off += entry) {
        if (tflags & 0x100) durations += load_be32(&b[off]);
        if (tflags & 0x200) sizes += load_be32(&b[off + size_at]);
      }
    }
    timing.duration = sat_add(timing.duration, durations);
    pos = sat_add(pos, sizes);
  });
  if (!ok) return std::nullopt;
  data_end = first_trun ? base : pos;
  return timing;
}

void commit(const TrafTiming& timing, Movie& movie) {
  Track* t = movie.find(timing.track_id);
  if (!t) return;
  std::uint64_t start = timing.tfdt.value_or(t->next_dts);
  if (!t->has_fragments) {
    t->has_fragments = true;
    t->first_dts = start;
  }
  t->end_dts = sat_add(start, timing.duration);
  t->next_dts = t->end_dts;
}

// The duration of one track in ticks, or nullopt when the track has nothing to measure.
std::optional<std::uint64_t> track_ticks(const Track& t, bool fragmented) {
  if (t.timescale == 0) return std::nullopt;
  std::uint64_t in_moov = t.media_duration.value_or(0);
  if (fragmented && t.has_fragments) {
    // Samples in moov itself (fragmented without empty_moov) precede the first fragment. Only
    // then: MediaMTX and empty_moov writers leave the sample tables empty, and some muxers put the
    // whole length in mdhd.
    std::uint64_t before = t.moov_samples > 0 ? in_moov : 0;
    std::uint64_t start = t.first_dts >= before ? t.first_dts - before : t.first_dts;
    if (t.end_dts < start) return std::nullopt;
    return t.end_dts - start;
  }
  if (in_moov > 0) return in_moov;
  return std::nullopt;
}

}  // namespace

Mp4Probe probe_mp4(const std::filesystem::path& path) {
  File file(path);
  Mp4Probe probe;
  Movie movie;
  bool seen_moov = false;

  const std::uint64_t size = file.size();
  std::uint64_t off = 0;
  while (off < size) {
    std::uint64_t room = size - off;
    std::size_t peek = std::size_t(std::min<std::uint64_t>(room, 16));
    const unsigned char* p = file.at(off, peek);
    BoxHeader h;
    Parse parsed = p ? parse_header(p, peek, room, h) : Parse::cut;
    if (parsed == Parse::cut) {
      probe.truncated = true;
      break;
    }
    if (parsed == Parse::bad) break;
    if (h.type == fourcc("moof")) probe.fragmented = true;
    if (h.size > room) {
      probe.truncated = true;
      break;
    }

    if (h.type == fourcc("moov") && !seen_moov) {
      seen_moov = true;
      std::size_t n = std::size_t(std::min(h.size, kMaxMoov));
      p = file.at(off, n);
      if (!p) {
        probe.truncated = true;
        break;
      }
      parse_moov(Bytes(p + h.header, n - h.header), movie);
    } else if (h.type == fourcc("moof")) {
      if (h.size > kMaxMoof) break;
      p = file.at(off, std::size_t(h.size));
      if (!p) {
        probe.truncated = true;
        break;
      }
      std::vector<TrafTiming> trafs;
      bool ok = true;
      std::uint64_t data_end = off;
      std::uint64_t last_data_end = off;
      for_each_child(Bytes(p + h.header, std::size_t(h.size - h.header)), [&](std::uint32_t type, Bytes b) {
        if (type != fourcc("traf") || !ok) return;
        auto timing = parse_traf(b, off, trafs.empty(), movie, data_end);
        if (!timing) {
          ok = false;
          return;
        }
        trafs.push_back(*timing);
        last_data_end = std::max(last_data_end, data_end);
      });
      if (ok && last_data_end > size) probe.truncated = true;  // its samples are not all written
      if (ok && last_data_end <= size) {
        for (const TrafTiming& t : trafs) commit(t, movie);
        if (probe.fragments < std::numeric_limits<std::uint32_t>::max()) ++probe.fragments;
      }
    }
    off += h.size;
  }

  // Prefer the first video track with something to measure, else the first track with anything.
  const Track* chosen = nullptr;
  std::uint64_t ticks = 0;
  for (const Track& t : movie.tracks) {
    auto n = track_ticks(t, probe.fragmented);
    if (!n) continue;
    bool video = t.handler == fourcc("vide");
    if (!chosen || (video && chosen->handler != fourcc("vide"))) {
      chosen = &t;
      ticks = *n;
    }
    if (video) break;
  }
  if (chosen) {
    probe.duration = ticks_to_us(ticks, chosen->timescale);
  } else if (!probe.fragmented && !movie.has_mvex && movie.header.timescale > 0 &&
             movie.header.duration.value_or(0) > 0) {
    probe.duration = ticks_to_us(*movie.header.duration, movie.header.timescale);
  }
  return probe;
}

}  // namespace hs
