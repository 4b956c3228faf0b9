// Box headers and a bounds-checked field reader for the MP4 scanners (see mp4_box.hpp): the only
// place that turns untrusted box sizes into offsets.
#include "media/mp4_box.hpp"

namespace hs::mp4 {

HeaderParse parse_box_header(const unsigned char* p, std::uint64_t avail, std::uint64_t room, BoxHeader& h) {
  if (room < 8 || avail < 8) return HeaderParse::cut;
  std::uint32_t size32 = load_be32(p);
  h.type = load_be32(p + 4);
  h.header = 8;
  if (size32 == 1) {
    if (room < 16 || avail < 16) return HeaderParse::cut;
    h.size = load_be64(p + 8);
    h.header = 16;
  } else if (size32 == 0) {
    h.size = room;  // extends to the end of its parent
  } else {
    h.size = size32;
  }
  return h.size < h.header ? HeaderParse::bad : HeaderParse::ok;
}

bool printable_type(std::uint32_t type) {
  for (int shift = 0; shift < 32; shift += 8) {
    auto c = std::uint8_t(type >> shift);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

void Reader::skip(std::size_t k) {
  if (k > left()) {
    bad_ = true;
    pos_ = n_;
  } else {
    pos_ += k;
  }
}

std::uint64_t Reader::be(std::size_t k) {
  if (k > left()) {
    bad_ = true;
    pos_ = n_;
    return 0;
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < k; ++i) v = (v << 8) | p_[pos_ + i];
  pos_ += k;
  return v;
}

Reader::FullBox Reader::full_box() {
  std::uint32_t vf = u32();
  return {std::uint8_t(vf >> 24), vf & 0xffffff};
}

std::optional<Box> Reader::next_box() {
  if (left() < 8) return std::nullopt;
  BoxHeader h;
  HeaderParse parsed = parse_box_header(p_ + pos_, left(), left(), h);
  if (parsed != HeaderParse::ok || h.size > left()) {
    bad_ = true;
    pos_ = n_;
    return std::nullopt;
  }
  Box box{h.type, Reader(p_ + pos_ + h.header, std::size_t(h.size - h.header))};
  pos_ += std::size_t(h.size);
  return box;
}

}  // namespace hs::mp4
