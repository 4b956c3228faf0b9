// MediaMTX's authentication in jwt mode: the values written, loopback addresses, drift found.
#include <catch2/catch.hpp>

#include "mediamtx/auth_settings.hpp"

using namespace hs;

TEST_CASE("jwt settings point MediaMTX at hook-server's JWKS with its issuer and audience", "[mediamtx]") {
  Config c;
  c.server.host = "0.0.0.0";
  c.server.port = 9990;
  c.access.issuer = "https://cams.example.com";
  nlohmann::json out = nlohmann::json::object();
  for (const auto& s : jwt_auth_settings(c)) out[s.key] = s.value;
  CHECK(out == nlohmann::json::parse(R"({"authMethod": "jwt", "authJWTJWKS": "http://127.0.0.1:9990/.well-known/jwks.json",
    "authJWTClaimKey": "mediamtx_permissions", "authJWTExclude": [{"action": "metrics"}, {"action": "pprof"}],
    "authJWTIssuer": "https://cams.example.com", "authJWTAudience": "mediamtx"})"));
  CHECK(auth_drift(c, out).empty());
  CHECK(is_managed_auth_key("authInternalUsers"));
  CHECK(is_managed_auth_key("authHTTPExclude"));
  CHECK_FALSE(is_managed_auth_key("authJWTJWKSFingerprint"));
}

TEST_CASE("loopback addresses", "[mediamtx]") {
  for (const char* yes : {"127.0.0.1:9997", "127.1.2.3:1", "localhost:9998", "[::1]:9999"}) CHECK(loopback_address(yes));
  for (const char* no : {":9997", "0.0.0.0:9997", "[::]:9997", "10.0.0.1:9997", "example.com:9997", "128.0.0.1:1"})
    CHECK_FALSE(loopback_address(no));
}

TEST_CASE("drift names each key that opens MediaMTX", "[mediamtx]") {
  Config c;
  auto problems = auth_drift(c, nlohmann::json::parse(R"({"authMethod": "internal", "authJWTExclude": [{"action": "read"}]})"));
  CHECK(problems == std::vector<std::string>{
                        "authMethod is \"internal\", not \"jwt\"",
                        "authJWTJWKS is not set, not \"http://127.0.0.1:9980/.well-known/jwks.json\"",
                        "authJWTClaimKey is not set, not \"mediamtx_permissions\"",
                        "authJWTExclude lets \"{\\\"action\\\":\\\"read\\\"}\" through without a token",
                        "authJWTIssuer is not set, not \"hook-server\"",
                        "authJWTAudience is not set, not \"mediamtx\""});
}
