// base64url: RFC 4648 test vectors both ways, and the strict decoder's refusals.
#include <catch2/catch.hpp>

#include "util/base64url.hpp"

using namespace hs;

TEST_CASE("base64url encodes RFC 4648's vectors without padding and decodes them back", "[util]") {
  const std::pair<const char*, const char*> rows[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (auto [plain, encoded] : rows) {
    CAPTURE(plain);
    CHECK(base64url_encode(plain) == encoded);
    CHECK(base64url_decode(encoded) == std::string(plain));
  }
}

TEST_CASE("base64url decoding refuses padding, other alphabets, bad lengths and non-canonical tails", "[util]") {
  for (const char* bad : {"Zg==", "Zm9v+", "Zm9v/", "Z", "Zm9vY", "Zh", "Zm9", "a b", "Zm8\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(base64url_decode(bad).has_value());
  }
}
