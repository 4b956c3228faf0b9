// Shared helpers of the error policy.
#include "util/error.hpp"

#include <fmt/format.h>

namespace hs {

std::string quote(std::string_view value) {
  constexpr size_t kMax = 200;
  std::string out = "\"";
  size_t n = 0;
  for (unsigned char c : value) {
    if (n++ == kMax) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace hs
