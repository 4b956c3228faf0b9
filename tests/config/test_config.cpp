// hook-server.yml: defaults, relative paths, and errors that name file:line:column, key and value.
#include <catch2/catch.hpp>

#include <filesystem>

#include "config/config.hpp"
#include "util/error.hpp"
#include "build_paths.hpp"

using namespace hs;

namespace {
Config parse(const std::string& yaml) { return parse_config(yaml, "/etc/hs/hook-server.yml"); }
}  // namespace

TEST_CASE("an empty config gives the documented defaults", "[config]") {
  Config c = parse("");
  CHECK(c.listen() == "127.0.0.1:9980");
  CHECK(c.data_dir == "/etc/hs/var");
  CHECK(c.mediamtx.working_dir == "/etc/hs/var/mediamtx");
  CHECK(c.recordings_root() == "/etc/hs/var/mediamtx/recordings");
  CHECK(c.mediamtx.path_prefix == "camera_");
  CHECK(c.retention.plans.at("basic") == std::chrono::hours{24 * 7});
  CHECK(c.retention.plans.at("pro") == std::chrono::hours{24 * 15});
  CHECK(c.retention.plans.at("premium") == std::chrono::hours{24 * 30});
  CHECK(c.retention.default_plan == "basic");
  CHECK(c.events_keep == std::chrono::hours{24 * 30});
  CHECK(c.server.ui);
  CHECK_FALSE(parse("server: {ui: false}").server.ui);
  CHECK(c.server.log_format == "text");
  // The hook-server beside the running program: here the test binary's folder.
  CHECK(c.mediamtx.hook_command == (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "hook-server").string());
  CHECK(c.mediamtx.hook_command == default_hook_command());
  CHECK(c.cameras.empty());
  CHECK(parse("server: {log_format: json}").server.log_format == "json");
}

TEST_CASE("the sample config loads", "[config]") {
  Config c = load_config(HOOK_SERVER_SOURCE_DIR "/examples/hook-server.yml");
  REQUIRE(c.cameras.size() == 2);
  CHECK(c.cameras[0].id == "1");
  CHECK(c.cameras[0].plan == "pro");
  CHECK(c.retention_for(&c.cameras[0]) == std::chrono::hours{24 * 15});
  CHECK(c.mediamtx.output.filename() == "mediamtx.yml");
}

TEST_CASE("the sample configs for 1 and 50 cameras load", "[config]") {
  Config one = load_config(HOOK_SERVER_SOURCE_DIR "/examples/hook-server-1-camera.yml");
  REQUIRE(one.cameras.size() == 1);
  CHECK(one.cameras[0].plan == "pro");
  Config fifty = load_config(HOOK_SERVER_SOURCE_DIR "/examples/hook-server-50-cameras.yml");
  REQUIRE(fifty.cameras.size() == 50);
  CHECK(fifty.cameras[49].id == "50");
  CHECK_FALSE(fifty.cameras[9].record);
  CHECK(fifty.cameras[6].rtsp_transport == "udp");
  CHECK(fifty.mediamtx.segment_duration == std::chrono::minutes{15});
}

TEST_CASE("relative paths resolve against the config's folder, record_path against working_dir", "[config]") {
  Config c = parse(R"(
data_dir: data
mediamtx:
  working_dir: ../mtx
  record_path: /srv/rec/%path/%Y-%m-%d_%H-%M-%S-%f
cameras:
  - {id: cam-1, source: "rtsp://u:p@10.0.0.1/s", plan: premium, retention: 3d, record: false}
)");
  CHECK(c.data_dir == "/etc/hs/data");
  CHECK(c.mediamtx.working_dir == "/etc/mtx");
  CHECK(c.recordings_root() == "/srv/rec");
  REQUIRE(c.cameras.size() == 1);
  CHECK(c.cameras[0].name == "cam-1");
  CHECK_FALSE(c.cameras[0].record);
  CHECK(c.retention_for(&c.cameras[0]) == std::chrono::hours{72});
}

