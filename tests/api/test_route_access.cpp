// Every route's access rule on a real server in access.mode jwt, as a table: route × caller (admin,
// a viewer on its own camera, the same viewer on another camera, nobody). The table must name every
// route of api_routes(), so a route added without a row fails here. Plus what lists show a viewer,
// what health tells nobody, and bad tokens of every kind: a clear 4xx, nothing changed.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <set>

#include "access/jwt.hpp"
#include "access/key_store.hpp"
#include "access/signing_key.hpp"
#include "api/route_table.hpp"
#include "domain/record_path.hpp"
#include "support/server_fixture.hpp"
#include "util/base64url.hpp"

using namespace hs;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAdmin = "an-admin-token-for-tests";
const char* kCameras = R"(access: {mode: jwt}
cameras:
  - {id: "1", source: "rtsp://127.0.0.1:1/a"}
  - {id: "2", source: "rtsp://127.0.0.1:1/b"}
)";

// Any status but the access check's answers (401, 403, and 404 "camera ... not found"): the
// request reached its handler.
constexpr int kPassed = -1;

httplib::Headers bearer(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}

// Segments start three hours ago, a minute apart; clips cover the first one.
TimePoint base_time() {
  auto now = std::chrono::time_point_cast<std::chrono::minutes>(ServerApp::system_clock().now());
  return TimePoint(now) - std::chrono::hours{3};
}

std::string clip_body(int seconds = 30) {
  auto from = base_time();
  return fmt::format(R"({{"from": "{}", "to": "{}", "label": "x"}})", format_rfc3339_ms(from),
                     format_rfc3339_ms(from + std::chrono::seconds{seconds}));
}

struct Server {
  test::ServerFixture fx{kCameras, "UTC", "", "api_token: an-admin-token-for-tests"};
  int minute = 0;

  Server() { fx.start(); }

  json call(const std::string& method, const std::string& path, const std::string& token, const std::string& body = "",
            int expect = 200) {
    auto res = fx.request(method, path, body, bearer(token));
    REQUIRE(res);
    INFO(method << " " << path << " -> " << res->status << " " << res->body.substr(0, 300));
    REQUIRE(res->status == expect);
    return res->body.empty() || res->get_header_value("Content-Type") != "application/json" ? json() : json::parse(res->body);
  }

  // A completed one-minute segment of camera `id`, file included; returns its id.
  std::int64_t segment(const std::string& id) {
    RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
    std::string rel = rp.encode("camera_" + id, base_time() + std::chrono::minutes{minute++});
    fs::create_directories((fx.recordings() / rel).parent_path());
    std::ofstream(fx.recordings() / rel) << "data";
    json vars{{"MTX_PATH", "camera_" + id}, {"MTX_SEGMENT_PATH", "./recordings/" + rel}, {"MTX_SEGMENT_DURATION", "60"}};
    return call("POST", "/hooks/segment-complete", "", json{{"vars", vars}}.dump())["segment_id"].get<std::int64_t>();
  }

  std::int64_t clip(const std::string& id) {
    return call("POST", "/api/cameras/" + id + "/clips", kAdmin, clip_body(), 201)["id"].get<std::int64_t>();
  }

  std::string token(const std::string& request) { return call("POST", "/api/tokens", kAdmin, request, 201)["token"]; }

  std::size_t clips() { return call("GET", "/api/clips", kAdmin)["clips"].size(); }
};

// One route, asked by each caller. `own` is the request on the viewer's camera (1), `other` the same
// request on camera 2; both are functions because some requests consume what they name.
struct Row {
  std::string method, pattern;
  std::function<std::string(Server&)> own, other;
  std::string body;
  int admin, viewer_own, viewer_other, nobody;
};

}  // namespace

