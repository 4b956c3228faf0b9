// HMAC-SHA256 through OpenSSL's EVP_Q_mac, for signing event webhooks.
#include "notify/signature.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "domain/webhook_event.hpp"
#include "util/error.hpp"

namespace hs {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  // A zero-length key is a valid HMAC key, but OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_bytes, key.size(),
                 reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, sizeof mac, &length)) {
    char reason[256];
    ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
    throw Error(fmt::format("EVP_Q_mac(HMAC, SHA256) failed: {}", reason));
  }
  std::string hex;
  hex.reserve(length * 2);
  for (size_t i = 0; i < length; ++i) fmt::format_to(std::back_inserter(hex), "{:02x}", mac[i]);
  return hex;
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(secret, signed_text(unix_seconds, body));
}

}  // namespace hs
