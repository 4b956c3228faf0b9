// The issuer: tokens it signs verify; every bad token of issue 11 is refused with its message;
// service tokens; the JWKS follows rotations made by another process.
#include <catch2/catch.hpp>

#include "access/issuer.hpp"
#include "access/jwt.hpp"
#include "support/fake_clock.hpp"
#include "support/media.hpp"
#include "util/base64url.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::access;
using namespace std::chrono_literals;

namespace {

const CameraPaths kCameras{{"1", "camera_1"}, {"2", "camera_2"}};

struct IssuerFixture {
  test::TempDir tmp;
  test::FakeClock clock;
  Issuer issuer{Issuer::Options{tmp.path() / "signing-keys.json", {"hook-server", "mediamtx", "camera_"}, 24h}, clock};

  std::string token(const std::string& request) {
    auto g = parse_token_request(nlohmann::json::parse(request), kCameras, {}, clock.now());
    return issuer.issue(g, kCameras);
  }
  // A token with these claims, signed with the current key (or `key`).
  std::string forge(const nlohmann::json& claims, const SigningKey* key = nullptr, std::string kid = "") {
    auto ring = KeyStore(tmp.path() / "signing-keys.json").load();
    if (kid.empty()) kid = issuer.signing_kid();
    return encode_jwt(claims, key ? *key : ring.find(issuer.signing_kid())->key, kid);
  }
  nlohmann::json claims(std::int64_t iat_offset_s = 0, std::int64_t exp_offset_s = 900) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    return {{"iss", "hook-server"}, {"aud", "mediamtx"}, {"sub", "u"}, {"iat", now + iat_offset_s}, {"exp", now + exp_offset_s},
            {"jti", "j"}, {"mediamtx_permissions", nlohmann::json::array()},
            {"hook_server", {{"cameras", {"1"}}, {"actions", {"read"}}}}};
  }
};

}  // namespace

TEST_CASE("a token the issuer signs verifies into its grant", "[access]") {
  IssuerFixture f;
  auto t = f.token(R"({"cameras": ["1"], "actions": ["read", "playback"], "ttl": "15m", "subject": "user-42"})");
  auto g = f.issuer.verify(t);
  CHECK(g.subject == "user-42");
  CHECK(g.allows("1", Action::playback));
  CHECK_FALSE(g.allows("2", Action::read));
  CHECK(g.jti.size() == 22);
  auto jwt = decode_jwt(t);
  CHECK(jwt.kid == f.issuer.signing_kid());
  CHECK(jwt.claims["mediamtx_permissions"] == nlohmann::json::parse(R"([{"action":"read","path":"camera_1"},{"action":"playback","path":"camera_1"}])"));
}

TEST_CASE("the issuer refuses expired, early, foreign and forged tokens", "[access]") {
  IssuerFixture f;
  auto other = SigningKey::generate();
  auto c = f.claims();
  auto with = [&](const char* key, nlohmann::json value) {
    auto x = c;
    if (value.is_null()) x.erase(key);
    else x[key] = std::move(value);
    return x;
  };
  auto good = f.forge(c);
  auto tampered = good;
  tampered[tampered.find('.') + 5] ^= 1;  // a claims byte: the signature no longer matches
  auto exp = f.claims(-3600, -11);
  struct Row {
    std::string token;
    std::string message;
  };
  const Row rows[] = {
      {f.forge(exp), "token: expired at " + format_rfc3339_ms(f.clock.now() - 11s)},
      {f.forge(f.claims(3600, 7200)), "token: not valid before " + format_rfc3339_ms(f.clock.now() + 1h) + " (issued in the future)"},
      {f.forge(with("nbf", std::chrono::duration_cast<std::chrono::seconds>((f.clock.now() + 1h).time_since_epoch()).count())),
       "token: not valid before " + format_rfc3339_ms(f.clock.now() + 1h)},
      {f.forge(with("aud", "someone-else")), "token: audience \"someone-else\" is not \"mediamtx\""},
      {f.forge(with("aud", nullptr)), "token: audience \"\" is not \"mediamtx\""},
      {f.forge(with("iss", "evil")), "token: issuer \"evil\" is not \"hook-server\""},
      {f.forge(with("exp", "tomorrow")), "token: claim \"exp\" is not a whole number of seconds"},
      {f.forge(with("exp", nullptr)), "token: claim \"exp\" missing"},
      {f.forge(c, &other), "token: signature does not verify"},
      {f.forge(c, &other, other.thumbprint()), "token: unknown key id \"" + other.thumbprint() + "\" (not one of hook-server's published keys)"},
      {tampered, "token: signature does not verify"},
      {base64url_encode(R"({"alg":"none","kid":"x"})") + "." + base64url_encode(c.dump()) + ".", "token: alg \"none\" is not accepted (only ES256)"},
      {f.forge(with("hook_server", nullptr)), "token: grants nothing on hook-server (no \"hook_server\" claim)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.message);
    REQUIRE_THROWS_WITH(f.issuer.verify(r.token), r.message);
  }
  // Within the leeway: still good.
  CHECK_NOTHROW(f.issuer.verify(f.forge(f.claims(-3600, -9))));
}

TEST_CASE("service tokens carry only MediaMTX permissions, are reused, and are no viewer on the API", "[access]") {
  IssuerFixture f;
  std::vector<Permission> api{{"api", ""}};
  auto t = f.issuer.service_token(api);
  CHECK(f.issuer.service_token(api) == t);
  auto claims = decode_jwt(t).claims;
  CHECK(claims["sub"] == "hook-server");
  CHECK(claims["mediamtx_permissions"] == nlohmann::json::parse(R"([{"action":"api","path":""}])"));
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 300);
  CHECK_FALSE(claims.contains("hook_server"));
  REQUIRE_THROWS_WITH(f.issuer.verify(t), "token: grants nothing on hook-server (no \"hook_server\" claim)");
  f.clock.t += 2min;
  CHECK(f.issuer.service_token(api) == t);
  f.clock.t += 1min;  // less than half its life left: a new one
  CHECK(f.issuer.service_token(api) != t);
}

TEST_CASE("the JWKS follows a rotation made by another process, old tokens keep verifying", "[access]") {
  IssuerFixture f;
  auto before = f.token(R"({"cameras": ["1"], "actions": ["read"], "subject": "u"})");
  auto first = f.issuer.signing_kid();
  CHECK(f.issuer.jwks()["keys"].size() == 1);
  auto r = KeyStore(f.tmp.path() / "signing-keys.json").rotate(f.clock.now(), 24h, false);
  CHECK(f.issuer.reload_if_changed());
  CHECK_FALSE(f.issuer.reload_if_changed());
  auto jwks = f.issuer.jwks();
  REQUIRE(jwks["keys"].size() == 2);
  CHECK(jwks["keys"][1]["kid"] == r.added.kid);
  CHECK(jwks.dump().find("\"d\"") == std::string::npos);
  CHECK(f.issuer.signing_kid() == first);  // not before MediaMTX can have the new key
  f.issuer.mediamtx_has_published_keys();
  CHECK(f.issuer.signing_kid() == r.added.kid);
  CHECK_NOTHROW(f.issuer.verify(before));
  CHECK(f.issuer.verify(f.token(R"({"cameras": ["1"], "actions": ["read"], "subject": "u"})")).subject == "u");
}