TEST_CASE("config errors name file, line, column, key and value", "[config]") {
  struct Row {
    const char* yaml;
    const char* message;
  };
  const Row rows[] = {
      {"retention:\n  plans:\n    pro: fifteen\n",
       "/etc/hs/hook-server.yml:3:10: retention.plans.pro: expected a duration like 15d, 90m or 30s, got \"fifteen\""},
      {"server:\n  listen: localhost\n",
       "/etc/hs/hook-server.yml:2:11: server.listen: expected host:port like 127.0.0.1:9980, got \"localhost\""},
      {"server:\n  lisen: 1.2.3.4:1\n",
       "/etc/hs/hook-server.yml:2:3: server.lisen: unknown key (accepted: listen, api_token, hook_secret, max_body_bytes, threads, ui, cors_origins, log_format)"},
      {"server:\n  ui: maybe\n", "/etc/hs/hook-server.yml:2:7: server.ui: expected true or false, got \"maybe\""},
      {"server:\n  log_format: yaml\n",
       "/etc/hs/hook-server.yml:2:15: server.log_format: expected text or json, got \"yaml\""},
      {"cameras:\n  - id: \"a b\"\n",
       "/etc/hs/hook-server.yml:2:9: cameras[0].id: expected 1-64 characters from [A-Za-z0-9_-], got \"a b\""},
      {"cameras:\n  - id: x\n    plan: gold\n",
       "/etc/hs/hook-server.yml:3:11: cameras[0].plan: no plan named \"gold\" in retention.plans"},
      {"cameras:\n  - id: x\n  - id: x\n",
       "/etc/hs/hook-server.yml:3:9: cameras[1].id: duplicate camera id \"x\""},
      {"cameras:\n  - id: x\n    source: ftp://h/x\n",
       "/etc/hs/hook-server.yml:3:13: cameras[0].source: expected an rtsp://, rtmp://, srt://, http(s):// ... URL or publisher"},
      {"mediamtx:\n  record_path: ./r/%Y\n",
       "/etc/hs/hook-server.yml:2:16: mediamtx.record_path: recordPath \"./r/%Y\" must contain %path"},
      {"mediamtx:\n  timezone: Mars/Base\n",
       "/etc/hs/hook-server.yml:2:13: mediamtx.timezone: unknown time zone \"Mars/Base\""},
      {"mediamtx:\n  version: latest\n",
       "/etc/hs/hook-server.yml:2:12: mediamtx.version: expected a MediaMTX version like 1.20.1, got \"latest\""},
      {"mediamtx:\n  segment_duration: 48h\n",
       "/etc/hs/hook-server.yml:2:21: mediamtx.segment_duration: must be above 0s and at most 24h (MediaMTX's limit), got \"2d\""},
      {"retention:\n  default_plan: gold\n",
       "/etc/hs/hook-server.yml:2:17: retention.default_plan: no plan named \"gold\" in retention.plans"},
      {"retention:\n  disk_min_free: lots\n",
       "/etc/hs/hook-server.yml:2:18: retention.disk_min_free: expected a percentage like 5% or a size like 20G, got \"lots\""},
      {"snapshots:\n  sources: [rtsp, webcam]\n",
       "/etc/hs/hook-server.yml:2:19: snapshots.sources: expected recording, rtsp or hls, got \"webcam\""},
      {"server: [1, 2\n", "/etc/hs/hook-server.yml:2:1: end of sequence flow not found"},
      {"colour: blue\n",
       "/etc/hs/hook-server.yml:1:1: colour: unknown key (accepted: server, data_dir, index, node, mediamtx, retention, snapshots, reconcile_interval, events_keep, access, cameras, webhooks, watchdog)"},
      {"index:\n  url: mysql://u:pw@h/db\n",
       "/etc/hs/hook-server.yml:2:8: index.url: expected a PostgreSQL URL like postgresql://user@host:5432/database, got \"mysql://u:***@h/db\""},
      {"index:\n  password_file: pw\n",
       "/etc/hs/hook-server.yml:2:18: index.password_file: needs index.url (the SQLite index has no password)"},
      {"node:\n  id: \"node a\"\n",
       "/etc/hs/hook-server.yml:2:7: node.id: expected 1 to 64 of A-Z a-z 0-9 _ -, got \"node a\""},
      {"node:\n  url: 10.0.0.2:9980\n",
       "/etc/hs/hook-server.yml:2:8: node.url: expected an http(s):// URL like http://10.0.0.2:9980, got \"10.0.0.2:9980\""},
      {"node:\n  name: a\n", "/etc/hs/hook-server.yml:2:3: node.name: unknown key (accepted: id, url)"},
      {"index:\n  uri: postgresql://h/db\n",
       "/etc/hs/hook-server.yml:2:3: index.uri: unknown key (accepted: url, password_file)"},
      {"access:\n  mode: closed\n", "/etc/hs/hook-server.yml:2:9: access.mode: expected jwt or open, got \"closed\""},
      {"access:\n  modes: jwt\n",
       "/etc/hs/hook-server.yml:2:3: access.modes: unknown key (accepted: mode, issuer, audience, max_ttl, default_ttl, jwks_url)"},
      {"access:\n  max_ttl: 90d\n", "/etc/hs/hook-server.yml:2:12: access.max_ttl: must be from 1m to 30d, got \"90d\""},
      {"access:\n  max_ttl: forever\n", "/etc/hs/hook-server.yml:2:12: access.max_ttl: expected a duration like 15d, 90m or 30s, got \"forever\""},
      {"access:\n  max_ttl: 1h\n  default_ttl: 2h\n",
       "/etc/hs/hook-server.yml:3:16: access.default_ttl: must be from 1s to access.max_ttl (1h), got \"2h\""},
      {"access:\n  issuer: \"my issuer\"\n",
       "/etc/hs/hook-server.yml:2:11: access.issuer: expected 1 to 200 characters without spaces, got \"my issuer\""},
      {"access:\n  audience: \"\"\n", "/etc/hs/hook-server.yml:2:13: access.audience: expected 1 to 200 characters without spaces, got \"\""},
      {"access:\n  jwks_url: ftp://x/jwks\n",
       "/etc/hs/hook-server.yml:2:13: access.jwks_url: expected an http(s):// URL like http://127.0.0.1:9980/.well-known/jwks.json, got \"ftp://x/jwks\""},
      {"server:\n  api_token: short\n",
       "/etc/hs/hook-server.yml:2:14: server.api_token: at least 16 characters in access.mode jwt (or leave it empty: one is generated), got 5 characters"},
      {"server:\n  cors_origins: [\"*\"]\n",
       "/etc/hs/hook-server.yml:2:18: server.cors_origins: expected an exact origin like https://app.example.com (scheme://host[:port], no path, no *), got \"*\""},
      {"server:\n  cors_origins: [https://app.example.com/]\n",
       "/etc/hs/hook-server.yml:2:18: server.cors_origins: expected an exact origin like https://app.example.com (scheme://host[:port], no path, no *), got \"https://app.example.com/\""},
      {"server:\n  cors_origins: https://app.example.com\n",
       "/etc/hs/hook-server.yml:2:17: server.cors_origins: expected a list of origins like [https://app.example.com]"},
      {"events_keep: forever\n",
       "/etc/hs/hook-server.yml:1:14: events_keep: expected a duration like 15d, 90m or 30s, got \"forever\""},
      // webhooks and the watchdog; a secret is never quoted, only its length
      {"webhooks: {url: x}\n", "/etc/hs/hook-server.yml:1:11: webhooks: expected a list of {url, events, secret}"},
      {"webhooks:\n  - {url: ftp://h/x, events: [disk.ok], secret: 0123456789abcdef}\n",
       "/etc/hs/hook-server.yml:2:11: webhooks[0].url: expected an http(s):// URL, got \"ftp://h/x\""},
      {"webhooks:\n  - {events: [disk.ok], secret: 0123456789abcdef}\n",
       "/etc/hs/hook-server.yml:2:5: webhooks[0].url: missing"},
      {"webhooks:\n  - {url: \"http://h/x\", events: [camera.gone], secret: 0123456789abcdef}\n",
       "/etc/hs/hook-server.yml:2:34: webhooks[0].events: unknown event type \"camera.gone\" (known: camera.offline, "
       "camera.online, recording.stalled, recording.resumed, recordings.expiring, recordings.deleted, disk.alert, "
       "disk.ok, or *)"},
      {"webhooks:\n  - {url: \"http://h/x\", events: [], secret: 0123456789abcdef}\n",
       "/etc/hs/hook-server.yml:2:33: webhooks[0].events: expected a non-empty list of event types, like "
       "[camera.offline, recording.stalled] or [\"*\"]"},
      {"webhooks:\n  - {url: \"http://h/x\", events: [disk.ok]}\n",
       "/etc/hs/hook-server.yml:2:5: webhooks[0].secret: missing (at least 16 characters; receivers verify signatures "
       "with it)"},
      {"webhooks:\n  - {url: \"http://h/x\", events: [disk.ok], secret: hunter2}\n",
       "/etc/hs/hook-server.yml:2:52: webhooks[0].secret: at least 16 characters, got 7 characters"},
      {"webhooks:\n  - {url: \"http://h/x\", events: [disk.ok], secret: 0123456789abcdef, retries: 3}\n",
       "/etc/hs/hook-server.yml:2:70: webhooks[0].retries: unknown key (accepted: url, events, secret)"},
      {"retention: {notify_webhooks: [\"http://h/x\"]}\n"
       "webhooks:\n  - {url: \"http://h/x\", events: [disk.ok], secret: 0123456789abcdef}\n",
       "/etc/hs/hook-server.yml:3:11: webhooks[0].url: \"http://h/x\" is already a webhook (in webhooks or "
       "retention.notify_webhooks): list each URL once"},
      {"watchdog: {grace: 1s}\n", "/etc/hs/hook-server.yml:1:19: watchdog.grace: must be from 5s to 24h, got \"1s\""},
      {"watchdog: {grace: soon}\n",
       "/etc/hs/hook-server.yml:1:19: watchdog.grace: expected a duration like 15d, 90m or 30s, got \"soon\""},
      {"watchdog: {patience: 30s}\n",
       "/etc/hs/hook-server.yml:1:12: watchdog.patience: unknown key (accepted: grace)"},
      // Keys that are not names (found by the config fuzz target: yaml-cpp's bad conversion escaped
      // parse_config; tests/fuzz/regressions/config/).
      {"server:\n  [listen]: 1\n",
       "/etc/hs/hook-server.yml:2:3: server: expected a key name, got a list, a mapping or an empty key"},
      {"{a: 1}: 2\n", "/etc/hs/hook-server.yml:1:1: (top level): expected a key name, got a list, a mapping or an empty key"},
      {"retention:\n  plans:\n    [pro]: 15d\n",
       "/etc/hs/hook-server.yml:3:5: retention.plans: expected a key name, got a list, a mapping or an empty key"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.yaml);
    REQUIRE_THROWS_WITH(parse(r.yaml), r.message);
  }
}

