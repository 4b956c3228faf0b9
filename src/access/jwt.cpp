// Compact JWS: three base64url parts; the header is fixed by hook-server and checked strictly.
#include "access/jwt.hpp"

#include <fmt/format.h>

#include "util/base64url.hpp"
#include "util/error.hpp"

namespace hs::access {

std::string encode_jwt(const nlohmann::json& claims, const SigningKey& key, const std::string& kid) {
  nlohmann::json header{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  return input + "." + base64url_encode(key.sign(input));
}

std::string json_text(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

UnverifiedJwt decode_jwt(std::string_view token) {
  if (token.size() > kMaxTokenBytes)
    throw Unauthorized(fmt::format("token: longer than {} bytes ({})", kMaxTokenBytes, token.size()));
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    throw Unauthorized("token: not a JWT (expected three base64url parts separated by dots)");
  auto header_b64 = token.substr(0, first);
  auto payload_b64 = token.substr(first + 1, second - first - 1);
  auto header_raw = base64url_decode(header_b64);
  auto payload_raw = base64url_decode(payload_b64);
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header_raw || !payload_raw || !signature || header_b64.empty() || payload_b64.empty())
    throw Unauthorized("token: not a JWT (a part is not base64url)");

  auto header = nlohmann::json::parse(*header_raw, nullptr, false);
  if (header.is_discarded() || !header.is_object()) throw Unauthorized("token: header is not a JSON object");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) throw Unauthorized("token: header has no \"alg\"");
  if (*alg != "ES256")
    throw Unauthorized(fmt::format("token: alg {} is not accepted (only ES256)", quote(alg->get<std::string>())));
  for (const auto& [name, value] : header.items())
    if (name != "alg" && name != "typ" && name != "kid")
      throw Unauthorized(fmt::format("token: header field {} is not accepted", quote(name)));
  if (auto typ = header.find("typ"); typ != header.end() && *typ != "JWT")
    throw Unauthorized(fmt::format("token: typ {} is not accepted (only JWT)", quote(json_text(*typ))));
  auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string() || kid->get<std::string>().empty())
    throw Unauthorized("token: header has no \"kid\"");

  auto claims = nlohmann::json::parse(*payload_raw, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) throw Unauthorized("token: claims are not a JSON object");
  return {kid->get<std::string>(), std::move(claims), std::string(token.substr(0, second)), std::move(*signature)};
}

}  // namespace hs::access
