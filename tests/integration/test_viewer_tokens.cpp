// Viewer tokens checked by an independent verifier the way MediaMTX checks them: a real server on
// 127.0.0.1 in access.mode jwt publishes its JWKS, and tests/support/jwt_verifier.py (Debian's
// PyJWT + cryptography, MediaMTX's matchesPermission) gets only that URL. It must accept the
// tokens for exactly the granted path/action pairs and refuse the bad ones of issue 11.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "access/jwt.hpp"
#include "access/key_store.hpp"
#include "build_paths.hpp"
#include "support/server_fixture.hpp"
#include "util/base64url.hpp"

using namespace hs;
using namespace hs::access;
using namespace std::chrono_literals;

namespace {

struct Case {
  std::string name;
  std::string token;
  std::string action, path;
  bool expect;
};

// Runs the verifier once over every case; returns its verdicts in order.
std::vector<nlohmann::json> verify_all(const test::ServerFixture& fx, const std::vector<Case>& cases) {
  auto input = fx.dir() / "cases.json";
  auto output = fx.dir() / "verdicts.json";
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : cases) list.push_back({{"token", c.token}, {"action", c.action}, {"path", c.path}});
  std::ofstream(input) << list.dump();
  auto cmd = fmt::format("/usr/bin/python3 {}/support/jwt_verifier.py --jwks {}/.well-known/jwks.json --issuer hook-server "
                         "--audience mediamtx < '{}' > '{}'",
                         HOOK_SERVER_TEST_DIR, fx.url(), input.string(), output.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(output);
  auto verdicts = nlohmann::json::parse(in);
  REQUIRE(verdicts.size() == cases.size());
  return {verdicts.begin(), verdicts.end()};
}

std::int64_t epoch_s(TimePoint t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

}  // namespace

TEST_CASE("an independent verifier accepts hook-server's tokens for exactly the granted pairs", "[access][e2e]") {
  test::ServerFixture fx(R"(access: {mode: jwt}
cameras:
  - {id: "1", source: "rtsp://10.0.0.1/a"}
  - {id: "2", source: "rtsp://10.0.0.2/a"}
)");
  fx.start();
  auto& issuer = fx.app().issuer();
  const CameraPaths paths{{"1", "camera_1"}, {"2", "camera_2"}};
  auto issue = [&](const std::string& request) {
    auto g = parse_token_request(nlohmann::json::parse(request), paths, {}, ServerApp::system_clock().now());
    return issuer.issue(g, paths);
  };
  auto viewer = issue(R"({"cameras": ["1"], "actions": ["read", "playback"], "ttl": "15m", "subject": "user-42"})");
  auto wall = issue(R"({"cameras": "*", "actions": ["read"], "subject": "wall"})");
  auto manager = issue(R"({"cameras": ["1"], "actions": ["manage"], "subject": "m"})");
  auto service = issuer.service_token({{"api", ""}});

  // Forged tokens: the server's own key (read from its store) with bad claims, or another key.
  auto ring = KeyStore(fx.dir() / "var" / "signing-keys.json").load();
  const auto& key = *ring.find(issuer.signing_kid());
  auto now = epoch_s(ServerApp::system_clock().now());
  auto claims = [&](nlohmann::json patch) {
    nlohmann::json c{{"iss", "hook-server"}, {"aud", "mediamtx"}, {"sub", "x"}, {"iat", now}, {"exp", now + 600}, {"jti", "j"},
                     {"mediamtx_permissions", {{{"action", "read"}, {"path", "camera_1"}}}}};
    if (patch.is_object()) c.merge_patch(patch);
    return c;
  };
  auto forge = [&](nlohmann::json patch) { return encode_jwt(claims(std::move(patch)), key.key, key.kid); };
  auto other = SigningKey::generate();
  auto none = base64url_encode(R"({"alg":"none","typ":"JWT","kid":")" + key.kid + "\"}") + "." + base64url_encode(claims({}).dump()) + ".";

  const std::vector<Case> cases = {
      {"viewer reads camera 1", viewer, "read", "camera_1", true},
      {"viewer plays back camera 1", viewer, "playback", "camera_1", true},
      {"viewer on camera 2", viewer, "read", "camera_2", false},
      {"viewer publishes", viewer, "publish", "camera_1", false},
      {"viewer on the API", viewer, "api", "", false},
      {"* reads a camera added later", wall, "read", "camera_99", true},
      {"* reads a path that is no camera", wall, "read", "other/path", false},
      {"* plays back", wall, "playback", "camera_1", false},
      {"manage gives MediaMTX nothing", manager, "read", "camera_1", false},
      {"service token on the API", service, "api", "", true},
      {"service token reads", service, "read", "camera_1", false},
      {"forged with our key and good claims", forge({}), "read", "camera_1", true},
      {"expired", forge({{"iat", now - 3600}, {"exp", now - 5}}), "read", "camera_1", false},
      {"not yet valid", forge({{"nbf", now + 3600}}), "read", "camera_1", false},
      {"wrong audience", forge({{"aud", "other"}}), "read", "camera_1", false},
      {"wrong issuer", forge({{"iss", "other"}}), "read", "camera_1", false},
      {"signed by another key under our kid", encode_jwt(claims({}), other, key.kid), "read", "camera_1", false},
      {"signed by another key with its own kid", encode_jwt(claims({}), other, other.thumbprint()), "read", "camera_1", false},
      {"alg none", none, "read", "camera_1", false},
      {"extra field in a permission", forge({{"mediamtx_permissions", {{{"action", "read"}, {"path", "camera_1"}, {"x", 1}}}}}), "read",
       "camera_1", false},
  };
  auto verdicts = verify_all(fx, cases);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name << ": " << verdicts[i].dump());
    CHECK(verdicts[i]["ok"].get<bool>() == cases[i].expect);
  }
  // hook-server's own verification agrees on the tokens it can judge.
  CHECK(issuer.verify(viewer).allows("1", Action::playback));
  auto expired = forge({{"iat", now - 3600}, {"exp", now - 60}, {"hook_server", {{"cameras", {"1"}}, {"actions", {"read"}}}}});
  CHECK_THROWS_WITH(issuer.verify(expired), "token: expired at " + format_rfc3339_ms(TimePoint(std::chrono::seconds{now - 60})));
}

TEST_CASE("the JWKS is served to anyone and holds no private key material", "[access][e2e]") {
  test::ServerFixture fx("access: {mode: jwt}\n");
  fx.start();
  auto res = fx.request("GET", "/.well-known/jwks.json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto jwks = nlohmann::json::parse(res->body);
  REQUIRE(jwks["keys"].size() == 1);
  CHECK(jwks["keys"][0]["kid"] == fx.app().issuer().signing_kid());
  CHECK(jwks["keys"][0].size() == 7);
  CHECK(res->body.find("\"d\"") == std::string::npos);
}
