// Builds mediamtx.yml from base.yml, the camera list and the previous generation (round trip), checks
// every key against MediaMTX's reference before anything is written, and writes it atomically.
// The ownership rule is described in config_gen.hpp and in the header of every generated file.
#include "mediamtx/config_gen.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <utility>

#include "domain/record_path.hpp"
#include "mediamtx/auth_settings.hpp"
#include "mediamtx/camera_path.hpp"
#include "util/error.hpp"
#include "util/time.hpp"
#include "util/zone.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

using Pairs = std::vector<std::pair<std::string, YAML::Node>>;

constexpr std::string_view kHeaderTag = "# hook-server: ";

// ---- reading ---------------------------------------------------------------------------------

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A YAML file the generator reads: base.yml or the previous output.
struct Source {
  std::string label;  // the path, for messages
  bool exists = false;
  std::string text;
  YAML::Node root;  // always a mapping (empty when the file is empty or missing)
};

Source load_source(const fs::path& file, bool required, const char* what) {
  Source s;
  s.label = file.string();
  s.root = YAML::Node(YAML::NodeType::Map);
  auto text = read_text(file);
  if (!text) {
    if (required) throw ConfigError(fmt::format("{}: cannot read {}: {}", s.label, what, std::strerror(errno)));
    return s;
  }
  s.exists = true;
  s.text = *text;
  YAML::Node root;
  try {
    root = YAML::Load(s.text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", s.label, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (root && !root.IsNull()) {
    if (!root.IsMap()) throw ConfigError(fmt::format("{}: expected a mapping of MediaMTX settings", s.label));
    s.root = root;
  }
  return s;
}

// ---- the header of a generated file -------------------------------------------------------------

struct Header {
  std::set<std::string> owned;      // owned-paths
  std::set<std::string> from_base;  // from-base: "key", "pathDefaults.key", "paths.name"
  std::set<std::string> managed;    // managed-global-keys: hook-server's authentication block
  std::set<std::string> api;        // api-cameras: "id=path" of cameras added through the API
};

std::string encode_token(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == ' ') out += "%20";
    else out += c;
  }
  return out;
}

std::string decode_token(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "%25") out += '%', i += 2;
    else if (s.substr(i, 3) == "%20") out += ' ', i += 2;
    else out += s[i];
  }
  return out;
}

Header parse_header(const std::string& text) {
  Header h;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '#') break;  // the header ends at the first non-comment line
    if (line.rfind(kHeaderTag, 0) != 0) continue;
    std::string rest = line.substr(kHeaderTag.size());
    auto colon = rest.find(':');
    if (colon == std::string::npos) continue;
    std::string field = rest.substr(0, colon);
    std::set<std::string>* into = field == "owned-paths"           ? &h.owned
                                  : field == "from-base"           ? &h.from_base
                                  : field == "managed-global-keys" ? &h.managed
                                  : field == "api-cameras"         ? &h.api
                                                                   : nullptr;
    if (!into) continue;
    std::istringstream words(rest.substr(colon + 1));
    std::string w;
    while (words >> w) into->insert(decode_token(w));
  }
  return h;
}

void header_list(std::string& out, std::string_view field, const std::vector<std::string>& tokens) {
  std::string prefix = fmt::format("{}{}:", kHeaderTag, field);
  std::string line = prefix;
  bool empty = true;
  for (const auto& t : tokens) {
    auto token = encode_token(t);
    if (!empty && line.size() + 1 + token.size() > 100) {
      out += line + "\n";
      line = prefix;
    }
    line += " " + token;
    empty = false;
  }
  out += line + "\n";
}

// ---- YAML values -------------------------------------------------------------------------------

YAML::Node plain(const std::string& value) {
  YAML::Node n(value);
  n.SetTag("?");
  return n;
}

// A string hook-server writes: bare unless a YAML reader would take it for something else.
YAML::Node string_node(const std::string& value) {
  YAML::Node n(value);
  n.SetTag("");
  return n;
}

YAML::Node to_node(const PathValue& v) {
  if (const bool* b = std::get_if<bool>(&v)) return plain(*b ? "true" : "false");
  return string_node(std::get<std::string>(v));
}

// A JSON value hook-server writes (the authentication block) as YAML.
YAML::Node yaml_of(const nlohmann::json& v) {
  if (v.is_boolean()) return plain(v.get<bool>() ? "true" : "false");
  if (v.is_string()) return string_node(v.get<std::string>());
  if (v.is_array()) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (const auto& item : v) seq.push_back(yaml_of(item));
    return seq;
  }
  if (v.is_object()) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& [key, item] : v.items()) map[key] = yaml_of(item);
    return map;
  }
  return plain(v.dump());
}

bool is_plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

bool is_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  auto e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e), exponent = e == std::string_view::npos ? "" : s.substr(e + 1);
  auto dot = mantissa.find('.');
  if (dot == std::string_view::npos || mantissa.find('.', dot + 1) != std::string_view::npos) return false;
  std::string_view whole = mantissa.substr(0, dot), frac = mantissa.substr(dot + 1);
  auto digits = [](std::string_view d) { return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if ((whole.empty() && frac.empty()) || !digits(whole) || !digits(frac)) return false;
  return e == std::string_view::npos || is_int(exponent);
}