TEST_CASE("index.url selects PostgreSQL, without it the index is SQLite in data_dir", "[config]") {
  Config sqlite = parse("data_dir: /var/lib/hs\n");
  CHECK(sqlite.index.url.empty());
  Config pg = parse("index:\n  url: postgresql://hs@db.example:5432/hooks?sslmode=require\n  password_file: secrets/pg\n");
  CHECK(pg.index.url == "postgresql://hs@db.example:5432/hooks?sslmode=require");
  CHECK(pg.index.password_file == std::filesystem::path("/etc/hs/secrets/pg"));
}

TEST_CASE("node: one node by default; an id and a public URL read back", "[config]") {
  Config one = parse("server:\n  listen: 0.0.0.0:9990\n");
  CHECK(one.node.id == "local");
  CHECK(one.node_url() == "http://127.0.0.1:9990");
  Config b = parse("node:\n  id: site-2_b\n  url: https://cams-b.example.com/\n");
  CHECK(b.node.id == "site-2_b");
  CHECK(b.node_url() == "https://cams-b.example.com");
}

TEST_CASE("access defaults to jwt with a derived JWKS URL, open mode and the other keys read back", "[config]") {
  Config c = parse("server: {listen: 0.0.0.0:9981}");
  CHECK(c.access.jwt());
  CHECK(c.access.issuer == "hook-server");
  CHECK(c.access.audience == "mediamtx");
  CHECK(c.access.max_ttl == std::chrono::hours{24});
  CHECK(c.access.default_ttl == std::chrono::minutes{15});
  CHECK(c.jwks_url() == "http://127.0.0.1:9981/.well-known/jwks.json");
  CHECK(c.server.cors_origins.empty());
  Config o = parse(R"(
server: {api_token: tok, cors_origins: ["https://app.example.com", "http://localhost:3000"]}
access: {mode: open, issuer: https://cams.example.com, audience: cams, max_ttl: 7d, default_ttl: 1h,
         jwks_url: "https://cams.example.com/.well-known/jwks.json"}
)");
  CHECK_FALSE(o.access.jwt());
  CHECK(o.server.api_token == "tok");  // short tokens are the lab's business in open mode
  CHECK(o.server.cors_origins == std::vector<std::string>{"https://app.example.com", "http://localhost:3000"});
  CHECK(o.access.max_ttl == std::chrono::hours{24 * 7});
  CHECK(o.jwks_url() == "https://cams.example.com/.well-known/jwks.json");
}

