#pragma once
// One ES256 signing key (ECDSA on P-256 with SHA-256), held by OpenSSL 3 through its EVP API.
//
// Why ES256: MediaMTX v1.20.1 verifies JWTs with golang-jwt/jwt v5 through keys that
// MicahParks/keyfunc v3 reads from the JWKS (docs/access.md cites the lines). Those libraries
// accept RSA, EC (P-256/384/521) and Ed25519 keys; ES256 is the most widely implemented of them
// (RFC 7518 "Recommended+"), has short signatures (64 bytes: tokens fit in an RTSP ?token= URL)
// and is read by every JWT library a product's frontend or backend may use.
//
// The private key never leaves this class except as PEM for the key store file (private_pem());
// no message of this class holds key material.
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

struct evp_pkey_st;

namespace hs::access {

class SigningKey {
 public:
  // A fresh key from OpenSSL's generator. Throws Error naming the failing call.
  static SigningKey generate();
  // A PKCS#8 PEM private key as private_pem() wrote it; it must be a P-256 EC key. Throws Error
  // ("signing key: not a P-256 private key") without quoting the text.
  static SigningKey from_pem(std::string_view pem);

  // PKCS#8 PEM of the private key: for the key store file only.
  std::string private_pem() const;
  // The public JWK: {"kty":"EC","crv":"P-256","x","y","use":"sig","alg":"ES256","kid"}.
  nlohmann::json public_jwk(const std::string& kid) const;
  // RFC 7638 thumbprint of the public key (base64url SHA-256 of {"crv","kty","x","y"}): the kid.
  std::string thumbprint() const;

  // The JWS ES256 signature of `data`: r and s, 32 bytes each, big-endian (RFC 7518 §3.4).
  std::string sign(std::string_view data) const;
  // True when `signature` (r || s, 64 bytes) is this key's signature of `data`.
  bool verify(std::string_view data, std::string_view signature) const;

 private:
  explicit SigningKey(std::shared_ptr<evp_pkey_st> pkey) : pkey_(std::move(pkey)) {}
  std::shared_ptr<evp_pkey_st> pkey_;
};

// `n` random bytes from OpenSSL's CSPRNG. Throws Error.
std::string random_bytes(std::size_t n);
// Equality of two secrets in time that depends only on their lengths (CRYPTO_memcmp).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace hs::access
