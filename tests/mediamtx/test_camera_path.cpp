// The per-camera path settings and hook commands: quoting that survives go-shellquote (as MediaMTX
// splits runOn* strings) and the version switch between the two hook name sets.
#include <catch2/catch.hpp>

#include "mediamtx/camera_path.hpp"
#include "mediamtx/gen_fixture.hpp"
#include "support/mediamtx_standin.hpp"
#include "util/error.hpp"

using namespace hs;
using hs::test::mtx::GenFixture;

namespace {

std::string text_of(const std::vector<PathSetting>& settings, const std::string& key) {
  for (const auto& s : settings)
    if (s.key == key) return std::holds_alternative<bool>(s.value) ? (std::get<bool>(s.value) ? "true" : "false")
                                                                   : std::get<std::string>(s.value);
  return "<absent>";
}

}  // namespace

TEST_CASE("shell_quote leaves safe words bare and single-quotes the rest", "[mediamtx]") {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"/usr/local/bin/hook-server", "/usr/local/bin/hook-server"},
      {"segment-complete", "segment-complete"},
      {"a=b,c:d@e%f+g", "a=b,c:d@e%f+g"},
      {"/opt/my dir/hook", "'/opt/my dir/hook'"},
      {"it's", "'it'\\''s'"},
      {"", "''"},
      {"a\"b", "'a\"b'"},
      {"back\\slash", "'back\\slash'"},
      {"tab\there", "'tab\there'"},
      {"~user", "'~user'"},
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(shell_quote(r.in) == r.out);
    CHECK(hs::test::shellquote_split(shell_quote(r.in)) == std::vector<std::string>{r.in});
  }
}

TEST_CASE("uses_legacy_hook_names switches at MediaMTX 1.19.3", "[mediamtx]") {
  CHECK(uses_legacy_hook_names("1.19.2"));
  CHECK(uses_legacy_hook_names("v1.19.2"));
  CHECK(uses_legacy_hook_names("1.15.0"));
  CHECK(uses_legacy_hook_names("0.23.8"));
  CHECK_FALSE(uses_legacy_hook_names("1.19.3"));
  CHECK_FALSE(uses_legacy_hook_names("v1.20.1"));
  CHECK_FALSE(uses_legacy_hook_names("1.21.0"));
  CHECK_FALSE(uses_legacy_hook_names("2.0.0"));
  REQUIRE_THROWS_AS(uses_legacy_hook_names("latest"), ConfigError);
  REQUIRE_THROWS_WITH(uses_legacy_hook_names("latest"),
                      "mediamtx.version: expected a MediaMTX version like 1.20.1, got \"latest\"");
  REQUIRE_THROWS_WITH(uses_legacy_hook_names("1.20"),
                      "mediamtx.version: expected a MediaMTX version like 1.20.1, got \"1.20\"");
}

TEST_CASE("hook commands split into the argv MediaMTX execs, even with spaces and quotes in paths", "[mediamtx]") {
  GenFixture f;
  REQUIRE(f.config_path().find(' ') != std::string::npos);
  REQUIRE(f.config_path().find('\'') != std::string::npos);
  for (const char* event : {"ready", "not-ready", "available", "unavailable", "segment-create", "segment-complete"}) {
    INFO(event);
    auto line = hook_command_line(f.config, event);
    auto argv = hs::test::shellquote_split(line);
    CHECK(argv == std::vector<std::string>{"/opt/hook server/bin/hook-server", "hook", event, "--config", f.config_path()});
    // MediaMTX then expands $NAME in every argument: nothing may change.
    for (const auto& arg : argv)
      CHECK(hs::test::go_expand(arg, [](std::string_view) { return std::optional<std::string>("EXPANDED"); }) == arg);
  }
}

TEST_CASE("hook commands refuse what MediaMTX would expand or cannot locate", "[mediamtx]") {
  GenFixture f;
  f.config.mediamtx.hook_command = "/opt/$HOME/hook-server";
  REQUIRE_THROWS_AS(hook_command_line(f.config, "ready"), ConfigError);
  REQUIRE_THROWS_WITH(hook_command_line(f.config, "ready"),
                      "mediamtx.hook_command: MediaMTX expands $ in hook commands, cannot pass \"/opt/$HOME/hook-server\"");
  GenFixture g;
  g.config.file.clear();
  REQUIRE_THROWS_WITH(hook_command_line(g.config, "ready"),
                      "hook commands need the path of hook-server.yml (--config), and this configuration has none");
}

TEST_CASE("camera_path_settings: managed keys in order, both hook name sets by version", "[mediamtx]") {
  GenFixture f("1.19.2");
  const auto& cam = f.cameras[0];
  auto legacy = camera_path_settings(f.config, cam);
  std::vector<std::string> keys;
  for (const auto& s : legacy) keys.push_back(s.key);
  CHECK(keys == std::vector<std::string>{"source", "rtspTransport", "sourceOnDemand", "record", "recordPath",
                                         "recordFormat", "recordSegmentDuration", "recordPartDuration",
                                         "recordDeleteAfter", "runOnReady", "runOnNotReady",
                                         "runOnRecordSegmentCreate", "runOnRecordSegmentComplete"});
  CHECK(text_of(legacy, "source") == hs::test::mtx::kSecretSource);
  CHECK(text_of(legacy, "rtspTransport") == "tcp");
  CHECK(text_of(legacy, "sourceOnDemand") == "false");
  CHECK(text_of(legacy, "record") == "true");
  CHECK(text_of(legacy, "recordFormat") == "fmp4");
  CHECK(text_of(legacy, "recordSegmentDuration") == "1h");
  CHECK(text_of(legacy, "recordPartDuration") == "1s");
  CHECK(text_of(legacy, "recordDeleteAfter") == "0s");
  CHECK(hs::test::shellquote_split(text_of(legacy, "runOnNotReady"))[2] == "not-ready");

  f.config.mediamtx.version = "1.20.1";
  auto current = camera_path_settings(f.config, cam);
  CHECK(text_of(current, "runOnReady") == "<absent>");
  CHECK(hs::test::shellquote_split(text_of(current, "runOnAvailable"))[2] == "available");
  CHECK(hs::test::shellquote_split(text_of(current, "runOnUnavailable"))[2] == "unavailable");
  for (const auto& s : current) CHECK(is_managed_path_key(s.key));

  auto plain = hs::test::mtx::camera("3", "rtsp://10.0.0.3/s", "");
  CHECK(text_of(camera_path_settings(f.config, plain), "rtspTransport") == "tcp");
}
