#pragma once
// hook-server.yml: what the server, the hook client and the generators read. Loaded once, validated
// whole; every error names file:line:column, the key and the bad value. Relative paths resolve
// against the config file's folder (mediamtx.record_path against mediamtx.working_dir, as MediaMTX
// resolves it against its own working directory).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace hs {

struct CameraConfig {
  std::string id;       // [A-Za-z0-9_-]+; the MediaMTX path is path_prefix + id
  std::string name;
  std::string source;   // may hold credentials: never log or print it unredacted
  std::string plan;     // a key of retention.plans
  std::optional<Micros> retention;  // per-camera override of the plan's retention
  bool record = true;
  std::string rtsp_transport = "tcp";
  bool operator==(const CameraConfig&) const = default;
};

struct StreamUrls {
  std::string rtsp = "rtsp://127.0.0.1:8554";
  std::string hls = "http://127.0.0.1:8888";
  std::string webrtc = "http://127.0.0.1:8889";
  std::string playback = "http://127.0.0.1:9996";
};

struct DiskFloor {
  double percent = 5;             // used when bytes is 0
  std::uint64_t bytes = 0;
  // The floor in bytes on a disk of `total` bytes.
  std::uint64_t bytes_of(std::uint64_t total) const {
    return bytes ? bytes : static_cast<std::uint64_t>(static_cast<double>(total) * percent / 100.0);
  }
};

struct Config {
  std::filesystem::path file;  // the file it was read from (empty for defaults)
  std::filesystem::path dir;   // its folder: base of relative paths

  struct Server {
    std::string host = "127.0.0.1";
    int port = 9980;
    std::string api_token;      // HOOK_SERVER_API_TOKEN overrides
    std::string hook_secret;    // HOOK_SERVER_HOOK_SECRET overrides
    std::size_t max_body_bytes = 1 << 20;
    // Workers kept for HTTP connections; cpp-httplib gives each connection a worker for as long as
    // it is kept alive (1 s idle at most), and more are started while all are held
    // (api/connection_pool.hpp).
    int threads = 32;
    // Browser origins allowed to call the API from another site (exact "scheme://host[:port]").
    std::vector<std::string> cors_origins;
    bool ui = true;             // the web console at /ui/ (src/api/web_console.hpp)
    std::string log_format = "text";  // text | json (one object per line); every line has its component
  } server;

  // Who may watch what (docs/access.md). jwt: hook-server issues viewer tokens that MediaMTX
  // (authMethod: jwt) and the API honour, and an admin token is required (generated at first start
  // when server.api_token is empty). open: today's lab behaviour, anyone reaches MediaMTX and the
  // read endpoints.
  struct Access {
    std::string mode = "jwt";
    std::string issuer = "hook-server";   // iss of every token; MediaMTX's authJWTIssuer
    std::string audience = "mediamtx";    // aud of every token; MediaMTX's authJWTAudience
    Micros max_ttl = std::chrono::hours{24};
    Micros default_ttl = std::chrono::minutes{15};
    std::string jwks_url;  // what MediaMTX fetches; empty: derived from server.listen
    bool jwt() const { return mode == "jwt"; }
  } access;

  std::filesystem::path data_dir;  // index.db, spool/, snapshots/

  // This node, when several share one PostgreSQL index (docs/nodes.md). The id owns the cameras
  // this node records and the segment files it holds; url is how clients reach this hook-server
  // (responses about its cameras link there, requests for its files are redirected there). One
  // node needs neither.
  struct Node {
    std::string id = "local";  // [A-Za-z0-9_-]+, at most 64
    std::string url;           // http(s)://host[:port]; empty: local_url()
  } node;

  // Where the index lives: PostgreSQL when url is set (libpq's URL syntax), else SQLite in
  // <data_dir>/index.db. The password comes from password_file (read when the index opens, first
  // line) or libpq's own PGPASSWORD / ~/.pgpass; a password written in the URL works but the URL is
  // then only ever printed redacted.
  struct Index {
    std::string url;
    std::filesystem::path password_file;
  } index;