// A string that a YAML 1.1 reader (MediaMTX's) would take for a boolean, null, number or time
// when written bare. Long strings skip the regex (libstdc++'s matcher recurses per character).
bool ambiguous_as_plain(const std::string& s) {
  static const std::regex kAmbiguous(
      "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|"
      "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|"
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|"
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].{0,40})?");
  if (s.empty()) return true;
  if (s.size() > 64)
    return std::all_of(s.begin(), s.end(), [](char c) { return std::string_view("0123456789._+-eExXoObB:").find(c) != std::string_view::npos; });
  return std::regex_match(s, kAmbiguous);
}

bool truthy(const YAML::Node& n) {
  if (!is_plain_scalar(n)) return false;
  const auto& s = n.Scalar();
  return s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "Yes" || s == "YES" || s == "on" ||
         s == "On" || s == "ON";
}

void emit_key(YAML::Emitter& e, const std::string& key) {
  e << YAML::Key;
  if (ambiguous_as_plain(key)) e << YAML::DoubleQuoted;
  e << key << YAML::Value;
}

void emit(YAML::Emitter& e, const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      e << YAML::Null;
      break;
    case YAML::NodeType::Scalar:
      // Quoted in its source ("!"): quoted again, as yaml-cpp would write some of them bare where
      // MediaMTX's Go YAML reader refuses them ([127.0.0.1, ::1]). Written by hook-server (""):
      // quoted only when ambiguous. Bare in its source ("?"): bare.
      if (n.Tag() == "?") e << n.Scalar();
      else if (n.Tag() == "" && !ambiguous_as_plain(n.Scalar())) e << n.Scalar();
      else e << YAML::DoubleQuoted << n.Scalar();
      break;
    case YAML::NodeType::Sequence:
      if (n.Style() == YAML::EmitterStyle::Flow || n.size() == 0) e << YAML::Flow;
      e << YAML::BeginSeq;
      for (const auto& item : n) emit(e, item);
      e << YAML::EndSeq;
      break;
    case YAML::NodeType::Map:
      if (n.Style() == YAML::EmitterStyle::Flow || n.size() == 0) e << YAML::Flow;
      e << YAML::BeginMap;
      for (const auto& kv : n) {
        emit_key(e, kv.first.Scalar());
        emit(e, kv.second);
      }
      e << YAML::EndMap;
      break;
  }
}

void emit_pairs(YAML::Emitter& e, const Pairs& pairs) {
  if (pairs.empty()) e << YAML::Flow;
  e << YAML::BeginMap;
  for (const auto& [k, v] : pairs) {
    emit_key(e, k);
    emit(e, v);
  }
  e << YAML::EndMap;
}

nlohmann::json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Sequence: {
      auto a = nlohmann::json::array();
      for (const auto& item : n) a.push_back(to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      auto o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.Scalar()] = to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = n.Scalar();
  if (n.Tag() != "?") return s;
  if (truthy(n)) return true;
  for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
    if (s == f) return false;
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  try {
    if (is_int(s) && s.size() < 19) return std::stoll(s);
    if (is_float(s) && s.size() < 40) return std::stod(s);
  } catch (const std::exception&) {
  }
  return s;
}

// ---- validation --------------------------------------------------------------------------------

[[noreturn]] void fail_at(const std::string& label, const YAML::Node& node, const std::string& key,
                          const std::string& message) {
  auto mark = node ? node.Mark() : YAML::Mark::null_mark();
  if (mark.line >= 0)
    throw ConfigError(fmt::format("{}:{}:{}: {}: {}", label, mark.line + 1, mark.column + 1, key, message));
  throw ConfigError(fmt::format("{}: {}: {}", label, key, message));
}

std::string got(const YAML::Node& value) {
  if (value && value.IsScalar()) return ", got " + quote(redact_credentials(value.Scalar()));
  return "";
}

