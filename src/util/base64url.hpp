#pragma once
// base64url without padding (RFC 4648 §5), the encoding of every part of a JWT and of JWK numbers.
// Decoding is strict: a token that is not byte-for-byte canonical is refused, so one token has
// exactly one spelling.
#include <optional>
#include <string>
#include <string_view>

namespace hs {

std::string base64url_encode(std::string_view bytes);
// nullopt when `text` holds anything but [A-Za-z0-9_-], has a length that is 1 mod 4, or ends
// with bits that a canonical encoder would have left zero.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace hs
