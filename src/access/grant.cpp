// Grants of viewer tokens: requests validated, claims written for MediaMTX and for hook-server,
// claims read back. No cryptography and no clock here (see issuer.cpp).
#include "access/grant.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "access/jwt.hpp"
#include "util/error.hpp"

namespace hs::access {

namespace {

constexpr Action kActions[] = {Action::read, Action::playback, Action::manage, Action::publish};
constexpr std::size_t kMaxSubject = 200;

bool id_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

// The part of a path after the prefix is a camera id: what the "*" regex of a grant matches.
bool prefix_camera_path(std::string_view path, std::string_view prefix) {
  if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  auto id = path.substr(prefix.size());
  return id.size() <= 64 && std::all_of(id.begin(), id.end(), id_char);
}

std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!id_char(c) || c == '-') out += '\\';
    out += c;
  }
  return out;
}

std::string action_list() { return "read, playback, manage or publish"; }

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

std::int64_t seconds_of(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint from_seconds(std::int64_t s) { return TimePoint(std::chrono::seconds{s}); }

}  // namespace

std::string_view action_name(Action a) {
  switch (a) {
    case Action::read: return "read";
    case Action::playback: return "playback";
    case Action::manage: return "manage";
    case Action::publish: return "publish";
  }
  return "?";
}

std::optional<Action> parse_action(std::string_view name) {
  for (auto a : kActions)
    if (action_name(a) == name) return a;
  return std::nullopt;
}

std::optional<std::string_view> mediamtx_action(Action a) {
  if (a == Action::manage) return std::nullopt;
  return action_name(a);
}

bool Grant::has_camera(std::string_view camera_id) const {
  return all_cameras || std::binary_search(cameras.begin(), cameras.end(), camera_id);
}

bool Grant::allows(std::string_view camera_id, Action action) const {
  return has_camera(camera_id) && std::find(actions.begin(), actions.end(), action) != actions.end();
}

nlohmann::json permissions_json(const std::vector<Permission>& permissions) {
  auto out = nlohmann::json::array();
  for (const auto& p : permissions) out.push_back({{"action", p.action}, {"path", p.path}});
  return out;
}

std::vector<Permission> mediamtx_permissions(const Grant& grant, const CameraPaths& paths, const std::string& path_prefix) {
  std::vector<Permission> out;
  if (grant.all_cameras) {
    for (auto a : grant.actions) {
      auto action = mediamtx_action(a);
      if (!action) continue;
      out.push_back({std::string(*action), "~^" + regex_escape(path_prefix) + "[A-Za-z0-9_-]{1,64}$"});
      for (const auto& [id, path] : paths)
        if (!prefix_camera_path(path, path_prefix)) out.push_back({std::string(*action), path});
    }
    return out;
  }
  for (const auto& id : grant.cameras) {
    auto it = paths.find(id);
    if (it == paths.end()) throw BadInput(fmt::format("cameras: no camera {}", quote(id)));
    for (auto a : grant.actions)
      if (auto action = mediamtx_action(a)) out.push_back({std::string(*action), it->second});
  }
  return out;
}

nlohmann::json grant_claims(const Grant& grant, const CameraPaths& paths, const ClaimNames& names) {
  auto actions = nlohmann::json::array();
  for (auto a : grant.actions) actions.push_back(action_name(a));
  nlohmann::json cameras = grant.all_cameras ? nlohmann::json("*") : nlohmann::json(grant.cameras);
  return {{"iss", names.issuer},
          {"aud", names.audience},
          {"sub", grant.subject},
          {"iat", seconds_of(grant.issued)},
          {"exp", seconds_of(grant.expires)},
          {"jti", grant.jti},
          {"mediamtx_permissions", permissions_json(mediamtx_permissions(grant, paths, names.path_prefix))},
          {"hook_server", {{"cameras", std::move(cameras)}, {"actions", std::move(actions)}}}};
}

Grant grant_from_claims(const nlohmann::json& claims) {
  auto string_claim = [&](const char* name) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_string()) throw Unauthorized(fmt::format("token: claim {} missing or not a string", quote(name)));
    return it->get<std::string>();
  };
  auto time_claim = [&](const char* name) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_number_integer())
      throw Unauthorized(fmt::format("token: claim {} missing or not a whole number of seconds", quote(name)));
    return from_seconds(it->get<std::int64_t>());
  };
  Grant g;
  g.subject = string_claim("sub");
  g.jti = string_claim("jti");
  g.issued = time_claim("iat");
  g.expires = time_claim("exp");
  auto hs = claims.find("hook_server");
  if (hs == claims.end() || !hs->is_object()) throw Unauthorized("token: grants nothing on hook-server (no \"hook_server\" claim)");
  auto cams = hs->find("cameras");
  auto acts = hs->find("actions");
  if (cams == hs->end() || acts == hs->end() || !acts->is_array())
    throw Unauthorized("token: claim \"hook_server\" needs \"cameras\" and \"actions\"");
  if (cams->is_string() && cams->get<std::string>() == "*") {
    g.all_cameras = true;
  } else if (cams->is_array()) {
    for (const auto& c : *cams) {
      if (!c.is_string()) throw Unauthorized("token: claim \"hook_server\": cameras must be strings");
      g.cameras.push_back(c.get<std::string>());
    }
    std::sort(g.cameras.begin(), g.cameras.end());
  } else {
    throw Unauthorized("token: claim \"hook_server\": cameras must be a list or \"*\"");
  }
  for (const auto& a : *acts) {
    auto action = a.is_string() ? parse_action(a.get<std::string>()) : std::nullopt;
    if (!action) throw Unauthorized(fmt::format("token: claim \"hook_server\": unknown action {}", a.dump()));
    g.actions.push_back(*action);
  }
  std::sort(g.actions.begin(), g.actions.end());
  return g;
}

