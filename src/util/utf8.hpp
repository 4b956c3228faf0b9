#pragma once
// UTF-8 validity of bytes that arrive from outside (request bodies), so that a bad body is named as
// such instead of failing later where its bytes are copied into JSON.
#include <cstddef>
#include <optional>
#include <string_view>

namespace hs {

// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF); nullopt when all of `text` is valid.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

}  // namespace hs
