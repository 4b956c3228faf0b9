// Redaction of URL user information.
#include "util/redact.hpp"

#include <cctype>

namespace hs {

namespace {

// Redacts the userinfo of the authority starting at `auth` (just after "://"); appends to out and
// returns the index where the authority ends.
size_t redact_authority(std::string_view s, size_t auth, std::string& out) {
  size_t end = auth;
  while (end < s.size() && s[end] != '/' && s[end] != '?' && s[end] != '#' && s[end] != ' ' &&
         s[end] != '"' && s[end] != '\'' && s[end] != '\n')
    ++end;
  auto authority = s.substr(auth, end - auth);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    out += authority;
    return end;
  }
  auto userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) out += "***";
  else {
    out += userinfo.substr(0, colon);
    out += ":***";
  }
  out += authority.substr(at);
  return end;
}

// token=<value> and jwt=<value> after '?' or '&': the value becomes ***.
std::string redact_query_tokens(std::string text) {
  for (std::string_view key : {"token=", "jwt="}) {
    size_t pos = 0;
    while ((pos = text.find(key, pos)) != std::string::npos) {
      size_t value = pos + key.size();
      if (pos == 0 || (text[pos - 1] != '?' && text[pos - 1] != '&')) {
        pos = value;
        continue;
      }
      size_t end = value;
      // A value runs over URL query characters (a JWT is base64url and dots) and stops at anything else.
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                   std::string_view("-._~%+/=").find(text[end]) != std::string_view::npos))
        ++end;
      if (end == value) {  // empty, or already *** (text redacted twice)
        pos = value;
        continue;
      }
      text.replace(value, end - value, "***");
      pos = value + 3;
    }
  }
  return text;
}

}  // namespace

std::string redact_url(std::string_view url) { return redact_credentials(url); }

std::string redact_credentials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t sep = text.find("://", pos);
    if (sep == std::string_view::npos) break;
    out += text.substr(pos, sep + 3 - pos);
    pos = redact_authority(text, sep + 3, out);
  }
  out += text.substr(pos);
  return redact_query_tokens(std::move(out));
}

}  // namespace hs
