// MediaMTX Control API client (cpp-httplib) and the re-application of camera paths through it.
#include "mediamtx/control_api.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <cctype>
#include <regex>
#include <set>

#include "mediamtx/camera_path.hpp"
#include "mediamtx/config_gen.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

// Path names may hold '/' (nested paths) and regex characters (~^cam.*$): everything but
// unreserved characters and '/' is percent-encoded.
std::string encode_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string trimmed_body(const std::string& body) {
  std::string s = body;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

ControlApi::LivePath live_path(const nlohmann::json& j) {
  ControlApi::LivePath p;
  p.raw = j;
  p.name = j.value("name", "");
  p.conf_name = j.value("confName", "");
  auto flag = [&](const char* key, bool fallback) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
  };
  p.available = flag("available", flag("ready", false));
  p.online = flag("online", p.available);
  for (const char* key : {"availableTime", "readyTime"}) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) {
      p.available_time = it->get<std::string>();
      break;
    }
  }
  return p;
}

}  // namespace

ControlApi::ControlApi(std::string base_url) : ControlApi(std::move(base_url), Options{}) {}

ControlApi::ControlApi(std::string base_url, Options options) : base_url_(std::move(base_url)), options_(options) {
  static const std::regex kUrl("^(https?)://(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)(/.*)?$");
  std::smatch m;
  if (!std::regex_match(base_url_, m, kUrl))
    throw ConfigError(fmt::format("mediamtx.api_url: expected a URL like http://127.0.0.1:9997, got {}",
                                  quote(redact_credentials(base_url_))));
  scheme_host_port_ = m[1].str() + "://" + m[4].str();
  user_ = percent_decode(m[2].str());
  password_ = percent_decode(m[3].str());
  prefix_ = m[5].str();
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

nlohmann::json ControlApi::call(const char* what, const std::string& name, const char* method, const std::string& path,
                                const nlohmann::json* body) const {
  std::string label = name.empty() ? std::string(what) : fmt::format("{} path {}", what, quote(name));
  httplib::Client cli(scheme_host_port_);
  cli.set_connection_timeout(options_.connect_timeout);
  cli.set_read_timeout(options_.read_timeout);
  cli.set_write_timeout(options_.read_timeout);
  cli.set_url_encode(false);
  cli.set_keep_alive(false);
  if (options_.bearer) cli.set_bearer_token_auth(options_.bearer());
  else if (!user_.empty() || !password_.empty()) cli.set_basic_auth(user_, password_);

  std::string url = prefix_ + path;
  std::string payload = body ? body->dump() : std::string();
  std::string_view m(method);
  httplib::Result res = m == "GET"     ? cli.Get(url)
                        : m == "POST"  ? cli.Post(url, payload, "application/json")
                        : m == "PATCH" ? cli.Patch(url, payload, "application/json")
                                       : cli.Delete(url);
  if (!res)
    throw Error(redact_credentials(fmt::format("MediaMTX API: {}: {} {}{}: {}", label, method, base_url_, path,
                                               httplib::to_string(res.error()))));

  nlohmann::json j = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status >= 200 && res->status < 300) {
    if (res->body.empty()) return nlohmann::json::object();
    if (j.is_discarded())
      throw Error(redact_credentials(
          fmt::format("MediaMTX API: {}: {} {}: not JSON: {}", label, method, path, quote(trimmed_body(res->body)))));
    return j;
  }
  std::string message;
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string())
    message = j["error"].get<std::string>();
  else
    message = trimmed_body(res->body);
  std::string text = redact_credentials(fmt::format("MediaMTX API: {}: {} {}: HTTP {}{}{}", label, method, path,
                                                    res->status, message.empty() ? "" : ": ", message));
  if (res->status == 404) throw NotFound(text);
  throw Error(text);
}

