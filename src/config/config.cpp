// Loading hook-server.yml with yaml-cpp. A small Reader walks each mapping, knows the keys it
// accepts (so typos are errors, not silent defaults) and formats every error with the node's mark.
#include "config/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "domain/record_path.hpp"
#include "domain/webhook_event.hpp"
#include "util/error.hpp"
#include "util/redact.hpp"
#include "util/zone.hpp"

namespace hs {

namespace fs = std::filesystem;

bool valid_camera_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
      return false;
  return true;
}

fs::path Config::recordings_root() const {
  RecordPath rp(mediamtx.record_path, mediamtx.record_format, Zone{});
  fs::path root(rp.root());
  if (root.is_relative()) root = mediamtx.working_dir / root;
  return root.lexically_normal();
}

std::string Config::listen() const { return fmt::format("{}:{}", server.host, server.port); }

std::string Config::local_url() const {
  std::string host = server.host == "0.0.0.0" || server.host == "::" || server.host.empty() ? "127.0.0.1" : server.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("http://{}:{}", host, server.port);
}

std::string Config::node_url() const { return node.url.empty() ? local_url() : node.url; }

std::string Config::jwks_url() const { return access.jwks_url.empty() ? local_url() + "/.well-known/jwks.json" : access.jwks_url; }

const CameraConfig* Config::find_camera(std::string_view id) const {
  for (const auto& c : cameras)
    if (c.id == id) return &c;
  return nullptr;
}

Micros Config::retention_for(const CameraConfig* camera) const {
  if (!camera) return retention.plans.at(retention.default_plan);
  return retention_for(camera->plan, camera->retention);
}

Micros Config::retention_for(std::string_view plan, std::optional<Micros> override_value) const {
  if (override_value) return *override_value;
  if (auto it = retention.plans.find(std::string(plan)); it != retention.plans.end()) return it->second;
  return retention.plans.at(retention.default_plan);
}

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& message) const {
    auto mark = node ? node.Mark() : YAML::Mark::null_mark();
    if (mark.line >= 0)
      throw ConfigError(fmt::format("{}:{}:{}: {}: {}", file_, mark.line + 1, mark.column + 1, key, message));
    throw ConfigError(fmt::format("{}: {}: {}", file_, key, message));
  }

  // Checks that `node` is a mapping holding only `allowed` keys.
  void expect_map(const YAML::Node& node, const std::string& key, std::initializer_list<std::string_view> allowed) const {
    if (!node.IsMap()) fail(node, key.empty() ? "(top level)" : key, "expected a mapping");
    for (const auto& kv : node) {
      auto name = key_of(kv.first, key.empty() ? "(top level)" : key);
      bool ok = false;
      for (auto a : allowed) ok |= a == name;
      if (!ok) fail(kv.first, join(key, name), "unknown key (accepted: " + list(allowed) + ")");
    }
  }

  // A mapping key as text. YAML also allows a list, a mapping or nothing as a key (`? [a]: b`),
  // which no hook-server.yml key is: ConfigError, not yaml-cpp's bad conversion.
  std::string key_of(const YAML::Node& k, const std::string& parent) const {
    if (!k.IsScalar()) fail(k, parent, "expected a key name, got a list, a mapping or an empty key");
    return k.Scalar();
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a single value");
    return node.Scalar();
  }

  void string(const YAML::Node& parent, const std::string& prefix, const char* name, std::string& out) const {
    if (auto n = parent[name]) out = scalar(n, join(prefix, name));
  }

  void boolean(const YAML::Node& parent, const std::string& prefix, const char* name, bool& out) const {
    auto n = parent[name];
    if (!n) return;
    auto v = scalar(n, join(prefix, name));
    if (v == "true" || v == "yes" || v == "on") out = true;
    else if (v == "false" || v == "no" || v == "off") out = false;
    else fail(n, join(prefix, name), fmt::format("expected true or false, got {}", quote(v)));
  }

  void integer(const YAML::Node& parent, const std::string& prefix, const char* name, int& out, int lo, int hi) const {
    auto n = parent[name];
    if (!n) return;
    auto v = scalar(n, join(prefix, name));
    char* end = nullptr;
    long x = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || x < lo || x > hi)
      fail(n, join(prefix, name), fmt::format("expected an integer from {} to {}, got {}", lo, hi, quote(v)));
    out = static_cast<int>(x);
  }

  void duration(const YAML::Node& parent, const std::string& prefix, const char* name, Micros& out) const {
    if (auto n = parent[name]) out = duration_of(n, join(prefix, name));
  }

  Micros duration_of(const YAML::Node& n, const std::string& key) const {
    try {
      return parse_duration(scalar(n, key));
    } catch (const BadInput& e) {
      fail(n, key, e.what());
    }
  }

  void path(const YAML::Node& parent, const std::string& prefix, const char* name, fs::path& out, const fs::path& base) const {
    auto n = parent[name];
    if (!n) return;
    auto v = scalar(n, join(prefix, name));
    if (v.empty()) fail(n, join(prefix, name), "expected a path, got \"\"");
    fs::path p(v);
    out = (p.is_relative() ? base / p : p).lexically_normal();
  }

  static std::string join(const std::string& prefix, std::string_view name) {
    return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
  }

 private:
  static std::string list(std::initializer_list<std::string_view> items) {
    std::string out;
    for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
    return out;
  }
  std::string file_;
};

}  // namespace

