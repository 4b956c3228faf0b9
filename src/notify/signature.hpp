#pragma once
// Signatures of event webhooks (the scheme is in domain/webhook_event.hpp):
// X-Hook-Server-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>.
#include <cstdint>
#include <string>
#include <string_view>

namespace hs {

// Lower-case hex of HMAC-SHA256(key, message), computed by OpenSSL. Throws Error if OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The X-Hook-Server-Signature value for a body sent at `unix_seconds`.
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

}  // namespace hs
