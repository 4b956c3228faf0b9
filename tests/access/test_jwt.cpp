// Compact JWS: what encode_jwt writes, and every form decode_jwt refuses, with whole messages.
#include <catch2/catch.hpp>

#include "access/jwt.hpp"
#include "util/base64url.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::access;

namespace {
std::string part(const std::string& json) { return base64url_encode(json); }
}  // namespace

TEST_CASE("encode_jwt writes an ES256 header with the kid and a signature over header.payload", "[access]") {
  auto key = SigningKey::generate();
  auto token = encode_jwt({{"sub", "u"}}, key, "k1");
  auto jwt = decode_jwt(token);
  CHECK(jwt.kid == "k1");
  CHECK(jwt.claims == nlohmann::json{{"sub", "u"}});
  CHECK(key.verify(jwt.signing_input, jwt.signature));
  auto header = nlohmann::json::parse(*base64url_decode(token.substr(0, token.find('.'))));
  CHECK(header == nlohmann::json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "k1"}});
}

TEST_CASE("decode_jwt refuses malformed tokens and foreign headers", "[access]") {
  const std::string claims = part(R"({"sub":"u"})");
  const std::string sig = base64url_encode(std::string(64, 'x'));
  struct Row {
    std::string token;
    const char* message;
  };
  const Row rows[] = {
      {"", "token: not a JWT (expected three base64url parts separated by dots)"},
      {"abc", "token: not a JWT (expected three base64url parts separated by dots)"},
      {"a.b.c.d", "token: not a JWT (expected three base64url parts separated by dots)"},
      {"a+b.c.d", "token: not a JWT (a part is not base64url)"},
      {"." + claims + "." + sig, "token: not a JWT (a part is not base64url)"},
      {part("[1]") + "." + claims + "." + sig, "token: header is not a JSON object"},
      {part("{") + "." + claims + "." + sig, "token: header is not a JSON object"},
      {part(R"({"typ":"JWT","kid":"k"})") + "." + claims + "." + sig, "token: header has no \"alg\""},
      {part(R"({"alg":"none","kid":"k"})") + "." + claims + ".", "token: alg \"none\" is not accepted (only ES256)"},
      {part(R"({"alg":"HS256","kid":"k"})") + "." + claims + "." + sig, "token: alg \"HS256\" is not accepted (only ES256)"},
      {part(R"({"alg":"RS256","kid":"k"})") + "." + claims + "." + sig, "token: alg \"RS256\" is not accepted (only ES256)"},
      {part(R"({"alg":"ES256"})") + "." + claims + "." + sig, "token: header has no \"kid\""},
      {part(R"({"alg":"ES256","kid":""})") + "." + claims + "." + sig, "token: header has no \"kid\""},
      {part(R"({"alg":"ES256","kid":"k","jku":"http://evil/jwks"})") + "." + claims + "." + sig,
       "token: header field \"jku\" is not accepted"},
      {part(R"({"alg":"ES256","kid":"k","crit":["exp"]})") + "." + claims + "." + sig,
       "token: header field \"crit\" is not accepted"},
      {part(R"({"alg":"ES256","kid":"k","typ":"at+jwt"})") + "." + claims + "." + sig,
       "token: typ \"at+jwt\" is not accepted (only JWT)"},
      {part(R"({"alg":"ES256","kid":"k"})") + "." + part("\"x\"") + "." + sig, "token: claims are not a JSON object"},
      {std::string(9000, 'a'), "token: longer than 8192 bytes (9000)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.token.substr(0, 120));
    REQUIRE_THROWS_WITH(decode_jwt(r.token), r.message);
  }
}
