// The shared box reader (media/mp4_box): header forms (32-bit, 64-bit largesize, size 0 = to the end),
// headers that are cut or lie about their size, full-box fields and reads past the end.
#include "media/mp4_box.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace hs::mp4;

namespace {

std::string be(std::uint64_t v, int bytes) {
  std::string s(std::size_t(bytes), '\0');
  for (int i = 0; i < bytes; ++i) s[std::size_t(i)] = char(v >> (8 * (bytes - 1 - i)));
  return s;
}
std::string box(const std::string& type, const std::string& body) { return be(8 + body.size(), 4) + type + body; }
const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

TEST_CASE("parse_box_header reads 32-bit, 64-bit and to-the-end sizes", "[media][mp4_box]") {
  BoxHeader h;
  std::string plain = box("moof", std::string(12, 'x'));
  REQUIRE(parse_box_header(bytes(plain), plain.size(), plain.size(), h) == HeaderParse::ok);
  CHECK(h.type == fourcc("moof"));
  CHECK(h.size == 20);
  CHECK(h.header == 8);

  std::string large = be(1, 4) + "mdat" + be(0x1'0000'0010ull, 8);
  REQUIRE(parse_box_header(bytes(large), large.size(), 1ull << 40, h) == HeaderParse::ok);
  CHECK(h.type == fourcc("mdat"));
  CHECK(h.size == 0x1'0000'0010ull);  // larger than 4 GiB: only the caller decides whether it fits
  CHECK(h.header == 16);

  std::string to_end = be(0, 4) + "mdat";
  REQUIRE(parse_box_header(bytes(to_end), to_end.size(), 5000, h) == HeaderParse::ok);
  CHECK(h.size == 5000);
  CHECK(h.header == 8);
}

TEST_CASE("parse_box_header tells a cut header from one that is not a box", "[media][mp4_box]") {
  BoxHeader h;
  std::string plain = box("moov", "");
  CHECK(parse_box_header(bytes(plain), 7, 100, h) == HeaderParse::cut);   // 7 bytes readable
  CHECK(parse_box_header(bytes(plain), 8, 7, h) == HeaderParse::cut);     // 7 bytes of room
  std::string large = be(1, 4) + "mdat" + be(64, 8);
  CHECK(parse_box_header(bytes(large), 12, 100, h) == HeaderParse::cut);  // largesize not all there
  CHECK(parse_box_header(bytes(large), 16, 15, h) == HeaderParse::cut);
  std::string small = be(7, 4) + "free";
  CHECK(parse_box_header(bytes(small), 8, 100, h) == HeaderParse::bad);   // smaller than its header
  std::string small_large = be(1, 4) + "mdat" + be(15, 8);
  CHECK(parse_box_header(bytes(small_large), 16, 100, h) == HeaderParse::bad);
}

TEST_CASE("printable_type accepts four printable characters only", "[media][mp4_box]") {
  CHECK(printable_type(fourcc("moov")));
  CHECK(printable_type(fourcc("  ~ ")));
  CHECK_FALSE(printable_type(0x6d6f6f00));  // "moo\0"
  CHECK_FALSE(printable_type(0x7f6f6f76));
}

TEST_CASE("Reader::next_box walks children and stops at one that does not fit", "[media][mp4_box]") {
  std::string body = box("tfhd", "abcd") + box("trun", "") + be(0, 4) + "free" + "tail";
  Reader r(bytes(body), body.size());
  auto a = r.next_box();
  REQUIRE(a);
  CHECK(a->type == fourcc("tfhd"));
  CHECK(a->body.left() == 4);
  CHECK(a->body.u32() == 0x61626364);
  auto b = r.next_box();
  REQUIRE(b);
  CHECK(b->type == fourcc("trun"));
  CHECK(b->body.left() == 0);
  auto c = r.next_box();  // size 0: the rest of the parent
  REQUIRE(c);
  CHECK(c->type == fourcc("free"));
  CHECK(c->body.left() == 4);
  CHECK_FALSE(r.next_box());
  CHECK_FALSE(r.bad());

  std::string overlong = box("traf", "") + be(100, 4) + "trun" + std::string(8, '\0');
  Reader o(bytes(overlong), overlong.size());
  REQUIRE(o.next_box());
  CHECK_FALSE(o.next_box());  // claims 100 bytes, has 16
  CHECK(o.bad());
  CHECK(o.left() == 0);

  std::string short_tail = box("traf", "") + "abc";  // fewer than 8 bytes left: the end, not an error
  Reader t(bytes(short_tail), short_tail.size());
  REQUIRE(t.next_box());
  CHECK_FALSE(t.next_box());
  CHECK_FALSE(t.bad());
}

TEST_CASE("Reader fields: full box version and flags, reads past the end yield 0 and set bad", "[media][mp4_box]") {
  std::string body = be(0x01000005, 4) + be(0x1122334455667788ull, 8) + "\x09";
  Reader r(bytes(body), body.size());
  auto fb = r.full_box();
  CHECK(fb.version == 1);
  CHECK(fb.flags == 5);
  CHECK(r.u64() == 0x1122334455667788ull);
  CHECK_FALSE(r.bad());
  CHECK(r.u32() == 0);  // one byte left
  CHECK(r.bad());
  CHECK(r.left() == 0);
  Reader s(bytes(body), 4);
  s.skip(5);
  CHECK(s.bad());
  CHECK(s.u8() == 0);
}
