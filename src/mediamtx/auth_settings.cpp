// The authentication block of the generated mediamtx.yml in access.mode jwt, and its drift check.
#include "mediamtx/auth_settings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace hs {

namespace {

constexpr std::string_view kManaged[] = {"authMethod",       "authInternalUsers", "authHTTPAddress",    "authHTTPFingerprint",
                                         "authHTTPExclude",  "authJWTJWKS",       "authJWTClaimKey",    "authJWTExclude",
                                         "authJWTInHTTPQuery", "authJWTIssuer",   "authJWTAudience"};

nlohmann::json exclusions() {
  return nlohmann::json::array({{{"action", "metrics"}}, {{"action", "pprof"}}});
}

std::string text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

bool is_managed_auth_key(std::string_view key) {
  return std::find(std::begin(kManaged), std::end(kManaged), key) != std::end(kManaged);
}

std::vector<AuthSetting> jwt_auth_settings(const Config& config) {
  return {{"authMethod", "jwt"},
          {"authJWTJWKS", config.jwks_url()},
          {"authJWTClaimKey", "mediamtx_permissions"},
          {"authJWTExclude", exclusions()},
          {"authJWTIssuer", config.access.issuer},
          {"authJWTAudience", config.access.audience}};
}

const std::vector<LocalService>& local_services() {
  static const std::vector<LocalService> kServices = {
      {"api", "apiAddress", ":9997"}, {"metrics", "metricsAddress", ":9998"}, {"pprof", "pprofAddress", ":9999"}};
  return kServices;
}

bool loopback_address(std::string_view address) {
  auto colon = address.rfind(':');
  auto host = colon == std::string_view::npos ? address : address.substr(0, colon);
  return host == "localhost" || host == "[::1]" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::vector<std::string> auth_drift(const Config& config, const nlohmann::json& actual) {
  std::vector<std::string> out;
  auto value = [&](const char* key) { return actual.is_object() && actual.contains(key) ? actual[key] : nlohmann::json(); };
  for (const auto& s : jwt_auth_settings(config)) {
    auto v = value(s.key.c_str());
    if (s.key == "authJWTExclude") {
      for (const auto& e : v.is_array() ? v : nlohmann::json::array()) {
        if (std::find(s.value.begin(), s.value.end(), e) == s.value.end())
          out.push_back(fmt::format("authJWTExclude lets {} through without a token", quote(e.dump())));
      }
      continue;
    }
    if (v != s.value)
      out.push_back(fmt::format("{} is {}, not {}", s.key, v.is_null() ? "not set" : quote(text(v)), quote(text(s.value))));
  }
  return out;
}

}  // namespace hs
