// CORS on a real server: listed origins get their preflight and their answers; others never see an
// Access-Control-Allow-Origin, and no credentials are ever allowed.
#include <catch2/catch.hpp>

#include "support/server_fixture.hpp"

using namespace hs;

TEST_CASE("a listed origin gets its preflight answered and its responses readable", "[api][cors]") {
  test::ServerFixture fx("", "UTC", "", "cors_origins: [\"https://app.example.com\"]");
  fx.start();
  auto pre = fx.request("OPTIONS", "/api/cameras", "",
                        {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "GET"},
                         {"Access-Control-Request-Headers", "authorization"}});
  REQUIRE(pre);
  CHECK(pre->status == 204);
  CHECK(pre->get_header_value("Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(pre->get_header_value("Access-Control-Allow-Methods") == "GET, POST, PATCH, DELETE");
  CHECK(pre->get_header_value("Access-Control-Allow-Headers") == "Authorization, Content-Type, If-None-Match");
  CHECK(pre->get_header_value("Vary") == "Origin");
  CHECK_FALSE(pre->has_header("Access-Control-Allow-Credentials"));

  auto get = fx.request("GET", "/api/cameras", "", {{"Origin", "https://app.example.com"}});
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK(get->get_header_value("Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(get->get_header_value("Vary") == "Origin");
  CHECK_FALSE(get->has_header("Access-Control-Allow-Credentials"));

  auto missing = fx.request("GET", "/api/nothing-here", "", {{"Origin", "https://app.example.com"}});
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("Access-Control-Allow-Origin") == "https://app.example.com");
}

TEST_CASE("an origin not listed is refused its preflight and never reflected", "[api][cors]") {
  test::ServerFixture fx("", "UTC", "", "cors_origins: [\"https://app.example.com\"]");
  fx.start();
  for (const char* origin : {"https://evil.example.com", "https://app.example.com.evil.net", "http://app.example.com", "null"}) {
    CAPTURE(origin);
    auto pre = fx.request("OPTIONS", "/api/cameras", "", {{"Origin", origin}, {"Access-Control-Request-Method", "DELETE"}});
    REQUIRE(pre);
    CHECK(pre->status == 403);
    CHECK(pre->body == nlohmann::json{{"error", std::string("origin \"") + origin + "\" is not in server.cors_origins"}}.dump());
    CHECK_FALSE(pre->has_header("Access-Control-Allow-Origin"));
    auto get = fx.request("GET", "/api/cameras", "", {{"Origin", origin}});
    REQUIRE(get);
    CHECK_FALSE(get->has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(get->has_header("Access-Control-Allow-Credentials"));
  }
}

TEST_CASE("without cors_origins no origin is allowed", "[api][cors]") {
  test::ServerFixture fx;
  fx.start();
  auto pre = fx.request("OPTIONS", "/api/cameras", "", {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"}});
  REQUIRE(pre);
  CHECK(pre->status == 403);
  auto get = fx.request("GET", "/api/health", "", {{"Origin", "http://localhost:3000"}});
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK_FALSE(get->has_header("Access-Control-Allow-Origin"));
}