bool valid_source_url(std::string_view url) {
  static constexpr std::string_view kSchemes[] = {"rtsp://", "rtsps://", "rtsp+http://", "rtsp+https://",
                                                  "rtsp+ws://", "rtsp+wss://", "rtmp://", "rtmps://",
                                                  "http://", "https://", "srt://", "udp+mpegts://",
                                                  "udp+rtp://", "whep://", "wheps://", "unix+mpegts://"};
  for (auto s : kSchemes)
    if (url.rfind(s, 0) == 0 && url.size() > s.size()) return true;
  return url == "publisher" || url == "redirect" || url == "rpiCamera";
}

namespace {

bool valid_http_base(std::string_view url) {
  return (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) && url.size() > 8;
}

// What a browser sends in Origin: scheme://host[:port], nothing after.
bool valid_origin(std::string_view origin) {
  auto sep = origin.find("://");
  if (sep == std::string_view::npos) return false;
  auto scheme = origin.substr(0, sep), rest = origin.substr(sep + 3);
  if (scheme != "http" && scheme != "https") return false;
  if (rest.empty() || rest.size() > 253 + 6) return false;
  for (char c : rest)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      return false;
  return rest.front() != ':' && rest.back() != ':';
}

// A short identifier for iss/aud: printable, no spaces.
bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

void parse_access(const Reader& r, const YAML::Node& root, Config& c) {
  auto a = root["access"];
  if (a) {
    r.expect_map(a, "access", {"mode", "issuer", "audience", "max_ttl", "default_ttl", "jwks_url"});
    r.string(a, "access", "mode", c.access.mode);
    if (c.access.mode != "jwt" && c.access.mode != "open")
      r.fail(a["mode"], "access.mode", fmt::format("expected jwt or open, got {}", quote(c.access.mode)));
    for (auto [key, out] : {std::pair{"issuer", &c.access.issuer}, std::pair{"audience", &c.access.audience}}) {
      r.string(a, "access", key, *out);
      if (!valid_name(*out))
        r.fail(a[key], std::string("access.") + key, fmt::format("expected 1 to 200 characters without spaces, got {}", quote(*out)));
    }
    r.duration(a, "access", "max_ttl", c.access.max_ttl);
    r.duration(a, "access", "default_ttl", c.access.default_ttl);
    if (c.access.max_ttl < std::chrono::minutes{1} || c.access.max_ttl > std::chrono::hours{24 * 30})
      r.fail(a["max_ttl"], "access.max_ttl", fmt::format("must be from 1m to 30d, got {}", quote(format_duration(c.access.max_ttl))));
    if (c.access.default_ttl < std::chrono::seconds{1} || c.access.default_ttl > c.access.max_ttl)
      r.fail(a["default_ttl"] ? a["default_ttl"] : a, "access.default_ttl",
             fmt::format("must be from 1s to access.max_ttl ({}), got {}", format_duration(c.access.max_ttl),
                         quote(format_duration(c.access.default_ttl))));
    r.string(a, "access", "jwks_url", c.access.jwks_url);
    if (!c.access.jwks_url.empty() && !valid_http_base(c.access.jwks_url))
      r.fail(a["jwks_url"], "access.jwks_url",
             fmt::format("expected an http(s):// URL like http://127.0.0.1:9980/.well-known/jwks.json, got {}", quote(c.access.jwks_url)));
  }
  // An admin token someone could guess would open everything a viewer token guards.
  if (c.access.jwt() && !c.server.api_token.empty() && c.server.api_token.size() < 16)
    r.fail(root["server"] ? root["server"]["api_token"] : YAML::Node(), "server.api_token",
           fmt::format("at least 16 characters in access.mode jwt (or leave it empty: one is generated), got {} characters",
                       c.server.api_token.size()));
}

void split_listen(const Reader& r, const YAML::Node& n, const std::string& key, const std::string& text, Config& c) {
  auto colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
  char* end = nullptr;
  long p = port.empty() ? -1 : std::strtol(port.c_str(), &end, 10);
  if (host.empty() || p < 0 || p > 65535 || (end && *end))
    r.fail(n, key, fmt::format("expected host:port like 127.0.0.1:9980, got {}", quote(text)));
  c.server.host = host;
  c.server.port = static_cast<int>(p);
}

DiskFloor parse_floor(const Reader& r, const YAML::Node& n, const std::string& key) {
  auto v = r.scalar(n, key);
  DiskFloor f;
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  std::string_view unit(end);
  if (v.empty() || end == v.c_str() || x < 0) unit = "?";
  if (unit == "%") {
    if (x > 100) unit = "?";
    f.percent = x;
    f.bytes = 0;
    return f;
  }
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1}, {"B", 1}, {"K", 1e3}, {"KB", 1e3}, {"M", 1e6}, {"MB", 1e6}, {"G", 1e9}, {"GB", 1e9},
      {"T", 1e12}, {"TB", 1e12}, {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  for (auto [u, scale] : kUnits) {
    if (unit == u) {
      f.percent = 0;
      f.bytes = static_cast<std::uint64_t>(x * scale);
      return f;
    }
  }
  r.fail(n, key, fmt::format("expected a percentage like 5% or a size like 20G, got {}", quote(v)));
}

// webhooks: [{url, events, secret}], after retention (whose notify_webhooks URLs they must not repeat).
void parse_webhooks(const Reader& r, const YAML::Node& root, Config& c) {
  auto list = root["webhooks"];
  if (!list) return;
  if (!list.IsSequence()) r.fail(list, "webhooks", "expected a list of {url, events, secret}");
  std::set<std::string> urls(c.retention.notify_webhooks.begin(), c.retention.notify_webhooks.end());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& n = list[i];
    const std::string key = fmt::format("webhooks[{}]", i);
    r.expect_map(n, key, {"url", "events", "secret"});
    Config::Webhook hook;
    if (!n["url"]) r.fail(n, key + ".url", "missing");
    hook.url = r.scalar(n["url"], key + ".url");
    if (!valid_http_base(hook.url))
      r.fail(n["url"], key + ".url", fmt::format("expected an http(s):// URL, got {}", quote(hook.url)));
    if (!urls.insert(hook.url).second)
      r.fail(n["url"], key + ".url",
             fmt::format("{} is already a webhook (in webhooks or retention.notify_webhooks): list each URL once",
                         quote(hook.url)));
    auto events = n["events"];
    if (!events || !events.IsSequence() || events.size() == 0)
      r.fail(events ? events : n, key + ".events", "expected a non-empty list of event types, like [camera.offline, recording.stalled] or [\"*\"]");
    for (const auto& e : events) {
      auto name = r.scalar(e, key + ".events");
      if (name != "*" && !parse_event_type(name)) {
        std::string known;
        for (auto t : all_event_types()) known += (known.empty() ? "" : ", ") + std::string(event_type_name(t));
        r.fail(e, key + ".events", fmt::format("unknown event type {} (known: {}, or *)", quote(name), known));
      }
      hook.events.push_back(name);
    }
    // Never quoted in messages: it is a secret.
    if (!n["secret"]) r.fail(n, key + ".secret", "missing (at least 16 characters; receivers verify signatures with it)");
    hook.secret = r.scalar(n["secret"], key + ".secret");
    if (hook.secret.size() < 16)
      r.fail(n["secret"], key + ".secret", fmt::format("at least 16 characters, got {} characters", hook.secret.size()));
    c.webhooks.push_back(std::move(hook));
  }
}

}  // namespace

