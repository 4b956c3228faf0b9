// POST /api/tokens on a real server in access.mode jwt: admin only, every bad request a 400 naming
// the field, nothing issued on failure; a good one returns the token, its times and its links.
#include <catch2/catch.hpp>

#include "access/jwt.hpp"
#include "support/server_fixture.hpp"

using namespace hs;

namespace {

constexpr const char* kAdmin = "an-admin-token-for-tests";
const char* kCameras = R"(access: {mode: jwt, max_ttl: 2h}
cameras:
  - {id: "1", source: "rtsp://10.0.0.1/a"}
  - {id: "7", source: "rtsp://10.0.0.7/a"}
)";

httplib::Result post(test::ServerFixture& fx, const std::string& body, const std::string& auth = std::string("Bearer ") + kAdmin) {
  httplib::Headers h;
  if (!auth.empty()) h.emplace("Authorization", auth);
  return fx.request("POST", "/api/tokens", body, h);
}

}  // namespace

TEST_CASE("POST /api/tokens issues a scoped token with ready links", "[api][access]") {
  test::ServerFixture fx(kCameras, "UTC", "", std::string("api_token: ") + kAdmin);
  fx.start();
  auto res = post(fx, R"({"cameras": ["1"], "actions": ["read", "playback"], "ttl": "15m", "subject": "user-42"})");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  auto j = nlohmann::json::parse(res->body);
  CHECK(j["subject"] == "user-42");
  CHECK(j["actions"] == nlohmann::json::parse(R"(["read", "playback"])"));
  auto token = j["token"].get<std::string>();
  auto claims = access::decode_jwt(token).claims;
  CHECK(j["expires_at"] == format_rfc3339_ms(TimePoint(std::chrono::seconds{claims["exp"].get<std::int64_t>()})));
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 900);
  REQUIRE(j["cameras"].size() == 1);
  auto links = j["cameras"]["1"];
  CHECK(links["rtsp"] == "rtsp://127.0.0.1:8554/camera_1?token=" + token);
  CHECK(links["whep"] == "http://127.0.0.1:8889/camera_1/whep");
  CHECK(links["webrtc"] == "http://127.0.0.1:8889/camera_1/");
  CHECK(links["hls"] == "http://127.0.0.1:8888/camera_1/index.m3u8");
  CHECK(links["playback"] == "http://127.0.0.1:9996/list?path=camera_1");
  CHECK(links["snapshot"] == "/api/cameras/1/snapshot.jpg");
  CHECK(links["auth"].get<std::string>().rfind("send \"Authorization: Bearer <token>\"", 0) == 0);
  CHECK(fx.app().issuer().verify(token).allows("1", access::Action::playback));

  auto all = nlohmann::json::parse(post(fx, R"({"cameras": "*", "actions": ["playback"], "subject": "wall"})")->body);
  CHECK(all["cameras"].size() == 2);
  CHECK_FALSE(all["cameras"]["7"].contains("rtsp"));
  CHECK(all["cameras"]["7"]["playback"] == "http://127.0.0.1:9996/list?path=camera_7");
}

TEST_CASE("POST /api/tokens refuses bad requests and callers without the admin token", "[api][access]") {
  test::ServerFixture fx(kCameras, "UTC", "", std::string("api_token: ") + kAdmin);
  fx.start();
  struct Row {
    std::string body, auth;
    int status;
    std::string error;
  };
  const std::string good = R"({"cameras": ["1"], "actions": ["read"], "subject": "u"})";
  const Row rows[] = {
      {good, "", 401, "this endpoint needs \"Authorization: Bearer <admin token>\""},
      {good, "Bearer wrong-token-of-some-length", 401, "Authorization: not the admin token (server.api_token) and not a viewer token"},
      {good, "Bearer " + std::string(5000, 'x'), 401, "Authorization: not the admin token (server.api_token) and not a viewer token"},
      {R"({"cameras": ["1", "2"], "actions": ["read"], "subject": "u"})", "", 400, "cameras: no camera \"2\""},
      {R"({"cameras": ["1"], "actions": ["read"], "ttl": "3h", "subject": "u"})", "", 400, "ttl: at most 2h (access.max_ttl), got \"3h\""},
      {R"({"cameras": ["1"], "actions": ["watch"], "subject": "u"})", "", 400, "actions: expected read, playback, manage or publish, got \"watch\""},
      {"not json", "", 400, ""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.body.substr(0, 80), r.auth.substr(0, 40));
    auto res = r.auth.empty() && r.status == 401 ? post(fx, r.body, "") : r.auth.empty() ? post(fx, r.body) : post(fx, r.body, r.auth);
    REQUIRE(res);
    CHECK(res->status == r.status);
    auto j = nlohmann::json::parse(res->body);
    if (!r.error.empty()) CHECK(j == nlohmann::json{{"error", r.error}});
    else CHECK(j["error"].get<std::string>().rfind("body: not JSON: ", 0) == 0);
  }
}
