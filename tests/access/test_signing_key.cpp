// ES256 keys: PEM round trip, JWK shape, RFC 7638 thumbprint, signatures that verify only for the
// same key and data.
#include <catch2/catch.hpp>

#include "access/signing_key.hpp"
#include "util/base64url.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::access;

TEST_CASE("a generated key signs, verifies and survives a PEM round trip", "[access]") {
  auto key = SigningKey::generate();
  auto sig = key.sign("header.payload");
  CHECK(sig.size() == 64);
  CHECK(key.verify("header.payload", sig));
  CHECK_FALSE(key.verify("header.payloaX", sig));
  auto flipped = sig;
  flipped[10] ^= 1;
  CHECK_FALSE(key.verify("header.payload", flipped));
  CHECK_FALSE(key.verify("header.payload", sig.substr(0, 63)));

  auto pem = key.private_pem();
  CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  auto again = SigningKey::from_pem(pem);
  CHECK(again.thumbprint() == key.thumbprint());
  CHECK(again.verify("header.payload", sig));
  CHECK_FALSE(SigningKey::generate().verify("header.payload", sig));
}

TEST_CASE("the public JWK holds EC P-256 coordinates and no private part", "[access]") {
  auto key = SigningKey::generate();
  auto jwk = key.public_jwk("kid-1");
  CHECK(jwk["kty"] == "EC");
  CHECK(jwk["crv"] == "P-256");
  CHECK(jwk["alg"] == "ES256");
  CHECK(jwk["use"] == "sig");
  CHECK(jwk["kid"] == "kid-1");
  CHECK(base64url_decode(jwk["x"].get<std::string>())->size() == 32);
  CHECK(base64url_decode(jwk["y"].get<std::string>())->size() == 32);
  CHECK_FALSE(jwk.contains("d"));
  CHECK(jwk.size() == 7);
}

TEST_CASE("the thumbprint is RFC 7638's: SHA-256 of the canonical JWK, base64url", "[access]") {
  auto key = SigningKey::generate();
  auto t = key.thumbprint();
  CHECK(t.size() == 43);
  CHECK(base64url_decode(t)->size() == 32);
  CHECK(t != SigningKey::generate().thumbprint());
}

TEST_CASE("from_pem refuses what is not a P-256 private key, without quoting it", "[access]") {
  REQUIRE_THROWS_WITH(SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                      "signing key: not a PEM private key");
  REQUIRE_THROWS_WITH(SigningKey::from_pem("secret garbage"), "signing key: not a PEM private key");
}

TEST_CASE("random bytes differ and same_secret compares whole values", "[access]") {
  CHECK(random_bytes(32).size() == 32);
  CHECK(random_bytes(32) != random_bytes(32));
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("abc", "abcd"));
  CHECK_FALSE(same_secret("", "a"));
}
