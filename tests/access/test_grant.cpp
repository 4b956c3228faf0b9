// Grants: token requests validated with whole messages, MediaMTX permissions per camera path and
// action, claims written and read back.
#include <catch2/catch.hpp>

#include "access/grant.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::access;

namespace {

const CameraPaths kCameras{{"1", "camera_1"}, {"7", "camera_7"}, {"lobby~a", "lobby/a"}};
const TimePoint kNow = parse_rfc3339("2026-03-29T01:00:00.400Z");

Grant request(const std::string& json, const TokenLimits& limits = {}) {
  return parse_token_request(nlohmann::json::parse(json), kCameras, limits, kNow);
}

}  // namespace

TEST_CASE("a token request becomes a grant with sorted cameras and actions and whole-second times", "[access]") {
  auto g = request(R"({"cameras": ["7", "1", "7"], "actions": ["playback", "read"], "ttl": "15m", "subject": "user-42"})");
  CHECK(g.subject == "user-42");
  CHECK_FALSE(g.all_cameras);
  CHECK(g.cameras == std::vector<std::string>{"1", "7"});
  CHECK(g.actions == std::vector<Action>{Action::read, Action::playback});
  CHECK(g.issued == parse_rfc3339("2026-03-29T01:00:00Z"));
  CHECK(g.expires == parse_rfc3339("2026-03-29T01:15:00Z"));
  CHECK(g.allows("1", Action::read));
  CHECK_FALSE(g.allows("2", Action::read));
  CHECK_FALSE(g.allows("1", Action::manage));

  auto all = request(R"({"cameras": "*", "actions": ["manage"], "subject": "wall"})");
  CHECK(all.all_cameras);
  CHECK(all.allows("anything", Action::manage));
  CHECK(all.expires - all.issued == std::chrono::minutes{15});  // default_ttl
}

TEST_CASE("bad token requests are refused naming the field and the value", "[access]") {
  const std::pair<const char*, const char*> rows[] = {
      {R"([])", "body: expected a JSON object"},
      {R"({"cameras": ["1"], "actions": ["read"], "subject": "u", "admin": true})", "body: unknown field \"admin\""},
      {R"({"actions": ["read"], "subject": "u"})", "cameras: missing (a list of camera ids, or \"*\")"},
      {R"({"cameras": [], "actions": ["read"], "subject": "u"})", "cameras: expected a non-empty list of camera ids or \"*\", got \"[]\""},
      {R"({"cameras": "all", "actions": ["read"], "subject": "u"})", "cameras: expected a non-empty list of camera ids or \"*\", got \"\\\"all\\\"\""},
      {R"({"cameras": [7], "actions": ["read"], "subject": "u"})", "cameras: expected camera ids (strings), got 7"},
      {R"({"cameras": ["1", "9"], "actions": ["read"], "subject": "u"})", "cameras: no camera \"9\""},
      {R"({"cameras": ["1"], "subject": "u"})", "actions: missing (a list of read, playback, manage or publish)"},
      {R"({"cameras": ["1"], "actions": [], "subject": "u"})", "actions: expected a non-empty list of read, playback, manage or publish, got \"[]\""},
      {R"({"cameras": ["1"], "actions": ["read", "delete"], "subject": "u"})", "actions: expected read, playback, manage or publish, got \"delete\""},
      {R"({"cameras": ["1"], "actions": ["read"], "ttl": "48h", "subject": "u"})", "ttl: at most 1d (access.max_ttl), got \"48h\""},
      {R"({"cameras": ["1"], "actions": ["read"], "ttl": "soon", "subject": "u"})", "ttl: expected a duration like 15d, 90m or 30s, got \"soon\""},
      {R"({"cameras": ["1"], "actions": ["read"], "ttl": "0s", "subject": "u"})", "ttl: must be at least 1s, got \"0s\""},
      {R"({"cameras": ["1"], "actions": ["read"], "ttl": 900, "subject": "u"})", "ttl: expected a duration like 15m, got \"900\""},
      {R"({"cameras": ["1"], "actions": ["read"]})", "subject: missing (who the token is for, e.g. a user id)"},
      {R"({"cameras": ["1"], "actions": ["read"], "subject": ""})", "subject: expected 1 to 200 printable characters, got \"\""},
      {R"({"cameras": ["1"], "actions": ["read"], "subject": "a\nb"})", "subject: expected 1 to 200 printable characters, got \"a\\x0ab\""},
  };
  for (auto [json, message] : rows) {
    CAPTURE(json);
    REQUIRE_THROWS_WITH(request(json), message);
  }
  TokenLimits two{std::chrono::minutes{15}, std::chrono::hours{24}, 2};
  REQUIRE_THROWS_WITH(parse_token_request(nlohmann::json::parse(R"({"cameras": ["1", "7", "lobby~a"], "actions": ["read"], "subject": "u"})"),
                                          kCameras, two, kNow),
                      "cameras: at most 2 cameras per token (\"*\" grants every camera), got 3");
  REQUIRE_THROWS_WITH(parse_token_request(nlohmann::json::parse(R"({"cameras": ["1"], "actions": ["read"], "ttl": "1h"})"), kCameras,
                                          TokenLimits{}, kNow, "viewer_token."),
                      "viewer_token.subject: missing (who the token is for, e.g. a user id)");
  REQUIRE_THROWS_WITH(parse_token_request(nlohmann::json::parse(R"({"ttl": "1h", "x": 1})"), kCameras, TokenLimits{}, kNow,
                                          "viewer_token."),
                      "viewer_token: unknown field \"x\"");
}