std::string scalar_or_empty(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

std::string config_label(const Config& config) {
  return config.file.empty() ? std::string("hook-server.yml") : config.file.string();
}

// What the generator checks across the whole document, gathered while it is built.
class Validator {
 public:
  Validator(const Config& config, const ReferenceKeys& ref) : config_(config), ref_(ref) {
    try {
      root_ = absolute_root(RecordPath(config.mediamtx.record_path, config.mediamtx.record_format, Zone{}).root());
    } catch (const BadInput& e) {
      std::string what = e.what();
      throw ConfigError(fmt::format("{}: {}: {}", config_label(config),
                                    what.rfind("recordFormat", 0) == 0 ? "mediamtx.record_format" : "mediamtx.record_path",
                                    what));
    }
  }

  const ReferenceKeys& ref() const { return ref_; }

  void global_key(const std::string& label, const YAML::Node& key, const YAML::Node& value) {
    auto name = key.Scalar();
    if (!ref_.global_key(name)) {
      if (ref_.path_key(name))
        fail_at(label, key, name,
                fmt::format("a path setting: MediaMTX accepts it only under pathDefaults or paths{}", got(value)));
      fail_at(label, key, name, fmt::format("unknown MediaMTX setting (not in {}){}", ref_.name(), got(value)));
    }
    duration(label, name, value, name);
  }

  // `where` is "pathDefaults" or "paths.<name>", `who` an optional " (camera \"1\")".
  void path_key(const std::string& label, const std::string& where, const std::string& who, const YAML::Node& key,
                const YAML::Node& value) {
    auto name = key.Scalar();
    std::string full = where + "." + name + who;
    if (!ref_.path_key(name))
      fail_at(label, key, full, fmt::format("unknown MediaMTX path setting (not in {}){}", ref_.name(), got(value)));
    duration(label, full, value, name);
    if (name == "recordPath" && value && value.IsScalar()) record_path(label, full, value, value.Scalar());
  }

  void duration(const std::string& label, const std::string& full, const YAML::Node& value, const std::string& name) {
    if (!ref_.duration_key(name) || !value || value.IsNull()) return;
    if (!value.IsScalar()) fail_at(label, value, full, "expected a duration like 15d, 90m or 30s");
    if (value.Scalar().empty()) return;
    try {
      parse_duration(value.Scalar());
    } catch (const BadInput& e) {
      fail_at(label, value, full, e.what());
    }
  }

  void record_path(const std::string& label, const std::string& full, const YAML::Node& at, const std::string& pattern) {
    try {
      RecordPath(pattern, "fmp4", Zone{});
    } catch (const BadInput& e) {
      fail_at(label, at, full, e.what());
    }
    record_paths_.push_back({label, full, at, pattern});
  }

  // The effective recordDeleteAfter of a path config (or pathDefaults) when MediaMTX's cleaner would
  // delete under hook-server's recordings root with it, given the path's own keys and pathDefaults';
  // nullopt when it would not (0s, or another root). `mediamtx_default` tells that the value is
  // MediaMTX's built-in default. Unparsable values are left to duration() and record_path().
  std::optional<std::string> cleaning_value(const YAML::Node& own_delete, const YAML::Node& default_delete,
                                            const YAML::Node& own_path, const YAML::Node& default_path,
                                            bool* mediamtx_default = nullptr) const {
    auto set = [](const YAML::Node& n) { return n && !n.IsNull(); };
    YAML::Node d = set(own_delete) ? own_delete : set(default_delete) ? default_delete : YAML::Node();
    if (mediamtx_default) *mediamtx_default = !set(d);
    std::string value = !set(d) ? ref_.path_default("recordDeleteAfter") : scalar_or_empty(d);
    try {
      if (value.empty() || parse_duration(value) == Micros{0}) return std::nullopt;
    } catch (const BadInput&) {
      return std::nullopt;
    }
    if (!records_under_root(record_path_of(own_path, default_path))) return std::nullopt;
    return value;
  }

  // The recordPath a path config uses: its own, pathDefaults', or MediaMTX's default.
  std::string record_path_of(const YAML::Node& own_path, const YAML::Node& default_path) const {
    auto set = [](const YAML::Node& n) { return n && !n.IsNull(); };
    return set(own_path) ? scalar_or_empty(own_path) : set(default_path) ? scalar_or_empty(default_path)
                                                                         : ref_.path_default("recordPath");
  }

  // Whether `pattern` records under hook-server's recordings root.
  bool records_under_root(const std::string& pattern) const {
    try {
      return absolute_root(RecordPath(pattern, "fmp4", Zone{}).root()) == root_;
    } catch (const BadInput&) {
      return false;  // reported by record_path()
    }
  }

  // A cleaner that deletes under hook-server's recordings root is refused.
  void delete_after(const std::string& label, const std::string& where, const YAML::Node& at,
                    const YAML::Node& own_delete, const YAML::Node& default_delete, const YAML::Node& own_path,
                    const YAML::Node& default_path) {
    bool mediamtx_default = false;
    auto value = cleaning_value(own_delete, default_delete, own_path, default_path, &mediamtx_default);
    if (!value) return;
    YAML::Node d = own_delete && !own_delete.IsNull() ? own_delete : default_delete;
    std::string root = RecordPath(record_path_of(own_path, default_path), "fmp4", Zone{}).root();
    fail_at(label, mediamtx_default ? at : d, where + ".recordDeleteAfter",
            fmt::format("must be 0s: MediaMTX's cleaner would delete recordings under {}, which hook-server's "
                        "retention owns (permanent ones included), got {}{}",
                        quote(root), quote(*value), mediamtx_default ? " (MediaMTX's default)" : ""));
  }

  // MediaMTX refuses a recordPath without %f when the playback server is on, on every path.
  void playback(bool on) const {
    if (!on) return;
    for (const auto& r : record_paths_)
      if (r.pattern.find("%f") == std::string::npos)
        fail_at(r.label, r.at, r.key,
                fmt::format("recordPath {} must contain %f when playback is enabled (MediaMTX refuses it)", quote(r.pattern)));
  }

  std::string absolute_root(const std::string& root) const {
    fs::path p(root);
    if (p.is_relative()) p = config_.mediamtx.working_dir / p;
    return p.lexically_normal().string();
  }

 private:
  struct RecordPathUse {
    std::string label, key;
    YAML::Node at;
    std::string pattern;
  };
  const Config& config_;
  const ReferenceKeys& ref_;
  std::string root_;
  std::vector<RecordPathUse> record_paths_;
};

bool valid_config_path_name(const std::string& name) {
  return valid_path_name(name) || (name.size() > 1 && name[0] == '~') || name == "all_others" || name == "all";
}

std::string camera_label(const CameraConfig& c) { return fmt::format(" (camera {})", quote(c.id)); }

// Checks the camera list and returns path name -> camera, in list order.
std::vector<std::pair<std::string, const CameraConfig*>> camera_paths(const Config& config,
                                                                      const std::vector<CameraConfig>& cameras) {
  std::vector<std::pair<std::string, const CameraConfig*>> out;
  std::set<std::string> seen;
  const auto& prefix = config.mediamtx.path_prefix;
  for (const auto& c : cameras) {
    auto name = camera_path_name(config, c);
    if (!valid_path_name(name) || prefix.find('/') != std::string::npos) {
      if (!valid_path_name(prefix + "x") || prefix.find('/') != std::string::npos)
        throw ConfigError(fmt::format(
            "mediamtx.path_prefix: {} makes MediaMTX path names like {} that MediaMTX refuses: use [0-9a-zA-Z_-.]",
            quote(prefix), quote(name)));
      throw BadInput(fmt::format("camera {}: path name {} is not a valid MediaMTX path name: use [0-9a-zA-Z_-.]",
                                 quote(c.id), quote(name)));
    }
    if (!seen.insert(name).second)
      throw BadInput(fmt::format("camera {}: two cameras share the MediaMTX path {}", quote(c.id), quote(name)));
    out.emplace_back(name, &c);
  }
  return out;
}

// The managed keys of a camera followed by the other keys of its previous entry (kept).
Pairs owned_entry(const Config& config, const CameraConfig& camera, const std::string& label,
                  const YAML::Node& previous, Validator* v) {
  Pairs pairs;
  for (auto& s : camera_path_settings(config, camera)) pairs.emplace_back(s.key, to_node(s.value));
  if (!previous || previous.IsNull()) return pairs;
  auto name = camera_path_name(config, camera);
  if (!previous.IsMap())
    fail_at(label, previous, "paths." + name + camera_label(camera), "expected a mapping of path settings");
  for (const auto& kv : previous) {
    auto key = kv.first.Scalar();
    if (is_managed_path_key(key)) continue;
    if (v) v->path_key(label, "paths." + name, camera_label(camera), kv.first, kv.second);
    pairs.emplace_back(key, kv.second);
  }
  return pairs;
}

struct PathOut {
  std::string name;
  const CameraConfig* camera = nullptr;  // owned: `pairs`; otherwise `raw` as it was
  Pairs pairs;
  YAML::Node raw;
};

YAML::Node find_pair(const Pairs& pairs, const std::string& key) {
  for (const auto& [k, v] : pairs)
    if (k == key) return v;
  return YAML::Node();
}

struct Document {
  Pairs globals;
  bool has_path_defaults = false;
  Pairs path_defaults;
  std::vector<PathOut> paths;
  std::vector<std::string> owned;
  std::vector<std::string> api_cameras;  // "id=path"
  std::vector<std::string> from_base;
  std::vector<std::string> managed_globals;  // access.mode jwt: the authentication keys
  std::string base_name;
};

// access.mode jwt: hook-server's authentication block replaces every managed auth key, written where
// the first of them was; MediaMTX's api, metrics and pprof must listen on loopback (metrics and
// pprof need no token, the API gets hook-server's service token).
void apply_jwt_auth(const Config& config, Document& doc, const Source& base, const Source& prev) {
  // Built by appending only: assigning a YAML::Node (as vector::insert does when it shifts
  // elements) rebinds the node it held, changing every other holder of it.
  Pairs out;
  bool written = false;
  auto write_auth = [&] {
    for (const auto& s : jwt_auth_settings(config)) {
      out.emplace_back(s.key, yaml_of(s.value));
      doc.managed_globals.push_back(s.key);
    }
    written = true;
  };
  for (const auto& pair : doc.globals) {
    if (!is_managed_auth_key(pair.first)) out.push_back(pair);
    else if (!written) write_auth();
  }
  if (!written) write_auth();
  doc.globals = std::move(out);

  for (const auto& svc : local_services()) {
    YAML::Node enabled = find_pair(doc.globals, svc.enable);
    if (!enabled || !truthy(enabled)) continue;
    YAML::Node address = find_pair(doc.globals, svc.address);
    const bool set = address && address.IsScalar();
    std::string value = set ? address.Scalar() : svc.fallback;
    if (loopback_address(value)) continue;
    const char* key = set ? svc.address : svc.enable;
    const Source& src = base.root[key] || !prev.root[key] ? base : prev;
    fail_at(src.label, set ? address : enabled, key,
            fmt::format("{} must listen on loopback (127.0.0.1, [::1] or localhost) with access.mode jwt: hook-server keeps "
                        "MediaMTX's api, metrics and pprof local, got {}{}",
                        svc.address, quote(value), set ? "" : " (MediaMTX's default)"));
  }
}

void check_path_map(Validator& v, const std::string& label, const std::string& name, const YAML::Node& key,
                    const YAML::Node& entry, const YAML::Node& path_defaults) {
  if (!valid_config_path_name(name))
    fail_at(label, key, "paths", fmt::format("invalid MediaMTX path name {}: use [0-9a-zA-Z_-/.], ~regex or all_others", quote(name)));
  if (!entry || entry.IsNull()) {
    v.delete_after(label, "paths." + name, key, YAML::Node(), path_defaults["recordDeleteAfter"], YAML::Node(),
                   path_defaults["recordPath"]);
    return;
  }
  if (!entry.IsMap()) fail_at(label, entry, "paths." + name, "expected a mapping of path settings");
  for (const auto& kv : entry) v.path_key(label, "paths." + name, "", kv.first, kv.second);
  v.delete_after(label, "paths." + name, key, entry["recordDeleteAfter"], path_defaults["recordDeleteAfter"],
                 entry["recordPath"], path_defaults["recordPath"]);
}


YAML::Node pairs_to_map(const Pairs& pairs) {
  YAML::Node m(YAML::NodeType::Map);
  for (const auto& [k, v] : pairs) m[k] = v;
  return m;
}

Document build(const Config& config, const std::vector<CameraConfig>& cameras, const ReferenceKeys& ref) {
  const auto& mc = config.mediamtx;
  if (mc.base_config.empty()) throw ConfigError("mediamtx.base_config: not set");
  if (mc.output.empty()) throw ConfigError("mediamtx.output: not set");
  Validator v(config, ref);
  auto cams = camera_paths(config, cameras);
  std::map<std::string, const CameraConfig*> by_name(cams.begin(), cams.end());

  Source base = load_source(mc.base_config, true, "the MediaMTX base configuration");
  Source prev = load_source(mc.output, false, "");
  Header header = parse_header(prev.text);

  const YAML::Node& broot = base.root;
  const YAML::Node& proot = prev.root;
  Document doc;
  doc.base_name = fs::path(base.label).filename().string();
  auto base_has = [&](const YAML::Node& map, const std::string& key) { return map && map.IsMap() && map[key]; };

  // Global keys: base.yml first, then the ones an admin added to the generated file.
  for (const auto& kv : broot) {
    auto key = kv.first.Scalar();
    if (key == "pathDefaults" || key == "paths") continue;
    v.global_key(base.label, kv.first, kv.second);
    doc.globals.emplace_back(key, kv.second);
    doc.from_base.push_back(key);
  }
  for (const auto& kv : proot) {
    auto key = kv.first.Scalar();
    // A key of the authentication block the previous generation wrote (access.mode jwt) is hook-server's,
    // not an admin's edit: it goes when the mode is open now.
    if (key == "pathDefaults" || key == "paths" || base_has(broot, key) || header.from_base.count(key) || header.managed.count(key))
      continue;
    v.global_key(prev.label, kv.first, kv.second);
    doc.globals.emplace_back(key, kv.second);
  }

  if (config.access.jwt()) apply_jwt_auth(config, doc, base, prev);

  // pathDefaults: the same rule, key by key.
  const YAML::Node base_pd = broot["pathDefaults"], prev_pd = proot["pathDefaults"];
  for (auto* src : {&base, &prev}) {
    const YAML::Node pd = src == &base ? base_pd : prev_pd;
    if (!pd || pd.IsNull()) continue;
    doc.has_path_defaults = true;
    if (!pd.IsMap()) fail_at(src->label, pd, "pathDefaults", "expected a mapping of path settings");
    for (const auto& kv : pd) {
      auto key = kv.first.Scalar();
      if (src == &prev && (base_has(base_pd, key) || header.from_base.count("pathDefaults." + key))) continue;
      v.path_key(src->label, "pathDefaults", "", kv.first, kv.second);
      doc.path_defaults.emplace_back(key, kv.second);
      if (src == &base) doc.from_base.push_back("pathDefaults." + key);
    }
  }
  // MediaMTX's own default (1d) would let its cleaner delete under our root: nobody chose it, so
  // write 0s there. A value someone set is theirs, and refused below when it is not 0s.
  const YAML::Node own_delete = find_pair(doc.path_defaults, "recordDeleteAfter");
  if ((!own_delete || own_delete.IsNull()) &&
      v.records_under_root(v.record_path_of(find_pair(doc.path_defaults, "recordPath"), YAML::Node()))) {
    doc.path_defaults.emplace_back("recordDeleteAfter", YAML::Node("0s"));
    doc.has_path_defaults = true;
  }
  YAML::Node pd_map = pairs_to_map(doc.path_defaults);
  {
    YAML::Node at = base_pd ? base_pd : prev_pd;
    const std::string& label = base_pd || !prev_pd ? base.label : prev.label;
    v.delete_after(label, "pathDefaults", at, find_pair(doc.path_defaults, "recordDeleteAfter"), YAML::Node(),
                   find_pair(doc.path_defaults, "recordPath"), YAML::Node());
  }

  // Paths: base.yml's, then the generated file's (owned ones regenerated, removed cameras dropped,
  // the rest kept), then new cameras.
  std::set<std::string> written;
  for (auto* src : {&base, &prev}) {
    const YAML::Node paths = (src == &base ? broot : proot)["paths"];
    if (!paths || paths.IsNull()) continue;
    if (!paths.IsMap()) fail_at(src->label, paths, "paths", "expected a mapping of path names to settings");
    for (const auto& kv : paths) {
      auto name = kv.first.Scalar();
      if (written.count(name)) continue;
      if (src == &base) {
        if (auto it = by_name.find(name); it != by_name.end())
          fail_at(base.label, kv.first, "paths." + name,
                  fmt::format("this name belongs to camera {}: hook-server writes this path", quote(it->second->id)));
        check_path_map(v, base.label, name, kv.first, kv.second, pd_map);
        doc.paths.push_back({name, nullptr, {}, kv.second});
        doc.from_base.push_back("paths." + name);
        written.insert(name);
        continue;
      }
      if (header.from_base.count("paths." + name)) continue;  // removed from base.yml
      if (auto it = by_name.find(name); it != by_name.end()) {
        doc.paths.push_back({name, it->second, owned_entry(config, *it->second, prev.label, kv.second, &v), {}});
        written.insert(name);
        continue;
      }
      if (header.owned.count(name)) continue;  // its camera was removed
      check_path_map(v, prev.label, name, kv.first, kv.second, pd_map);
      doc.paths.push_back({name, nullptr, {}, kv.second});
      written.insert(name);
    }
  }
  for (const auto& [name, camera] : cams) {
    if (!written.count(name)) doc.paths.push_back({name, camera, owned_entry(config, *camera, prev.label, YAML::Node(), &v), {}});
    doc.owned.push_back(name);
    if (!config.find_camera(camera->id)) doc.api_cameras.push_back(camera->id + "=" + name);
  }
  // Sorted, so that the server (cameras in index order) and gen-config (file order) write the same.
  std::sort(doc.owned.begin(), doc.owned.end());
  std::sort(doc.api_cameras.begin(), doc.api_cameras.end());

  // Managed values come from hook-server.yml: their recordPath is checked like the others.
  if (!cams.empty()) v.record_path(config_label(config), "mediamtx.record_path", YAML::Node(), config.mediamtx.record_path);
  YAML::Node playback;
  for (const auto& [k, n] : doc.globals)
    if (k == "playback") playback = n;
  v.playback(playback && truthy(playback));
  return doc;
}

std::string render(const Document& doc, const ReferenceKeys& ref) {
  std::string out;
  out += fmt::format(
      "# Generated by hook-server (gen-config) from {} and the camera list. You may edit this file:\n"
      "# regeneration keeps your edits except to what hook-server manages:\n"
      "#   - global keys, pathDefaults keys and paths defined in {} (listed in from-base) come from\n"
      "#     there: edit them in {};\n"
      "#   - on the paths it owns (owned-paths: path_prefix + camera id) the keys listed in\n"
      "#     managed-path-keys are rewritten and any other key you add is kept; the path of a removed\n"
      "#     camera is deleted;\n"
      "#   - every other path, and every global or pathDefaults key {} lacks, is kept as you left it.\n"
      "#   - with access.mode jwt, the authentication keys (managed-global-keys) are hook-server's: it\n"
      "#     is MediaMTX's token issuer, and gen-config --check fails when they were changed by hand.\n"
      "# Cameras added through hook-server's API are listed in api-cameras: gen-config keeps them.\n"
      "# Comments other than this header are not kept. Keys are checked against {}.\n"
      "# Keep the \"# hook-server:\" lines: they tell the next generation what it owns.\n",
      doc.base_name, doc.base_name, doc.base_name, doc.base_name, ref.name());
  header_list(out, "managed-path-keys", managed_path_keys());
  header_list(out, "owned-paths", doc.owned);
  header_list(out, "api-cameras", doc.api_cameras);
  header_list(out, "from-base", doc.from_base);
  if (!doc.managed_globals.empty()) header_list(out, "managed-global-keys", doc.managed_globals);
  out += "\n";

  YAML::Emitter e;
  e.SetNullFormat(YAML::LowerNull);
  e << YAML::BeginMap;
  for (const auto& [k, n] : doc.globals) {
    emit_key(e, k);
    emit(e, n);
  }
  if (doc.has_path_defaults) {
    e << YAML::Key << "pathDefaults" << YAML::Value;
    emit_pairs(e, doc.path_defaults);
  }
  e << YAML::Key << "paths" << YAML::Value;
  if (doc.paths.empty()) e << YAML::Flow;
  e << YAML::BeginMap;
  for (const auto& p : doc.paths) {
    emit_key(e, p.name);
    if (p.camera) emit_pairs(e, p.pairs);
    else emit(e, p.raw);
  }
  e << YAML::EndMap;
  e << YAML::EndMap;
  if (!e.good()) throw Error(fmt::format("cannot emit mediamtx.yml: {}", e.GetLastError()));
  out += e.c_str();
  out += "\n";
  return out;
}

// ---- diff --------------------------------------------------------------------------------------

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

// A diff line with URL passwords and the value of a secret-like key (pass, passphrase, token,
// secret, in any YAML position "key: value" or "- key: value") shown as ***.
std::string redact_line(const std::string& line) {
  std::string out = redact_credentials(line);
  size_t i = 0;
  while (i < out.size() && out[i] == ' ') ++i;
  if (i + 1 < out.size() && out[i] == '-' && out[i + 1] == ' ') {
    i += 2;
    while (i < out.size() && out[i] == ' ') ++i;
  }
  size_t key_start = i;
  while (i < out.size() && (std::isalnum(static_cast<unsigned char>(out[i])) || out[i] == '_')) ++i;
  std::string key = out.substr(key_start, i - key_start);
  if (i >= out.size() || out[i] != ':') return out;
  ++i;
  while (i < out.size() && out[i] == ' ') ++i;
  std::string value = out.substr(i);
  std::string lower;
  for (char c : key) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool secret = lower.find("pass") != std::string::npos || lower.find("token") != std::string::npos ||
                lower.find("secret") != std::string::npos;
  if (!secret || value.empty() || value == "~" || value == "null" || value == "\"\"" || value == "''") return out;
  return out.substr(0, i) + "***";
}

}  // namespace