TEST_CASE("a missing config file is a clear error", "[config]") {
  REQUIRE_THROWS_WITH(load_config("/nonexistent/hook-server.yml"),
                      "/nonexistent/hook-server.yml: cannot read: No such file or directory");
}

TEST_CASE("disk floors read percentages and sizes", "[config]") {
  CHECK(parse("retention: {disk_min_free: 5%}").retention.disk_min_free.percent == 5);
  auto f = parse("retention: {disk_min_free: 20G}").retention.disk_min_free;
  CHECK(f.bytes == 20'000'000'000ULL);
  CHECK(f.percent == 0);
}

TEST_CASE("webhooks and the watchdog read back", "[config]") {
  Config c = parse(R"(
retention: {notify_webhooks: ["http://127.0.0.1:7000/old"]}
webhooks:
  - url: https://alerts.example.com/hook
    events: [camera.offline, recording.stalled]
    secret: 0123456789abcdef
  - {url: "http://127.0.0.1:7001/all", events: ["*"], secret: "a secret of 22 chars.."}
watchdog: {grace: 45s}
)");
  REQUIRE(c.webhooks.size() == 2);
  CHECK(c.webhooks[0].url == "https://alerts.example.com/hook");
  CHECK(c.webhooks[0].events == std::vector<std::string>{"camera.offline", "recording.stalled"});
  CHECK(c.webhooks[0].secret == "0123456789abcdef");
  CHECK(c.webhooks[1].events == std::vector<std::string>{"*"});
  CHECK(c.watchdog.grace == std::chrono::seconds{45});
  CHECK(parse("").watchdog.grace == std::chrono::seconds{30});
  CHECK(parse("").webhooks.empty());
}
