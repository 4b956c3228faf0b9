// Hook names, MTX_* validation and the wire payload.
#include <catch2/catch.hpp>

#include "domain/hook_event.hpp"
#include "hooks/hook_payload.hpp"
#include "util/error.hpp"

using namespace hs;
using json = nlohmann::json;

TEST_CASE("both MediaMTX hook name sets are accepted", "[hooks]") {
  CHECK(parse_hook_kind("ready") == HookKind::available);
  CHECK(parse_hook_kind("available") == HookKind::available);
  CHECK(parse_hook_kind("runOnReady") == HookKind::available);
  CHECK(parse_hook_kind("not-ready") == HookKind::unavailable);
  CHECK(parse_hook_kind("unavailable") == HookKind::unavailable);
  CHECK(parse_hook_kind("runOnNotReady") == HookKind::unavailable);
  CHECK(parse_hook_kind("segment-create") == HookKind::segment_create);
  CHECK(parse_hook_kind("runOnRecordSegmentComplete") == HookKind::segment_complete);
  CHECK(parse_hook_kind("online") == HookKind::online);
  CHECK_FALSE(parse_hook_kind("segment_complete"));
}

TEST_CASE("only hook variables are forwarded, never MediaMTX's MTX_* config overrides", "[hooks]") {
  CHECK(is_forwarded_variable("MTX_PATH"));
  CHECK(is_forwarded_variable("MTX_SEGMENT_DURATION"));
  CHECK(is_forwarded_variable("G1"));
  CHECK(is_forwarded_variable("G12"));
  CHECK_FALSE(is_forwarded_variable("G0"));
  CHECK_FALSE(is_forwarded_variable("MTX_PATHS_CAM1_SOURCE"));
  CHECK_FALSE(is_forwarded_variable("MTX_AUTHINTERNALUSERS_0_PASS"));
  CHECK_FALSE(is_forwarded_variable("HOME"));
}

TEST_CASE("hook events are validated with messages naming the variable", "[hooks]") {
  TimePoint t{};
  using Vars = std::map<std::string, std::string>;
  auto e = make_hook_event(HookKind::segment_complete,
                           Vars{{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", "./r/x.mp4"}, {"MTX_SEGMENT_DURATION", "3600.016"}},
                           t, "/var/lib/mediamtx");
  CHECK(e.segment_duration == Micros{3'600'016'000});
  CHECK(e.cwd == "/var/lib/mediamtx");

  struct Row {
    HookKind kind;
    Vars vars;
    const char* message;
  };
  const Row rows[] = {
      {HookKind::available, {}, "MTX_PATH: missing (is this hook run by MediaMTX?)"},
      {HookKind::available, {{"MTX_PATH", "../etc"}}, "MTX_PATH: not a MediaMTX path name: \"../etc\""},
      {HookKind::segment_create, {{"MTX_PATH", "c"}}, "MTX_SEGMENT_PATH: missing for a segment event"},
      {HookKind::segment_complete, {{"MTX_PATH", "c"}, {"MTX_SEGMENT_PATH", "x.mp4"}},
       "MTX_SEGMENT_DURATION: missing for segment-complete"},
      {HookKind::segment_complete, {{"MTX_PATH", "c"}, {"MTX_SEGMENT_PATH", "x.mp4"}, {"MTX_SEGMENT_DURATION", "1h"}},
       "MTX_SEGMENT_DURATION: expected seconds like 3600.016, got \"1h\""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.message);
    REQUIRE_THROWS_WITH(make_hook_event(r.kind, r.vars, t, ""), r.message);
  }
}

TEST_CASE("hook payloads round-trip and reject anything unexpected", "[hooks]") {
  TimePoint t{Micros{1736935200123456}};
  auto p = make_hook_payload(HookKind::segment_create, {{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", "./a.mp4"}}, t, "/w");
  auto e = parse_hook_payload(p, HookKind::segment_create, t);
  CHECK(e.time == t);
  CHECK(e.segment_path == "./a.mp4");
  CHECK(parse_hook_payload(p, std::nullopt, t).kind == HookKind::segment_create);
  // A day ahead of the server's clock is the limit (clocks of two hosts); a spooled event may be old.
  CHECK(parse_hook_payload(p, std::nullopt, t - std::chrono::hours{24}).time == t);
  CHECK(parse_hook_payload(p, std::nullopt, t + std::chrono::hours{24 * 30}).time == t);

  struct Row {
    json body;
    const char* message;
  };
  const Row rows[] = {
      {json::array(), "body: expected a JSON object"},
      {json{{"vars", json::object()}, {"extra", 1}}, "body: unknown field \"extra\""},
      {json{{"event", "segment-complete"}, {"vars", json::object()}},
       "event: \"segment-complete\" does not match the URL's \"segment-create\""},
      {json{{"event", "explode"}, {"vars", json::object()}}, "event: unknown hook event \"explode\""},
      {json{{"time_us", "soon"}, {"vars", json::object()}}, "time_us: expected an integer, got \"soon\""},
      {json{{"vars", json{{"MTX_PATH", 5}}}}, "vars.MTX_PATH: expected a string, got 5"},
      {json{{"vars", json{{"MTX_PATHS_CAM1_SOURCE", "rtsp://a:b@c"}}}}, "vars: unknown variable \"MTX_PATHS_CAM1_SOURCE\""},
      {json{{"cwd", "/"}}, "vars: expected an object of MTX_* variables"},
      {json{{"time_us", 1.5}, {"vars", json::object()}}, "time_us: expected an integer, got 1.5"},
      {json{{"time_us", -1}, {"vars", json::object()}}, "time_us: -1 is before 1970 or after now + 1 day (1737021600123456)"},
      {json{{"time_us", 1737021600123457}, {"vars", json::object()}},
       "time_us: 1737021600123457 is before 1970 or after now + 1 day (1737021600123456)"},
      {json{{"time_us", 253402300799000000}, {"vars", json::object()}},
       "time_us: 253402300799000000 is before 1970 or after now + 1 day (1737021600123456)"},
      {json{{"time_us", 18446744073709551615ULL}, {"vars", json::object()}},
       "time_us: 18446744073709551615 is before 1970 or after now + 1 day (1737021600123456)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.body.dump());
    REQUIRE_THROWS_WITH(parse_hook_payload(r.body, HookKind::segment_create, t), r.message);
  }
}
