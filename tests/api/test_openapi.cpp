// docs/openapi.yaml against the route table: the same (method, path) pairs, and each operation's
// x-access equal to its row's need and action. Paths and patterns are compared as one template:
// the document's "{name}" and the table's "([^/]+)" both become "{}", the table's "\." becomes "."
// (a plain "." is kept: "/.well-known/jwks.json"); any other regex syntax in a pattern is an error,
// so a new kind of pattern must be taught here. Validation against the OpenAPI 3.1 schema is
// examples/web/test/openapi.test.mjs.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "access/grant.hpp"
#include "api/route_table.hpp"
#include "build_paths.hpp"

using namespace hs;

namespace {

const char* const kDoc = HOOK_SERVER_SOURCE_DIR "/docs/openapi.yaml";

// Both sides as one template: the document's "{name}" and the table's "([^/]+)" become "{}", the
// table's "\." becomes ".". Any other regex syntax in a pattern throws, so a new kind of pattern is
// noticed here rather than compared wrongly.
std::string from_doc_path(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      auto close = path.find('}', i);
      if (close == std::string_view::npos) throw std::runtime_error(fmt::format("unclosed {{ in path {}", path));
      out += "{}";
      i = close;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string from_table_pattern(std::string_view pattern) {
  constexpr std::string_view kParam = "([^/]+)";
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.substr(i, kParam.size()) == kParam) {
      out += "{}";
      i += kParam.size() - 1;
    } else if (pattern.substr(i, 2) == "\\.") {
      out += '.';
      ++i;
    } else if (std::string_view("()[]{}*+?|^$\\").find(pattern[i]) != std::string_view::npos) {
      throw std::runtime_error(fmt::format("route pattern {}: no OpenAPI template for it", pattern));
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "METHOD template" -> the operation's x-access (a null node when it has none).
std::map<std::string, YAML::Node> doc_operations(const YAML::Node& doc) {
  static const std::vector<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::map<std::string, YAML::Node> ops;
  for (const auto& path : doc["paths"]) {
    auto templ = from_doc_path(path.first.as<std::string>());
    for (const auto& item : path.second) {
      auto key = item.first.as<std::string>();
      if (std::find(kMethods.begin(), kMethods.end(), key) == kMethods.end()) continue;
      const YAML::Node op = item.second;
      ops[upper(key) + " " + templ] = op["x-access"];
    }
  }
  return ops;
}

// Every difference between the document and the table, one message each; empty when they agree.
std::vector<std::string> mismatches(const YAML::Node& doc, const std::vector<Route>& routes) {
  std::vector<std::string> out;
  auto ops = doc_operations(doc);
  std::map<std::string, const Route*> table;
  for (const auto& r : routes) table[fmt::format("{} {}", r.method, from_table_pattern(r.pattern))] = &r;
  for (const auto& [key, access] : ops)
    if (!table.count(key)) out.push_back(fmt::format("{}: in docs/openapi.yaml, not in api_routes()", key));
  for (const auto& [key, route] : table) {
    auto it = ops.find(key);
    if (it == ops.end()) {
      out.push_back(fmt::format("{}: in api_routes(), not in docs/openapi.yaml", key));
      continue;
    }
    const YAML::Node& access = it->second;
    if (!access || !access.IsMap()) {
      out.push_back(fmt::format("{}: no x-access", key));
      continue;
    }
    auto need = access["need"] ? access["need"].as<std::string>() : std::string("(none)");
    if (need != need_name(route->need))
      out.push_back(fmt::format("{}: x-access need is {}, the table says {}", key, need, need_name(route->need)));
    auto action = access["action"] ? access["action"].as<std::string>() : std::string("(none)");
    auto want = route->action ? std::string(access::action_name(*route->action)) : std::string("(none)");
    if (action != want) out.push_back(fmt::format("{}: x-access action is {}, the table says {}", key, action, want));
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("OpenAPI paths and route patterns meet as one template", "[openapi]") {
  struct Case {
    const char* path;
    const char* pattern;
    const char* templ;
  };
  const Case cases[] = {
      {"/api/cameras", "/api/cameras", "/api/cameras"},
      {"/api/cameras/{id}", R"(/api/cameras/([^/]+))", "/api/cameras/{}"},
      {"/api/cameras/{id}/snapshot.jpg", R"(/api/cameras/([^/]+)/snapshot\.jpg)", "/api/cameras/{}/snapshot.jpg"},
      {"/.well-known/jwks.json", "/.well-known/jwks.json", "/.well-known/jwks.json"},
      {"/hooks/{event}", R"(/hooks/([^/]+))", "/hooks/{}"},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    CHECK(from_doc_path(c.path) == c.templ);
    CHECK(from_table_pattern(c.pattern) == c.templ);
  }
  CHECK_THROWS_WITH(from_table_pattern(R"(/api/x/(\d+))"), R"(route pattern /api/x/(\d+): no OpenAPI template for it)");
}

TEST_CASE("docs/openapi.yaml describes exactly the routes of api_routes(), with their access", "[openapi]") {
  auto doc = YAML::LoadFile(kDoc);
  REQUIRE(doc["openapi"].as<std::string>() == "3.1.0");
  auto diff = mismatches(doc, api_routes());
  INFO(joined(diff));
  CHECK(diff.empty());
}

TEST_CASE("the comparison finds a route on one side only and a wrong x-access", "[openapi]") {
  auto doc = YAML::LoadFile(kDoc);
  std::vector<Route> routes = api_routes();
  // What each change adds to the differences there are now (none once the two agree), so this
  // checks the comparison even while the test above fails.
  const auto before = mismatches(doc, routes);
  auto added = [&] {
    std::vector<std::string> out;
    for (const auto& m : mismatches(doc, routes))
      if (std::find(before.begin(), before.end(), m) == before.end()) out.push_back(m);
    return out;
  };

  SECTION("a route in the document only") {
    doc["paths"]["/api/cameras/{id}/extra"]["get"]["x-access"]["need"] = "admin";
    CHECK(added() ==
          std::vector<std::string>{"GET /api/cameras/{}/extra: in docs/openapi.yaml, not in api_routes()"});
  }
  SECTION("a route in the table only") {
    routes.push_back({"PUT", "/api/extra", Need::admin, {}, false, nullptr, "not documented"});
    CHECK(added() == std::vector<std::string>{"PUT /api/extra: in api_routes(), not in docs/openapi.yaml"});
  }
  SECTION("a method of a documented path missing from the table") {
    auto it = std::find_if(routes.begin(), routes.end(),
                           [](const Route& r) { return r.method == "DELETE" && r.pattern == R"(/api/clips/([^/]+))"; });
    REQUIRE(it != routes.end());
    routes.erase(it);
    CHECK(added() ==
          std::vector<std::string>{"DELETE /api/clips/{}: in docs/openapi.yaml, not in api_routes()"});
  }
  SECTION("x-access differs from the row") {
    doc["paths"]["/api/clips/{id}"]["delete"]["x-access"]["action"] = "playback";
    doc["paths"]["/api/audit"]["get"]["x-access"]["need"] = "viewer";
    CHECK(added() ==
          std::vector<std::string>{
              "DELETE /api/clips/{}: x-access action is playback, the table says manage",
              "GET /api/audit: x-access need is viewer, the table says admin",
          });
  }
  SECTION("an operation without x-access") {
    doc["paths"]["/api/tokens"]["post"]["x-access"] = YAML::Node();
    CHECK(added() == std::vector<std::string>{"POST /api/tokens: no x-access"});
  }
}