  struct Mediamtx {
    std::string version = "1.20.1";
    std::filesystem::path working_dir;  // MediaMTX's cwd (absolute after load)
    std::string record_path = "./recordings/%path/%Y-%m-%d_%H-%M-%S-%f";
    std::string record_format = "fmp4";
    Micros segment_duration = std::chrono::hours{1};
    Micros part_duration = std::chrono::seconds{1};
    std::string timezone = "local";
    std::string path_prefix = "camera_";
    std::string hook_command;  // default: default_hook_command()
    std::string api_url;
    std::filesystem::path base_config;
    std::filesystem::path output;
    StreamUrls urls;
  } mediamtx;

  struct Retention {
    std::map<std::string, Micros> plans;  // basic 7d, pro 15d, premium 30d by default
    std::string default_plan = "basic";
    Micros interval = std::chrono::minutes{10};
    Micros notify_before = std::chrono::hours{24};
    // Deprecated (docs/webhooks.md): each URL gets the recordings.* events, unsigned. Use webhooks.
    std::vector<std::string> notify_webhooks;
    DiskFloor disk_min_free;
  } retention;

  // Event webhooks (docs/webhooks.md): each gets the events it lists ("*": all), signed with its
  // secret. URLs are unique across webhooks and retention.notify_webhooks.
  struct Webhook {
    std::string url;
    std::vector<std::string> events;  // event type names (domain/webhook_event.hpp) or "*"
    std::string secret;               // at least 16 characters; never logged
  };
  std::vector<Webhook> webhooks;

  // The stall watchdog (domain/recording_state.hpp): how long a camera that should be recording
  // may show no progress before it is `stalled`.
  struct Watchdog {
    Micros grace = std::chrono::seconds{30};
  } watchdog;

  struct Snapshots {
    std::vector<std::string> sources = {"recording", "rtsp"};
    Micros refresh = std::chrono::seconds{60};
    Micros timeout = std::chrono::seconds{5};
    int max_width = 1280;
  } snapshots;

  Micros reconcile_interval = std::chrono::minutes{5};
  // How long the hook event log keeps entries (by arrival); 0 keeps them forever.
  Micros events_keep = std::chrono::hours{24 * 30};

  std::vector<CameraConfig> cameras;

  // Absolute folder that holds every segment: recordPath's common prefix resolved against
  // mediamtx.working_dir.
  std::filesystem::path recordings_root() const;
  std::string listen() const;  // "host:port"
  // http://<host>:<port> for clients of this server on the same machine (0.0.0.0 and :: become
  // 127.0.0.1).
  std::string local_url() const;
  // node.url, or local_url().
  std::string node_url() const;
  // access.jwks_url, or local_url() + "/.well-known/jwks.json".
  std::string jwks_url() const;
  const CameraConfig* find_camera(std::string_view id) const;
  // Retention of a camera: its override, else its plan, else the default plan.
  Micros retention_for(const CameraConfig* camera) const;
  Micros retention_for(std::string_view plan, std::optional<Micros> override_value) const;
};

// Reads and validates a config file. Throws ConfigError:
//   hook-server.yml:12:5: retention.plans.pro: expected a duration like 15d, 90m or 30s, got "fifteen"
Config load_config(const std::filesystem::path& file);
// The same from text; `name` is used in messages and its folder for relative paths.
Config parse_config(const std::string& yaml, const std::filesystem::path& name);

// The default mediamtx.hook_command: the `hook-server` beside the running program (hook-server and
// hook-server-full are built and installed side by side), so the installed binary when installed and
// the build's binary otherwise.
std::string default_hook_command();

bool valid_camera_id(std::string_view id);
// A camera source MediaMTX can pull (rtsp://, rtmp://, srt://, http(s):// ...) or "publisher".
bool valid_source_url(std::string_view url);

}  // namespace hs