TEST_CASE("every route admits exactly the callers its table row declares", "[api][access]") {
  Server s;
  auto seg1 = s.segment("1"), seg2 = s.segment("2");
  auto clip1 = s.clip("1"), clip2 = s.clip("2");
  auto viewer = s.token(R"({"cameras": ["1"], "actions": ["read", "playback", "manage"], "subject": "user-42"})");
  auto fixed = [](std::string p) { return [p](Server&) { return p; }; };
  auto new_segment = [](std::string cam) { return [cam](Server& sv) { return fmt::format("/api/recordings/{}", sv.segment(cam)); }; };
  auto new_clip = [](std::string cam) { return [cam](Server& sv) { return fmt::format("/api/clips/{}", sv.clip(cam)); }; };
  auto stream = [](Server& sv) {
    auto res = sv.fx.request("POST", "/api/streams", R"({"camera_id": "9", "stream_url": "rtsp://127.0.0.1:1/c"})", bearer(kAdmin));
    REQUIRE(res);
    REQUIRE((res->status == 200 || res->status == 201));
    return std::string("/api/streams/9");
  };

  const std::vector<Row> rows = {
      {"GET", "/.well-known/jwks.json", fixed("/.well-known/jwks.json"), fixed("/.well-known/jwks.json"), "", 200, 200, 200, 200},
      {"POST", R"(/hooks/([^/]+))", fixed("/hooks/ready"), fixed("/hooks/ready"), R"({"vars": {"MTX_PATH": "camera_1"}})", 200, 200, 200, 200},
      {"GET", "/api/health", fixed("/api/health"), fixed("/api/health"), "", 200, 200, 200, 200},
      {"GET", "/api/cameras", fixed("/api/cameras"), fixed("/api/cameras"), "", 200, 200, 200, 401},
      {"GET", R"(/api/cameras/([^/]+))", fixed("/api/cameras/1"), fixed("/api/cameras/2"), "", 200, 200, 404, 401},
      {"PATCH", R"(/api/cameras/([^/]+))", fixed("/api/cameras/1"), fixed("/api/cameras/2"), R"({"name": "Front"})", 409, 403, 403, 401},
      {"GET", R"(/api/cameras/([^/]+)/snapshot\.jpg)", fixed("/api/cameras/1/snapshot.jpg"), fixed("/api/cameras/2/snapshot.jpg"), "",
       kPassed, kPassed, 404, 401},
      {"GET", R"(/api/cameras/([^/]+)/recordings)", fixed("/api/cameras/1/recordings"), fixed("/api/cameras/2/recordings"), "", 200, 200, 404, 401},
      {"POST", R"(/api/cameras/([^/]+)/clips)", fixed("/api/cameras/1/clips"), fixed("/api/cameras/2/clips"), clip_body(10), 201, 201, 404, 401},
      {"GET", "/api/recordings/expiring", fixed("/api/recordings/expiring"), fixed("/api/recordings/expiring"), "", 200, 200, 200, 401},
      {"GET", R"(/api/recordings/([^/]+))", fixed(fmt::format("/api/recordings/{}", seg1)), fixed(fmt::format("/api/recordings/{}", seg2)), "",
       200, 200, 404, 401},
      {"PATCH", R"(/api/recordings/([^/]+))", fixed(fmt::format("/api/recordings/{}", seg1)), fixed(fmt::format("/api/recordings/{}", seg2)),
       R"({"permanent": false})", 200, 200, 404, 401},
      {"DELETE", R"(/api/recordings/([^/]+))", new_segment("1"), new_segment("2"), "", 200, 403, 403, 401},
      {"GET", "/api/clips", fixed("/api/clips"), fixed("/api/clips"), "", 200, 200, 200, 401},
      {"GET", R"(/api/clips/([^/]+))", fixed(fmt::format("/api/clips/{}", clip1)), fixed(fmt::format("/api/clips/{}", clip2)), "", 200, 200, 404, 401},
      {"DELETE", R"(/api/clips/([^/]+))", new_clip("1"), new_clip("2"), "", 200, 200, 404, 401},
      {"GET", "/api/retention/preview", fixed("/api/retention/preview"), fixed("/api/retention/preview"), "", 200, 403, 403, 401},
      {"GET", "/api/audit", fixed("/api/audit"), fixed("/api/audit"), "", 200, 403, 403, 401},
      {"GET", "/api/notifications", fixed("/api/notifications"), fixed("/api/notifications"), "", 200, 403, 403, 401},
      {"GET", "/api/events", fixed("/api/events"), fixed("/api/events"), "", 200, 403, 403, 401},
      {"POST", "/api/streams", fixed("/api/streams"), fixed("/api/streams"), R"({"camera_id": "8", "stream_url": "rtsp://127.0.0.1:1/d"})",
       201, 403, 403, 401},
      {"DELETE", R"(/api/streams/([^/]+))", stream, stream, "", 200, 403, 403, 401},
      {"POST", "/api/tokens", fixed("/api/tokens"), fixed("/api/tokens"), R"({"cameras": ["1"], "actions": ["read"], "subject": "u"})", 201, 403,
       403, 401},
  };

  // The table above names every route the server has, and no other.
  std::set<std::string> declared, tested;
  for (const auto& r : api_routes()) declared.insert(fmt::format("{} {}", r.method, r.pattern));
  for (const auto& r : rows) tested.insert(r.method + " " + r.pattern);
  CHECK(declared == tested);

  for (const auto& row : rows) {
    const auto* route = [&]() -> const Route* {
      for (const auto& r : api_routes())
        if (r.method == row.method && r.pattern == row.pattern) return &r;
      return nullptr;
    }();
    REQUIRE(route);
    // The expectations follow from the declaration: nobody is refused unless the route is open,
    // a viewer is refused an admin route.
    CHECK((row.nobody == 401) == (route->need == Need::viewer || route->need == Need::admin));
    CHECK((row.viewer_own == 403) == (route->need == Need::admin));

    // Least privileged first, so a request that consumes its target (DELETE) does so last.
    struct Ask {
      const char* who;
      std::string token;
      bool own;
      int expect;
    };
    const Ask asks[] = {{"nobody", "", true, row.nobody},
                        {"viewer on camera 2", viewer, false, row.viewer_other},
                        {"viewer on camera 1", viewer, true, row.viewer_own},
                        {"admin", kAdmin, true, row.admin}};
    for (const auto& ask : asks) {
      auto path = ask.own ? row.own(s) : row.other(s);
      auto res = s.fx.request(row.method, path, row.body, bearer(ask.token));
      REQUIRE(res);
      INFO(ask.who << ": " << row.method << " " << path << " -> " << res->status << " " << res->body.substr(0, 200));
      if (ask.expect == kPassed) {
        CHECK((res->status != 401 && res->status != 403));
        if (res->status == 404) CHECK(json::parse(res->body)["error"].get<std::string>().find("\" not found") == std::string::npos);
      }
      else CHECK(res->status == ask.expect);
      if (res->status >= 400) {
        CHECK(res->get_header_value("Content-Type") == "application/json");
        CHECK(json::parse(res->body).contains("error"));
      }
      if (res->status == 401) CHECK(res->get_header_value("WWW-Authenticate") == "Bearer");
    }
  }
}

TEST_CASE("a viewer's lists hold only its cameras, and nobody learns only the health status", "[api][access]") {
  Server s;
  s.segment("1");
  s.segment("2");
  s.clip("1");
  s.clip("2");
  s.segment("1");  // in no clip: it expires
  auto viewer = s.token(R"({"cameras": ["1"], "actions": ["playback"], "subject": "user-42"})");
  auto reader = s.token(R"({"cameras": ["2"], "actions": ["read"], "subject": "wall"})");

  auto cams = s.call("GET", "/api/cameras", viewer)["cameras"];
  REQUIRE(cams.size() == 1);
  CHECK(cams[0]["id"] == "1");
  CHECK(s.call("GET", "/api/cameras", kAdmin)["cameras"].size() == 2);

  auto clips = s.call("GET", "/api/clips", viewer)["clips"];
  REQUIRE(clips.size() == 1);
  CHECK(clips[0]["camera_id"] == "1");
  s.call("GET", "/api/clips?camera=2", viewer, "", 404);

  auto expiring = s.call("GET", "/api/recordings/expiring?within=10000d", viewer)["recordings"];
  REQUIRE(expiring.size() == 1);
  CHECK(expiring[0]["camera_id"] == "1");
  s.call("GET", "/api/recordings/expiring?camera=2", viewer, "", 404);

  // read without playback: the camera is listed, its snapshot allowed, its recordings not.
  CHECK(s.call("GET", "/api/cameras", reader)["cameras"].size() == 1);
  s.call("GET", "/api/cameras/2/recordings", reader, "", 404);

  // The same message for a camera that does not exist and one that is not granted.
  auto missing = s.call("GET", "/api/cameras/99", viewer, "", 404);
  auto hidden = s.call("GET", "/api/cameras/2", viewer, "", 404);
  CHECK(missing["error"] == "camera \"99\" not found");
  CHECK(hidden["error"] == "camera \"2\" not found");

  CHECK(s.call("GET", "/api/health", "") == json{{"status", "ok"}});
  CHECK(s.call("GET", "/api/health", viewer) == json{{"status", "ok"}});
  CHECK(s.call("GET", "/api/health", kAdmin).contains("schema_version"));
}

TEST_CASE("bad credentials get a 401 naming what is wrong, and change nothing", "[api][access]") {
  Server s;
  auto seg = s.segment("1");
  s.clip("1");
  auto good = s.token(R"({"cameras": ["1"], "actions": ["manage", "playback"], "subject": "u"})");

  // Forged tokens with the server's own key and bad claims, another key, alg none.
  auto ring = access::KeyStore(s.fx.dir() / "var" / "signing-keys.json").load();
  const auto& key = *ring.find(s.fx.app().issuer().signing_kid());
  auto now = std::chrono::duration_cast<std::chrono::seconds>(ServerApp::system_clock().now().time_since_epoch()).count();
  auto claims = [&](json patch) {
    json c{{"iss", "hook-server"}, {"aud", "mediamtx"}, {"sub", "x"}, {"iat", now}, {"exp", now + 600}, {"jti", "j"},
           {"hook_server", {{"cameras", {"1"}}, {"actions", {"manage", "playback"}}}}};
    c.merge_patch(patch);
    return c;
  };
  auto forge = [&](json patch) { return access::encode_jwt(claims(std::move(patch)), key.key, key.kid); };
  auto other = access::SigningKey::generate();
  auto none = base64url_encode(R"({"alg":"none","typ":"JWT","kid":")" + key.kid + "\"}") + "." + base64url_encode(claims(json::object()).dump()) + ".";
  // The forged token with good claims is accepted: the rows below fail for their one bad claim.
  s.call("GET", "/api/cameras/1", forge(json::object()));

  struct Bad {
    std::string name, header, error;
  };
  const std::vector<Bad> bad = {
      {"expired", "Bearer " + forge({{"iat", now - 3600}, {"exp", now - 60}}), "token: expired at"},
      {"not yet valid", "Bearer " + forge({{"nbf", now + 3600}}), "token: not valid before"},
      {"issued in the future", "Bearer " + forge({{"iat", now + 3600}, {"exp", now + 7200}}), "token: not valid before"},
      {"wrong audience", "Bearer " + forge({{"aud", "other"}}), "token: audience \"other\" is not"},
      {"wrong issuer", "Bearer " + forge({{"iss", "other"}}), "token: issuer \"other\" is not"},
      {"another key under our kid", "Bearer " + access::encode_jwt(claims(json::object()), other, key.kid), "token: signature does not verify"},
      {"another key with its own kid", "Bearer " + access::encode_jwt(claims(json::object()), other, other.thumbprint()), "token: unknown key id"},
      {"alg none", "Bearer " + none, "token: alg \"none\" is not accepted (only ES256)"},
      {"garbage", "Bearer a.b.c", "token: not a JWT"},
      {"not a bearer", "Basic dXNlcjpwYXNz", "Authorization: expected \"Bearer <token>\""},
      {"a wrong admin token", "Bearer not-the-admin-token-at-all", "Authorization: not the admin token"},
      {"long and no JWT", "Bearer " + std::string(6000, 'x'), "Authorization: not the admin token"},
  };
  const std::string before = s.call("GET", fmt::format("/api/recordings/{}", seg), kAdmin).dump();
  const auto clips = s.clips();
  for (const auto& b : bad) {
    INFO(b.name);
    for (auto [method, path, body] : {std::tuple<std::string, std::string, std::string>{"PATCH", fmt::format("/api/recordings/{}", seg), R"({"permanent": true})"},
                                      {"POST", "/api/cameras/1/clips", clip_body(10)},
                                      {"GET", "/api/cameras", ""}}) {
      auto res = s.fx.request(method, path, body, {{"Authorization", b.header}});
      REQUIRE(res);
      INFO(method << " " << path << " -> " << res->body);
      CHECK(res->status == 401);
      auto error = json::parse(res->body)["error"].get<std::string>();
      CHECK(error.rfind(b.error, 0) == 0);
    }
  }
  // A header line over cpp-httplib's 8 KiB never reaches a handler: 400, in JSON, saying why.
  auto huge = s.fx.request("GET", "/api/cameras", "", {{"Authorization", "Bearer " + std::string(20000, 'x')}});
  REQUIRE(huge);
  CHECK(huge->status == 400);
  CHECK(json::parse(huge->body)["error"] == "bad request: a malformed request line or header, or one longer than 8192 bytes");

  CHECK(s.call("GET", fmt::format("/api/recordings/{}", seg), kAdmin).dump() == before);
  CHECK(s.clips() == clips);
  // The good token still works: the refusals above were for the tokens, not the requests.
  s.call("PATCH", fmt::format("/api/recordings/{}", seg), good, R"({"permanent": true})");
}

