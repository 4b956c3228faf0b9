// HMAC-SHA256 against RFC 4231's test vectors, and the webhook signature header.
#include <catch2/catch.hpp>

#include "notify/signature.hpp"

using namespace hs;

namespace {
std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}
}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231", "[signature]") {
  struct Row {
    std::string key, data;
    const char* mac;
  };
  const Row rows[] = {
      {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      // A key longer than the block size is hashed first.
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
  for (const auto& r : rows) CHECK(hmac_sha256_hex(r.key, r.data) == r.mac);
  // An empty key is a valid key.
  CHECK(hmac_sha256_hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("webhook signature covers timestamp and body", "[signature]") {
  const std::string body = R"({"id":"1","type":"disk.ok"})";
  const auto sig = webhook_signature("s3cret", 1774746000, body);
  CHECK(sig == "sha256=" + hmac_sha256_hex("s3cret", "1774746000." + body));
  CHECK(sig != webhook_signature("s3cret", 1774746001, body));
  CHECK(sig != webhook_signature("other", 1774746000, body));
}