TEST_CASE("MediaMTX permissions: one entry per camera path and MediaMTX action, manage has none", "[access]") {
  auto g = request(R"({"cameras": ["7", "1"], "actions": ["manage", "playback", "read"], "subject": "u"})");
  CHECK(mediamtx_permissions(g, kCameras, "camera_") ==
        std::vector<Permission>{{"read", "camera_1"}, {"playback", "camera_1"}, {"read", "camera_7"}, {"playback", "camera_7"}});
  auto manage = request(R"({"cameras": ["1"], "actions": ["manage"], "subject": "u"})");
  CHECK(mediamtx_permissions(manage, kCameras, "camera_").empty());
}

TEST_CASE("\"*\" gives MediaMTX an anchored regex over the prefix plus cameras named otherwise", "[access]") {
  auto g = request(R"({"cameras": "*", "actions": ["read"], "subject": "u"})");
  CHECK(mediamtx_permissions(g, kCameras, "cam.") ==
        std::vector<Permission>{{"read", "~^cam\\.[A-Za-z0-9_-]{1,64}$"}, {"read", "camera_1"}, {"read", "camera_7"}, {"read", "lobby/a"}});
  CHECK(mediamtx_permissions(g, kCameras, "camera_") ==
        std::vector<Permission>{{"read", "~^camera_[A-Za-z0-9_-]{1,64}$"}, {"read", "lobby/a"}});
}

TEST_CASE("claims carry the registered claims, MediaMTX's permissions and hook-server's grant, and read back", "[access]") {
  auto g = request(R"({"cameras": ["1"], "actions": ["read", "manage"], "ttl": "1h", "subject": "user-42"})");
  g.jti = "j1";
  auto c = grant_claims(g, kCameras, {"hook-server", "mediamtx", "camera_"});
  CHECK(c == nlohmann::json::parse(R"({
    "iss": "hook-server", "aud": "mediamtx", "sub": "user-42", "iat": 1774746000, "exp": 1774749600, "jti": "j1",
    "mediamtx_permissions": [{"action": "read", "path": "camera_1"}],
    "hook_server": {"cameras": ["1"], "actions": ["read", "manage"]}})"));
  auto back = grant_from_claims(c);
  CHECK(back.subject == "user-42");
  CHECK(back.cameras == g.cameras);
  CHECK(back.actions == g.actions);
  CHECK(back.issued == g.issued);
  CHECK(back.expires == g.expires);
  CHECK(back.jti == "j1");
}

TEST_CASE("claims without a usable hook_server grant are refused", "[access]") {
  auto base = nlohmann::json::parse(R"({"sub": "s", "jti": "j", "iat": 1, "exp": 2})");
  const std::pair<nlohmann::json, const char*> rows[] = {
      {base, "token: grants nothing on hook-server (no \"hook_server\" claim)"},
      {nlohmann::json::parse(R"({"jti": "j", "iat": 1, "exp": 2})"), "token: claim \"sub\" missing or not a string"},
      {nlohmann::json::parse(R"({"sub": "s", "jti": "j", "iat": 1.5, "exp": 2})"), "token: claim \"iat\" missing or not a whole number of seconds"},
  };
  for (const auto& [claims, message] : rows) {
    CAPTURE(claims.dump());
    REQUIRE_THROWS_WITH(grant_from_claims(claims), message);
  }
  auto with = [&](const char* hs) {
    auto c = base;
    c["hook_server"] = nlohmann::json::parse(hs);
    return c;
  };
  REQUIRE_THROWS_WITH(grant_from_claims(with(R"({"cameras": ["1"]})")), "token: claim \"hook_server\" needs \"cameras\" and \"actions\"");
  REQUIRE_THROWS_WITH(grant_from_claims(with(R"({"cameras": "all", "actions": []})")), "token: claim \"hook_server\": cameras must be a list or \"*\"");
  REQUIRE_THROWS_WITH(grant_from_claims(with(R"({"cameras": [1], "actions": []})")), "token: claim \"hook_server\": cameras must be strings");
  REQUIRE_THROWS_WITH(grant_from_claims(with(R"({"cameras": ["1"], "actions": ["admin"]})")), "token: claim \"hook_server\": unknown action \"admin\"");
}
