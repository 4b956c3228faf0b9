#pragma once
// JWS compact serialization of hook-server's tokens (RFC 7515/7519), ES256 only. Encoding signs
// with a SigningKey; decoding checks the form and the header strictly and leaves the signature and
// the claims to the Issuer, which knows the keys and the clock.
//
// What decoding refuses, each with its own message (Unauthorized, "token: ..."): more than
// kMaxTokenBytes, not three canonical base64url parts, a header or payload that is not a JSON
// object, any alg but ES256 ("none" and HS256 included: no algorithm confusion), a missing kid, a
// typ other than JWT, and any other header field (crit, jku, jwk, x5u ... are never honoured).
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "access/signing_key.hpp"

namespace hs::access {

inline constexpr std::size_t kMaxTokenBytes = 8192;

// header.payload.signature with header {"alg":"ES256","typ":"JWT","kid":kid}.
std::string encode_jwt(const nlohmann::json& claims, const SigningKey& key, const std::string& kid);

struct UnverifiedJwt {
  std::string kid;
  nlohmann::json claims;       // a JSON object
  std::string signing_input;   // header.payload as received
  std::string signature;       // decoded bytes
};
// Throws Unauthorized as listed above.
UnverifiedJwt decode_jwt(std::string_view token);

// A JSON value for a message: a string as it is, anything else as JSON text (quote() it).
std::string json_text(const nlohmann::json& value);

}  // namespace hs::access