TEST_CASE("POST /api/streams returns tokenised URLs when asked for a viewer token", "[api][access]") {
  Server s;
  auto j = s.call("POST", "/api/streams", kAdmin,
                  R"({"camera_id": "5", "stream_url": "rtsp://127.0.0.1:1/e", "viewer_token": {"actions": ["read"], "ttl": "10m", "subject": "kiosk"}})",
                  201);
  CHECK(j["whep_url"] == "http://127.0.0.1:8889/camera_5/whep");
  auto vt = j["viewer_token"];
  auto token = vt["token"].get<std::string>();
  CHECK(vt["subject"] == "kiosk");
  CHECK(vt["urls"]["rtsp"] == "rtsp://127.0.0.1:8554/camera_5?token=" + token);
  CHECK(vt["urls"]["whep"] == "http://127.0.0.1:8889/camera_5/whep");
  CHECK(s.fx.app().issuer().verify(token).allows("5", access::Action::read));
  CHECK_FALSE(s.fx.app().issuer().verify(token).allows("1", access::Action::read));
  // The token opens the camera in the API too.
  s.call("GET", "/api/cameras/5", token);
  s.call("GET", "/api/cameras/1", token, "", 404);

  // A bad viewer_token changes nothing: no camera 6 afterwards.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"actions": ["read"], "ttl": "48h", "subject": "k"})", "viewer_token.ttl: at most 1d (access.max_ttl), got \"48h\""},
      {R"({"actions": ["read"], "subject": "k", "cameras": ["1"]})", "viewer_token.cameras: not allowed here: the token is for the camera being started"},
      {R"("yes")", "viewer_token: expected an object, got \"yes\""},
  };
  for (const auto& [vt_body, error] : bad) {
    auto res = s.call("POST", "/api/streams", kAdmin,
                      R"({"camera_id": "6", "stream_url": "rtsp://127.0.0.1:1/f", "viewer_token": )" + vt_body + "}", 400);
    CHECK(res["error"] == error);
  }
  s.call("GET", "/api/cameras/6", kAdmin, "", 404);
}