std::vector<nlohmann::json> ControlApi::list_all(const char* what, const std::string& path) const {
  std::vector<nlohmann::json> items;
  for (int page = 0;; ++page) {
    auto j = call(what, "", "GET", fmt::format("{}?itemsPerPage=100&page={}", path, page), nullptr);
    if (j.contains("items") && j["items"].is_array())
      for (auto& item : j["items"]) items.push_back(item);
    int pages = j.contains("pageCount") && j["pageCount"].is_number_integer() ? j["pageCount"].get<int>() : 1;
    if (page + 1 >= pages || page > 10000) break;
  }
  return items;
}

ControlApi::Info ControlApi::info() const {
  auto j = call("get info", "", "GET", "/v3/info", nullptr);
  return {j.value("version", ""), j.value("started", "")};
}

void ControlApi::refresh_jwks() const { call("refresh JWKS", "", "POST", "/v3/auth/jwks/refresh", nullptr); }

nlohmann::json ControlApi::get_path_config(const std::string& name) const {
  return call("get config of", name, "GET", "/v3/config/paths/get/" + encode_name(name), nullptr);
}

std::vector<nlohmann::json> ControlApi::list_path_configs() const {
  return list_all("list path configs", "/v3/config/paths/list");
}

void ControlApi::add_path(const std::string& name, const nlohmann::json& conf) const {
  call("add", name, "POST", "/v3/config/paths/add/" + encode_name(name), &conf);
}

void ControlApi::patch_path(const std::string& name, const nlohmann::json& conf) const {
  call("patch", name, "PATCH", "/v3/config/paths/patch/" + encode_name(name), &conf);
}

void ControlApi::replace_path(const std::string& name, const nlohmann::json& conf) const {
  call("replace", name, "POST", "/v3/config/paths/replace/" + encode_name(name), &conf);
}

void ControlApi::delete_path(const std::string& name) const {
  call("delete", name, "DELETE", "/v3/config/paths/delete/" + encode_name(name), nullptr);
}

ControlApi::LivePath ControlApi::get_path(const std::string& name) const {
  return live_path(call("get state of", name, "GET", "/v3/paths/get/" + encode_name(name), nullptr));
}

std::vector<ControlApi::LivePath> ControlApi::list_paths() const {
  std::vector<LivePath> out;
  for (const auto& j : list_all("list paths", "/v3/paths/list")) out.push_back(live_path(j));
  return out;
}

ApplyResult apply_cameras(const ControlApi& api, const Config& config, const std::vector<CameraConfig>& cameras) {
  auto confs = camera_path_confs(config, cameras);
  std::set<std::string> owned = read_owned_paths(config.mediamtx.output);
  std::string signature = hook_command_line(config, "segment-complete");
  const std::string& prefix = config.mediamtx.path_prefix;

  std::set<std::string> present;
  std::vector<std::string> stale;
  for (const auto& item : api.list_path_configs()) {
    std::string name = item.value("name", "");
    if (name.empty()) continue;
    present.insert(name);
    if (confs.count(name)) continue;
    auto hook = item.find("runOnRecordSegmentComplete");
    bool ours = hook != item.end() && hook->is_string() && hook->get<std::string>() == signature &&
                name.rfind(prefix, 0) == 0;
    if (owned.count(name) || ours) stale.push_back(name);
  }

  ApplyResult r;
  for (const auto& camera : cameras) {
    auto name = camera_path_name(config, camera);
    const auto& conf = confs.at(name);
    if (present.count(name)) {
      try {
        api.replace_path(name, conf);
        r.replaced.push_back(name);
        continue;
      } catch (const NotFound&) {
        // deleted meanwhile: add it below
      }
    }
    api.add_path(name, conf);
    r.added.push_back(name);
  }
  for (const auto& name : stale) {
    try {
      api.delete_path(name);
    } catch (const NotFound&) {
      // already gone
    }
    r.deleted.push_back(name);
  }
  return r;
}

bool reapply_if_restarted(const ControlApi& api, const Config& config, const std::vector<CameraConfig>& cameras,
                          std::string& last_started) {
  auto info = api.info();
  if (!last_started.empty() && info.started == last_started) return false;
  apply_cameras(api, config, cameras);
  last_started = info.started;
  return true;
}

}  // namespace hs
