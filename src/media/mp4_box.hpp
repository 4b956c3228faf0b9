#pragma once
// The one ISO-BMFF (ISO/IEC 14496-12) box reader that both MP4 scanners use: media/mp4_probe (the
// duration reconciliation reads) and snapshot/fragment_index (where the keyframes are). Everything
// it reads is untrusted: a box header is checked against the room its parent (or the file) leaves,
// a size of 1 means a 64-bit largesize follows, a size of 0 means "to the end of the parent", and
// every field read past the end of a box yields 0 and marks the reader bad instead of reading on.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace hs::mp4 {

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return std::uint32_t(std::uint8_t(s[0])) << 24 | std::uint32_t(std::uint8_t(s[1])) << 16 |
         std::uint32_t(std::uint8_t(s[2])) << 8 | std::uint32_t(std::uint8_t(s[3]));
}

// Big-endian loads; the caller has checked that 4 (8) bytes are there.
inline std::uint32_t load_be32(const unsigned char* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
inline std::uint64_t load_be64(const unsigned char* p) { return std::uint64_t(load_be32(p)) << 32 | load_be32(p + 4); }

struct BoxHeader {
  std::uint32_t type = 0;
  std::uint64_t size = 0;    // the whole box, header included; may exceed the room it has
  std::uint32_t header = 0;  // 8, or 16 with a 64-bit largesize
};

enum class HeaderParse {
  ok,
  cut,  // the header itself is incomplete (fewer than 8 bytes, or 16 with a largesize)
  bad,  // not a box: a size smaller than its own header
};

// Parses the header of a box that has `room` bytes until the end of its parent (or the file), of
// which `avail` are readable at p (at least min(room, 16) for a verdict other than cut). A size of 0
// becomes `room`. Whether the box fits its room (size <= room) is for the caller to decide: a
// top-level box that runs past the end of the file is a cut file, not garbage.
HeaderParse parse_box_header(const unsigned char* p, std::uint64_t avail, std::uint64_t room, BoxHeader& h);

// Four printable ASCII characters: what every registered box type is. A scanner that meets anything
// else has run into garbage (mp4_probe stops there).
bool printable_type(std::uint32_t type);

struct Box;

// A bounds-checked big-endian reader over one box's payload: reads past the end yield 0, set bad()
// and leave the reader at the end, so a parser may read a whole structure and check bad() once.
class Reader {
 public:
  Reader() = default;
  Reader(const unsigned char* p, std::size_t n) : p_(p), n_(n) {}
  explicit Reader(std::span<const unsigned char> bytes) : Reader(bytes.data(), bytes.size()) {}

  bool bad() const { return bad_; }
  std::size_t left() const { return n_ - pos_; }
  std::span<const unsigned char> rest() const { return {p_ + pos_, left()}; }

  void skip(std::size_t k);
  std::uint64_t be(std::size_t k);  // k <= 8 bytes, big-endian
  std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(be(4)); }
  std::uint64_t u64() { return be(8); }

  // A full box's leading version (8 bits) and flags (24 bits).
  struct FullBox {
    std::uint8_t version = 0;
    std::uint32_t flags = 0;
  };
  FullBox full_box();

  // The next child box whose header is valid and which fits in what is left; nullopt at the end, and
  // on a malformed or overlong child, which also sets bad() (nothing after it can be trusted).
  std::optional<Box> next_box();

 private:
  const unsigned char* p_ = nullptr;
  std::size_t n_ = 0;
  std::size_t pos_ = 0;
  bool bad_ = false;
};

struct Box {
  std::uint32_t type = 0;
  Reader body;  // the payload, after the header
};

}  // namespace hs::mp4
