#pragma once
// MediaMTX's authentication in access.mode jwt: the global keys hook-server owns in the generated
// mediamtx.yml, their values, and the check that a file on disk still has them (gen-config --check
// fails on a file whose authentication was opened by hand).
//
// MediaMTX with authMethod: jwt (internal/auth/manager.go, docs/access.md):
//   authJWTJWKS      hook-server's /.well-known/jwks.json (fetched lazily, again when an hour old)
//   authJWTClaimKey  mediamtx_permissions
//   authJWTIssuer / authJWTAudience   access.issuer / access.audience, checked on every token
//   authJWTExclude   metrics and pprof: allowed without a token, so their addresses must be loopback.
//                    The Control API is not excluded: hook-server calls it with a service token.
// Internal users and the HTTP method's keys are dropped: with authMethod jwt MediaMTX ignores them,
// and a reader of the file should not think the `any` user still reads every path.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"

namespace hs {

struct AuthSetting {
  std::string key;
  nlohmann::json value;
};

// Keys written (or dropped) by hook-server in jwt mode; others (authJWTJWKSFingerprint) pass through.
bool is_managed_auth_key(std::string_view key);
// The values, in the order they are written.
std::vector<AuthSetting> jwt_auth_settings(const Config& config);

// Global keys that must listen on loopback in jwt mode, with the switch that enables each and its
// MediaMTX default address: {api, apiAddress, ":9997"}, {metrics, ...}, {pprof, ...}.
struct LocalService {
  const char* enable;
  const char* address;
  const char* fallback;
};
const std::vector<LocalService>& local_services();
// "127.0.0.1:9997", "[::1]:9997", "localhost:9997": true; ":9997", "0.0.0.0:9997": false.
bool loopback_address(std::string_view address);

// What makes `actual` (a MediaMTX config as JSON) more open than jwt_auth_settings(): a different
// authMethod, JWKS, claim key, issuer or audience, or exclusions beyond metrics and pprof. Each
// problem is one sentence naming the key and quoting the value; empty when none.
std::vector<std::string> auth_drift(const Config& config, const nlohmann::json& actual);

}  // namespace hs