Grant parse_token_request(const nlohmann::json& body, const CameraPaths& cameras, const TokenLimits& limits,
                          TimePoint now, std::string_view field_prefix) {
  auto field = [&](std::string_view name) { return std::string(field_prefix) + std::string(name); };
  // "body", or the nested object's own name ("viewer_token." -> "viewer_token").
  std::string object = field_prefix.empty() ? "body" : std::string(field_prefix.substr(0, field_prefix.size() - 1));
  if (!body.is_object()) throw BadInput(fmt::format("{}: expected a JSON object", object));
  for (const auto& [key, value] : body.items())
    if (key != "cameras" && key != "actions" && key != "ttl" && key != "subject")
      throw BadInput(fmt::format("{}: unknown field {}", object, quote(key)));

  Grant g;
  auto cams = body.find("cameras");
  if (cams == body.end()) throw BadInput(fmt::format("{}: missing (a list of camera ids, or \"*\")", field("cameras")));
  if (cams->is_string() && cams->get<std::string>() == "*") {
    g.all_cameras = true;
  } else if (cams->is_array() && !cams->empty()) {
    std::set<std::string> ids;
    for (const auto& c : *cams) {
      if (!c.is_string()) throw BadInput(fmt::format("{}: expected camera ids (strings), got {}", field("cameras"), c.dump()));
      auto id = c.get<std::string>();
      if (!cameras.count(id)) throw BadInput(fmt::format("{}: no camera {}", field("cameras"), quote(id)));
      ids.insert(id);
    }
    if (ids.size() > limits.max_cameras)
      throw BadInput(fmt::format("{}: at most {} cameras per token (\"*\" grants every camera), got {}", field("cameras"),
                                 limits.max_cameras, ids.size()));
    g.cameras.assign(ids.begin(), ids.end());
  } else {
    throw BadInput(fmt::format("{}: expected a non-empty list of camera ids or \"*\", got {}", field("cameras"),
                               quote(cams->dump())));
  }

  auto acts = body.find("actions");
  if (acts == body.end()) throw BadInput(fmt::format("{}: missing (a list of {})", field("actions"), action_list()));
  if (!acts->is_array() || acts->empty())
    throw BadInput(fmt::format("{}: expected a non-empty list of {}, got {}", field("actions"), action_list(), quote(acts->dump())));
  std::set<Action> actions;
  for (const auto& a : *acts) {
    auto action = a.is_string() ? parse_action(a.get<std::string>()) : std::nullopt;
    if (!action)
      throw BadInput(fmt::format("{}: expected {}, got {}", field("actions"), action_list(),
                                 quote(json_text(a))));
    actions.insert(*action);
  }
  g.actions.assign(actions.begin(), actions.end());

  Micros ttl = limits.default_ttl;
  if (auto t = body.find("ttl"); t != body.end()) {
    if (!t->is_string()) throw BadInput(fmt::format("{}: expected a duration like 15m, got {}", field("ttl"), quote(t->dump())));
    try {
      ttl = parse_duration(t->get<std::string>());
    } catch (const BadInput& e) {
      throw BadInput(fmt::format("{}: {}", field("ttl"), e.what()));
    }
    if (ttl < std::chrono::seconds{1})
      throw BadInput(fmt::format("{}: must be at least 1s, got {}", field("ttl"), quote(t->get<std::string>())));
    if (ttl > limits.max_ttl)
      throw BadInput(fmt::format("{}: at most {} (access.max_ttl), got {}", field("ttl"), format_duration(limits.max_ttl),
                                 quote(t->get<std::string>())));
  }

  auto sub = body.find("subject");
  if (sub == body.end()) throw BadInput(fmt::format("{}: missing (who the token is for, e.g. a user id)", field("subject")));
  if (!sub->is_string() || sub->get<std::string>().empty() || sub->get<std::string>().size() > kMaxSubject ||
      !printable(sub->get<std::string>()))
    throw BadInput(fmt::format("{}: expected 1 to {} printable characters, got {}", field("subject"), kMaxSubject,
                               quote(json_text(*sub))));
  g.subject = sub->get<std::string>();

  // NumericDate claims are whole seconds: the grant's times are what its token will say.
  g.issued = std::chrono::floor<std::chrono::seconds>(now);
  g.expires = g.issued + std::chrono::floor<std::chrono::seconds>(ttl);
  return g;
}

}  // namespace hs::access