std::string default_hook_command() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/usr/bin/hook-server") : (self.parent_path() / "hook-server").string();
}

Config parse_config(const std::string& yaml, const fs::path& name) {
  Reader r(name.string());
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", name.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  Config c;
  c.file = name;
  c.dir = fs::absolute(name).parent_path();
  c.data_dir = c.dir / "var";
  c.mediamtx.working_dir = c.dir / "var" / "mediamtx";
  c.mediamtx.base_config = (c.dir / "../mediamtx-config/base.yml").lexically_normal();
  c.mediamtx.output = (c.dir / "../mediamtx-config/mediamtx.yml").lexically_normal();
  c.mediamtx.hook_command = default_hook_command();
  c.retention.plans = {{"basic", std::chrono::hours{24 * 7}},
                       {"pro", std::chrono::hours{24 * 15}},
                       {"premium", std::chrono::hours{24 * 30}}};
  if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  r.expect_map(root, "", {"server", "data_dir", "index", "node", "mediamtx", "retention", "snapshots", "reconcile_interval",
                          "events_keep", "access", "cameras", "webhooks", "watchdog"});

  if (auto s = root["server"]) {
    r.expect_map(s, "server", {"listen", "api_token", "hook_secret", "max_body_bytes", "threads", "ui", "cors_origins", "log_format"});
    if (auto l = s["listen"]) split_listen(r, l, "server.listen", r.scalar(l, "server.listen"), c);
    r.string(s, "server", "api_token", c.server.api_token);
    r.string(s, "server", "hook_secret", c.server.hook_secret);
    int body = static_cast<int>(c.server.max_body_bytes);
    r.integer(s, "server", "max_body_bytes", body, 1024, 64 << 20);
    c.server.max_body_bytes = static_cast<std::size_t>(body);
    r.integer(s, "server", "threads", c.server.threads, 1, 256);
    if (auto o = s["cors_origins"]) {
      if (!o.IsSequence()) r.fail(o, "server.cors_origins", "expected a list of origins like [https://app.example.com]");
      for (const auto& item : o) {
        auto origin = r.scalar(item, "server.cors_origins");
        if (!valid_origin(origin))
          r.fail(item, "server.cors_origins",
                 fmt::format("expected an exact origin like https://app.example.com (scheme://host[:port], no path, no *), got {}",
                             quote(origin)));
        c.server.cors_origins.push_back(origin);
      }
    }
    r.boolean(s, "server", "ui", c.server.ui);
    r.string(s, "server", "log_format", c.server.log_format);
    if (c.server.log_format != "text" && c.server.log_format != "json")
      r.fail(s["log_format"], "server.log_format", fmt::format("expected text or json, got {}", quote(c.server.log_format)));
  }
  if (const char* t = std::getenv("HOOK_SERVER_API_TOKEN"); t && *t) c.server.api_token = t;
  if (const char* t = std::getenv("HOOK_SERVER_HOOK_SECRET"); t && *t) c.server.hook_secret = t;

  r.path(root, "", "data_dir", c.data_dir, c.dir);
  if (auto i = root["index"]) {
    r.expect_map(i, "index", {"url", "password_file"});
    r.string(i, "index", "url", c.index.url);
    if (!c.index.url.empty() && !c.index.url.starts_with("postgresql://") && !c.index.url.starts_with("postgres://"))
      r.fail(i["url"], "index.url",
             fmt::format("expected a PostgreSQL URL like postgresql://user@host:5432/database, got {}",
                         quote(redact_url(c.index.url))));
    r.path(i, "index", "password_file", c.index.password_file, c.dir);
    if (!c.index.password_file.empty() && c.index.url.empty())
      r.fail(i["password_file"], "index.password_file", "needs index.url (the SQLite index has no password)");
  }
  if (auto n = root["node"]) {
    r.expect_map(n, "node", {"id", "url"});
    r.string(n, "node", "id", c.node.id);
    if (!valid_camera_id(c.node.id))  // the same rule as a camera id, 1 to 64 characters
      r.fail(n["id"], "node.id", fmt::format("expected 1 to 64 of A-Z a-z 0-9 _ -, got {}", quote(c.node.id)));
    r.string(n, "node", "url", c.node.url);
    if (!c.node.url.empty() && !valid_http_base(c.node.url))
      r.fail(n["url"], "node.url", fmt::format("expected an http(s):// URL like http://10.0.0.2:9980, got {}", quote(c.node.url)));
    while (c.node.url.ends_with('/')) c.node.url.pop_back();
  }
  r.duration(root, "", "reconcile_interval", c.reconcile_interval);
  r.duration(root, "", "events_keep", c.events_keep);
  parse_access(r, root, c);

  if (auto m = root["mediamtx"]) {
    r.expect_map(m, "mediamtx", {"version", "working_dir", "record_path", "record_format", "segment_duration",
                                 "part_duration", "timezone", "path_prefix", "hook_command", "api_url",
                                 "base_config", "output", "urls"});
    r.string(m, "mediamtx", "version", c.mediamtx.version);
    r.path(m, "mediamtx", "working_dir", c.mediamtx.working_dir, c.dir);
    r.string(m, "mediamtx", "record_path", c.mediamtx.record_path);
    r.string(m, "mediamtx", "record_format", c.mediamtx.record_format);
    r.duration(m, "mediamtx", "segment_duration", c.mediamtx.segment_duration);
    r.duration(m, "mediamtx", "part_duration", c.mediamtx.part_duration);
    r.string(m, "mediamtx", "timezone", c.mediamtx.timezone);
    r.string(m, "mediamtx", "path_prefix", c.mediamtx.path_prefix);
    r.string(m, "mediamtx", "hook_command", c.mediamtx.hook_command);
    r.string(m, "mediamtx", "api_url", c.mediamtx.api_url);
    r.path(m, "mediamtx", "base_config", c.mediamtx.base_config, c.dir);
    r.path(m, "mediamtx", "output", c.mediamtx.output, c.dir);
    if (auto u = m["urls"]) {
      r.expect_map(u, "mediamtx.urls", {"rtsp", "hls", "webrtc", "playback"});
      r.string(u, "mediamtx.urls", "rtsp", c.mediamtx.urls.rtsp);
      r.string(u, "mediamtx.urls", "hls", c.mediamtx.urls.hls);
      r.string(u, "mediamtx.urls", "webrtc", c.mediamtx.urls.webrtc);
      r.string(u, "mediamtx.urls", "playback", c.mediamtx.urls.playback);
      for (auto key : {"hls", "webrtc", "playback"})
        if (auto n = u[key]; n && !valid_http_base(n.Scalar()))
          r.fail(n, std::string("mediamtx.urls.") + key, fmt::format("expected an http(s):// base URL, got {}", quote(n.Scalar())));
      if (auto n = u["rtsp"]; n && n.Scalar().rfind("rtsp://", 0) != 0 && n.Scalar().rfind("rtsps://", 0) != 0)
        r.fail(n, "mediamtx.urls.rtsp", fmt::format("expected an rtsp:// base URL, got {}", quote(n.Scalar())));
    }
    auto fail_at = [&](const char* key, const std::string& message) { r.fail(m[key] ? m[key] : m, std::string("mediamtx.") + key, message); };
    {
      std::string v = c.mediamtx.version;
      if (!v.empty() && v[0] == 'v') v.erase(0, 1);
      int a, b, d;
      char tail;
      if (std::sscanf(v.c_str(), "%d.%d.%d%c", &a, &b, &d, &tail) != 3)
        fail_at("version", fmt::format("expected a MediaMTX version like 1.20.1, got {}", quote(c.mediamtx.version)));
    }
    try {
      RecordPath(c.mediamtx.record_path, c.mediamtx.record_format, Zone{});
    } catch (const BadInput& e) {
      fail_at(m["record_format"] && std::string(e.what()).rfind("recordFormat", 0) == 0 ? "record_format" : "record_path", e.what());
    }
    try {
      Zone::named(c.mediamtx.timezone);
    } catch (const BadInput& e) {
      fail_at("timezone", e.what());
    }
    if (c.mediamtx.segment_duration <= Micros{0} || c.mediamtx.segment_duration > std::chrono::hours{24})
      fail_at("segment_duration", fmt::format("must be above 0s and at most 24h (MediaMTX's limit), got {}", quote(format_duration(c.mediamtx.segment_duration))));
    if (c.mediamtx.part_duration <= Micros{0})
      fail_at("part_duration", fmt::format("must be above 0s, got {}", quote(format_duration(c.mediamtx.part_duration))));
    if (!valid_path_name(c.mediamtx.path_prefix + "x") || c.mediamtx.path_prefix.find('/') != std::string::npos)
      fail_at("path_prefix", fmt::format("expected characters from [0-9a-zA-Z_-.], got {}", quote(c.mediamtx.path_prefix)));
    if (!c.mediamtx.api_url.empty() && !valid_http_base(c.mediamtx.api_url))
      fail_at("api_url", fmt::format("expected an http(s):// URL like http://127.0.0.1:9997, got {}", quote(c.mediamtx.api_url)));
    if (c.mediamtx.hook_command.empty())
      fail_at("hook_command", "expected the absolute path of the hook-server binary, got \"\"");
  }

  if (auto rt = root["retention"]) {
    r.expect_map(rt, "retention", {"plans", "default_plan", "interval", "notify_before", "notify_webhooks", "disk_min_free"});
    if (auto plans = rt["plans"]) {
      if (!plans.IsMap() || plans.size() == 0) r.fail(plans, "retention.plans", "expected a mapping of plan name to duration, like {basic: 7d}");
      c.retention.plans.clear();
      for (const auto& kv : plans) {
        auto plan = r.key_of(kv.first, "retention.plans");
        auto key = "retention.plans." + plan;
        if (!valid_camera_id(plan)) r.fail(kv.first, key, fmt::format("plan names use [A-Za-z0-9_-], got {}", quote(plan)));
        Micros d = r.duration_of(kv.second, key);
        if (d <= Micros{0}) r.fail(kv.second, key, fmt::format("retention must be above 0s, got {}", quote(kv.second.Scalar())));
        c.retention.plans[plan] = d;
      }
    }
    r.string(rt, "retention", "default_plan", c.retention.default_plan);
    r.duration(rt, "retention", "interval", c.retention.interval);
    r.duration(rt, "retention", "notify_before", c.retention.notify_before);
    if (auto hooks = rt["notify_webhooks"]) {
      if (!hooks.IsSequence()) r.fail(hooks, "retention.notify_webhooks", "expected a list of URLs");
      for (const auto& h : hooks) {
        auto url = r.scalar(h, "retention.notify_webhooks");
        if (!valid_http_base(url)) r.fail(h, "retention.notify_webhooks", fmt::format("expected an http(s):// URL, got {}", quote(url)));
        c.retention.notify_webhooks.push_back(url);
      }
    }
    if (auto f = rt["disk_min_free"]) c.retention.disk_min_free = parse_floor(r, f, "retention.disk_min_free");
    if (!c.retention.plans.count(c.retention.default_plan))
      r.fail(rt["default_plan"] ? rt["default_plan"] : rt, "retention.default_plan",
             fmt::format("no plan named {} in retention.plans", quote(c.retention.default_plan)));
    if (c.retention.interval <= Micros{0}) r.fail(rt["interval"], "retention.interval", "must be above 0s");
  } else if (!c.retention.plans.count(c.retention.default_plan)) {
    throw ConfigError(fmt::format("{}: retention.default_plan: no plan named {}", name.string(), quote(c.retention.default_plan)));
  }

  if (auto w = root["watchdog"]) {
    r.expect_map(w, "watchdog", {"grace"});
    r.duration(w, "watchdog", "grace", c.watchdog.grace);
    // Below a few seconds every part flush (1 s by default) would look like a stall.
    if (c.watchdog.grace < std::chrono::seconds{5} || c.watchdog.grace > std::chrono::hours{24})
      r.fail(w["grace"], "watchdog.grace", fmt::format("must be from 5s to 24h, got {}", quote(format_duration(c.watchdog.grace))));
  }
  parse_webhooks(r, root, c);
  if (auto s = root["snapshots"]) {
    r.expect_map(s, "snapshots", {"sources", "refresh", "timeout", "max_width"});
    if (auto src = s["sources"]) {
      if (!src.IsSequence()) r.fail(src, "snapshots.sources", "expected a list such as [recording, rtsp]");
      c.snapshots.sources.clear();
      for (const auto& item : src) {
        auto v = r.scalar(item, "snapshots.sources");
        if (v != "recording" && v != "rtsp" && v != "hls")
          r.fail(item, "snapshots.sources", fmt::format("expected recording, rtsp or hls, got {}", quote(v)));
        c.snapshots.sources.push_back(v);
      }
    }
    r.duration(s, "snapshots", "refresh", c.snapshots.refresh);
    r.duration(s, "snapshots", "timeout", c.snapshots.timeout);
    r.integer(s, "snapshots", "max_width", c.snapshots.max_width, 16, 7680);
  }

  if (auto cams = root["cameras"]) {
    if (!cams.IsSequence()) r.fail(cams, "cameras", "expected a list of cameras");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < cams.size(); ++i) {
      const auto& n = cams[i];
      std::string key = fmt::format("cameras[{}]", i);
      r.expect_map(n, key, {"id", "name", "source", "plan", "retention", "record", "rtsp_transport"});
      CameraConfig cam;
      if (!n["id"]) r.fail(n, key + ".id", "missing");
      cam.id = r.scalar(n["id"], key + ".id");
      if (!valid_camera_id(cam.id)) r.fail(n["id"], key + ".id", fmt::format("expected 1-64 characters from [A-Za-z0-9_-], got {}", quote(cam.id)));
      if (!seen.insert(cam.id).second) r.fail(n["id"], key + ".id", fmt::format("duplicate camera id {}", quote(cam.id)));
      cam.name = cam.id;
      r.string(n, key, "name", cam.name);
      r.string(n, key, "source", cam.source);
      if (cam.source.empty()) cam.source = "publisher";
      if (!valid_source_url(cam.source))
        r.fail(n["source"], key + ".source", "expected an rtsp://, rtmp://, srt://, http(s):// ... URL or publisher");
      cam.plan = c.retention.default_plan;
      r.string(n, key, "plan", cam.plan);
      if (!c.retention.plans.count(cam.plan)) r.fail(n["plan"], key + ".plan", fmt::format("no plan named {} in retention.plans", quote(cam.plan)));
      if (auto ret = n["retention"]) {
        cam.retention = r.duration_of(ret, key + ".retention");
        if (*cam.retention <= Micros{0}) r.fail(ret, key + ".retention", fmt::format("retention must be above 0s, got {}", quote(ret.Scalar())));
      }
      r.boolean(n, key, "record", cam.record);
      r.string(n, key, "rtsp_transport", cam.rtsp_transport);
      if (cam.rtsp_transport != "tcp" && cam.rtsp_transport != "udp" && cam.rtsp_transport != "automatic" && cam.rtsp_transport != "multicast")
        r.fail(n["rtsp_transport"], key + ".rtsp_transport", fmt::format("expected tcp, udp, multicast or automatic, got {}", quote(cam.rtsp_transport)));
      c.cameras.push_back(std::move(cam));
    }
  }
  return c;
}

Config load_config(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file);
}

}  // namespace hs
