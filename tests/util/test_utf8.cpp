// UTF-8 validation: well-formed sequences of every length pass; the first bad byte is reported.
#include "util/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using hs::invalid_utf8_at;

TEST_CASE("invalid_utf8_at finds the first byte that is not well-formed UTF-8", "[util]") {
  struct Case {
    std::string text;
    std::optional<std::size_t> at;
  };
  const std::vector<Case> cases = {
      {"", std::nullopt},
      {"plain ascii {\"a\":1}", std::nullopt},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb7", std::nullopt},  // é € 📷
      {"\xef\xbf\xbf\xf4\x8f\xbf\xbf", std::nullopt},                // U+FFFF, U+10FFFF
      {std::string("\xff\xfe\x00", 3), 0},                           // a UTF-16 byte order mark
      {"ok\x80", 2},                                                 // a lone continuation byte
      {"\xc0\xaf", 0},                                               // overlong '/'
      {"\xe0\x80\xaf", 0},                                           // overlong, 3 bytes
      {"\xed\xa0\x80", 0},                                           // a surrogate
      {"\xf4\x90\x80\x80", 0},                                       // above U+10FFFF
      {"ab\xc3", 2},                                                 // cut short
      {"\xe2\x82", 0},
      {"\xe2\x28\xa1", 0},                                           // bad continuation
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(invalid_utf8_at(c.text) == c.at);
  }
}