std::string line_diff(const std::string& before, const std::string& after, const std::string& before_label,
                      const std::string& after_label) {
  if (before == after) return "";
  auto a = split_lines(before), b = split_lines(after);
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;

  struct Op {
    char kind;  // ' ', '-', '+'
    size_t ai, bi;
  };
  std::vector<Op> ops;
  for (size_t i = 0; i < pre; ++i) ops.push_back({' ', i, i});
  if (n * m <= 4'000'000) {
    // Longest common subsequence of the middle, walked forwards.
    std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        lcs[i][j] = a[pre + i] == b[pre + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) ops.push_back({' ', pre + i++, pre + j++});
      else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push_back({'-', pre + i++, pre + j});
      else ops.push_back({'+', pre + i, pre + j++});
    }
  } else {
    for (size_t i = 0; i < n; ++i) ops.push_back({'-', pre + i, pre});
    for (size_t j = 0; j < m; ++j) ops.push_back({'+', pre + n, pre + j});
  }
  for (size_t k = 0; k < suf; ++k) ops.push_back({' ', a.size() - suf + k, b.size() - suf + k});

  constexpr size_t kContext = 3;
  std::string out = fmt::format("--- {}\n+++ {}\n", redact_credentials(before_label), redact_credentials(after_label));
  size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    size_t start = k > kContext ? k - kContext : 0;
    size_t end = k;  // one past the last change of this hunk
    size_t scan = k;
    while (scan < ops.size()) {
      if (ops[scan].kind != ' ') {
        end = scan + 1;
        ++scan;
        continue;
      }
      size_t run = scan;
      while (run < ops.size() && ops[run].kind == ' ') ++run;
      if (run == ops.size() || run - scan > 2 * kContext) break;
      scan = run;
    }
    size_t stop = std::min(ops.size(), end + kContext);
    size_t a_count = 0, b_count = 0;
    for (size_t x = start; x < stop; ++x) {
      if (ops[x].kind != '+') ++a_count;
      if (ops[x].kind != '-') ++b_count;
    }
    size_t a_start = ops[start].ai + (a_count ? 1 : 0), b_start = ops[start].bi + (b_count ? 1 : 0);
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_start, a_count, b_start, b_count);
    for (size_t x = start; x < stop; ++x) {
      const auto& op = ops[x];
      out += op.kind;
      out += redact_line(op.kind == '+' ? b[op.bi] : a[op.ai]);
      out += '\n';
    }
    k = stop;
  }
  return out;
}

std::string generate_mediamtx_yaml(const Config& config, const std::vector<CameraConfig>& cameras,
                                   const ReferenceKeys& reference) {
  try {
    return render(build(config, cameras, reference), reference);
  } catch (const YAML::Exception& e) {  // a shape yaml-cpp refuses to convert (e.g. a complex key)
    throw ConfigError(redact_credentials(fmt::format("{}: {}", config.mediamtx.output.string(), e.what())));
  }
}

namespace {

void write_atomically(const fs::path& file, const std::string& text) {
  auto fail = [&](const char* call) -> void {
    throw Error(fmt::format("{}: cannot write the MediaMTX configuration: {} failed: {}", file.string(), call,
                            std::strerror(errno)));
  };
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  mode_t mode = 0640;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) mode = st.st_mode & 07777;

  std::string tmp = (dir / ("." + file.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) fail("mkstemp");
  auto cleanup = [&](const char* call) {
    int saved = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    errno = saved;
    fail(call);
  };
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      cleanup("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) cleanup("fchmod");
  if (::fsync(fd) != 0) cleanup("fsync");
  if (::close(fd) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    fail("close");
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    fail("rename");
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

GenResult write_mediamtx_config(const Config& config, const std::vector<CameraConfig>& cameras,
                                const ReferenceKeys& reference) {
  GenResult r;
  r.output = config.mediamtx.output;
  std::string text = generate_mediamtx_yaml(config, cameras, reference);
  auto existing = read_text(r.output);
  if (existing && *existing == text) return r;
  r.diff = line_diff(existing.value_or(""), text, existing ? r.output.string() + " (before)" : "/dev/null",
                     r.output.string() + " (generated)");
  write_atomically(r.output, text);
  r.changed = true;
  return r;
}

GenResult check_mediamtx_config(const Config& config, const std::vector<CameraConfig>& cameras,
                                const ReferenceKeys& reference) {
  GenResult r;
  r.output = config.mediamtx.output;
  std::string text;
  try {
    text = generate_mediamtx_yaml(config, cameras, reference);
  } catch (const Error& e) {
    r.changed = true;
    r.valid = false;
    r.diff = "error: " + redact_credentials(e.what()) + "\n";
    return r;
  }
  auto existing = read_text(r.output);
  if (existing && *existing == text) return r;
  r.changed = true;
  r.diff = line_diff(existing.value_or(""), text, existing ? r.output.string() + " (on disk)" : "/dev/null",
                     r.output.string() + " (generated)");
  if (existing && config.access.jwt()) {
    // Say it in words when the difference opens MediaMTX: the diff alone is easy to skim past.
    nlohmann::json on_disk;
    try {
      on_disk = to_json(YAML::Load(*existing));
    } catch (const YAML::Exception&) {
    }
    std::string prefix;
    for (const auto& problem : auth_drift(config, on_disk))
      prefix += fmt::format("error: {}: {} (access.mode is jwt: was it edited by hand? run gen-config)\n", r.output.string(), problem);
    r.diff = prefix + r.diff;
  }
  return r;
}

std::map<std::string, nlohmann::json> camera_path_confs(const Config& config, const std::vector<CameraConfig>& cameras,
                                                         const ReferenceKeys& reference) {
  Validator v(config, reference);
  auto cams = camera_paths(config, cameras);
  Source prev;
  prev.root = YAML::Node(YAML::NodeType::Map);
  if (!config.mediamtx.output.empty()) prev = load_source(config.mediamtx.output, false, "");
  const YAML::Node& root = prev.root;
  const YAML::Node paths = root["paths"];
  std::map<std::string, nlohmann::json> out;
  for (const auto& [name, camera] : cams) {
    const YAML::Node previous = paths && paths.IsMap() ? paths[name] : YAML::Node();
    auto obj = nlohmann::json::object();
    for (const auto& [k, n] : owned_entry(config, *camera, prev.label, previous, &v)) obj[k] = to_json(n);
    out[name] = std::move(obj);
  }
  return out;
}

std::vector<CleanerRisk> mediamtx_cleaner_risks(const Config& config, const ReferenceKeys& reference) {
  Validator v(config, reference);
  Source file = load_source(config.mediamtx.output, false, "");
  const YAML::Node pd = file.root["pathDefaults"];
  const YAML::Node paths = file.root["paths"];
  auto key = [](const YAML::Node& map, const char* k) { return map && map.IsMap() ? map[k] : YAML::Node(); };
  std::vector<CleanerRisk> out;
  if (!file.exists) return out;
  if (auto value = v.cleaning_value(key(pd, "recordDeleteAfter"), YAML::Node(), key(pd, "recordPath"), YAML::Node()))
    out.push_back({"pathDefaults", *value});
  if (paths && paths.IsMap()) {
    for (const auto& kv : paths) {
      if (auto value = v.cleaning_value(key(kv.second, "recordDeleteAfter"), key(pd, "recordDeleteAfter"),
                                        key(kv.second, "recordPath"), key(pd, "recordPath")))
        out.push_back({"paths." + kv.first.Scalar(), *value});
    }
  }
  return out;
}

std::vector<CameraConfig> api_cameras_in_output(const Config& config) {
  Source prev = load_source(config.mediamtx.output, false, "");
  const YAML::Node paths = prev.root["paths"];
  std::vector<CameraConfig> out;
  for (const auto& token : parse_header(prev.text).api) {
    auto eq = token.find('=');
    if (eq == std::string::npos) continue;
    CameraConfig c;
    c.id = token.substr(0, eq);
    if (config.find_camera(c.id)) continue;  // now defined in hook-server.yml: that wins
    const YAML::Node entry = paths && paths.IsMap() ? paths[token.substr(eq + 1)] : YAML::Node();
    if (!entry || !entry.IsMap()) continue;  // its path was removed by hand: so is the camera
    c.name = c.id;
    c.plan = config.retention.default_plan;
    c.source = scalar_or_empty(entry["source"]);
    c.rtsp_transport = scalar_or_empty(entry["rtspTransport"]);
    c.record = !entry["record"] || truthy(entry["record"]);
    out.push_back(std::move(c));
  }
  return out;
}

std::set<std::string> read_owned_paths(const fs::path& generated_file) {
  auto text = read_text(generated_file);
  return text ? parse_header(*text).owned : std::set<std::string>();
}

}  // namespace hs
