// Signing and verifying hook-server's JWTs with the keys of the key store (rule in key_store.hpp).
#include "access/issuer.hpp"

#include <fmt/format.h>

#include "access/jwt.hpp"
#include "config/config.hpp"
#include "util/base64url.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs::access {

namespace {

constexpr auto kReloadCheck = std::chrono::seconds{1};

std::int64_t seconds_of(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string kids(const std::vector<const StoredKey*>& keys) {
  std::string out;
  for (auto* k : keys) out += (out.empty() ? "" : ",") + k->kid;
  return out;
}

// A NumericDate claim when present; Unauthorized when it is not a whole number.
std::optional<TimePoint> time_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (!it->is_number_integer()) throw Unauthorized(fmt::format("token: claim {} is not a whole number of seconds", quote(name)));
  return TimePoint(std::chrono::seconds{it->get<std::int64_t>()});
}

bool audience_matches(const nlohmann::json& aud, const std::string& expected) {
  if (aud.is_string()) return aud == expected;
  if (!aud.is_array()) return false;
  for (const auto& a : aud)
    if (a.is_string() && a == expected) return true;
  return false;
}

}  // namespace

Issuer::Options Issuer::options_from(const Config& config) {
  return Options{config.data_dir / "signing-keys.json",
                 ClaimNames{config.access.issuer, config.access.audience, config.mediamtx.path_prefix},
                 config.access.max_ttl};
}

Issuer::Issuer(Options options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), store_(options_.key_file) {
  ring_ = store_.load_or_create(clock_.now());
  stamp_ = store_.stamp();
  last_check_ = std::chrono::steady_clock::now();
}

void Issuer::maybe_reload_locked() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < kReloadCheck) return;
  last_check_ = now;
  auto stamp = store_.stamp();
  if (stamp == stamp_) return;
  try {
    ring_ = store_.load();
    stamp_ = stamp;
    service_tokens_.clear();
  } catch (const Error& e) {
    log::get("access")->error("signing keys not reloaded, the previous ones stay in use: {}", e.what());
    stamp_ = stamp;  // not again until the file changes once more
  }
}

bool Issuer::reload_if_changed() {
  std::lock_guard lock(mutex_);
  auto before = kids(ring_.published(clock_.now(), options_.max_ttl));
  last_check_ = {};
  maybe_reload_locked();
  auto after = kids(ring_.published(clock_.now(), options_.max_ttl));
  if (before != after) log::get("access")->info("published signing keys: {}", after);
  return before != after;
}

void Issuer::mediamtx_has_published_keys() {
  std::lock_guard lock(mutex_);
  for (auto* k : ring_.published(clock_.now(), options_.max_ttl)) known_to_mediamtx_.insert(k->kid);
}

const StoredKey& Issuer::signing_locked(TimePoint now) {
  maybe_reload_locked();
  auto* key = ring_.signing(now, known_to_mediamtx_);
  if (!key) throw Error(fmt::format("{}: no key signs yet", options_.key_file.string()));
  return *key;
}

std::string Issuer::signing_kid() {
  std::lock_guard lock(mutex_);
  return signing_locked(clock_.now()).kid;
}

nlohmann::json Issuer::jwks() {
  std::lock_guard lock(mutex_);
  maybe_reload_locked();
  auto keys = nlohmann::json::array();
  for (auto* k : ring_.published(clock_.now(), options_.max_ttl)) keys.push_back(k->key.public_jwk(k->kid));
  return {{"keys", std::move(keys)}};
}

std::string Issuer::issue(Grant& grant, const CameraPaths& paths) {
  grant.jti = base64url_encode(random_bytes(16));
  auto claims = grant_claims(grant, paths, options_.names);
  std::lock_guard lock(mutex_);
  const auto& key = signing_locked(clock_.now());
  return encode_jwt(claims, key.key, key.kid);
}

std::string Issuer::service_token(const std::vector<Permission>& permissions) {
  auto perms = permissions_json(permissions);
  auto cache_key = perms.dump();
  std::lock_guard lock(mutex_);
  auto now = clock_.now();
  const auto& key = signing_locked(now);
  if (auto it = service_tokens_.find(cache_key); it != service_tokens_.end() && it->second.expires - now > kServiceTokenLife / 2)
    return it->second.token;
  auto issued = std::chrono::floor<std::chrono::seconds>(now);
  auto expires = issued + std::chrono::floor<std::chrono::seconds>(kServiceTokenLife);
  nlohmann::json claims{{"iss", options_.names.issuer},
                        {"aud", options_.names.audience},
                        {"sub", "hook-server"},
                        {"iat", seconds_of(issued)},
                        {"exp", seconds_of(expires)},
                        {"jti", base64url_encode(random_bytes(16))},
                        {"mediamtx_permissions", std::move(perms)}};
  auto token = encode_jwt(claims, key.key, key.kid);
  if (service_tokens_.size() > 4096) service_tokens_.clear();
  service_tokens_[cache_key] = {token, expires};
  return token;
}

Grant Issuer::verify(std::string_view token) {
  auto jwt = decode_jwt(token);
  {
    std::lock_guard lock(mutex_);
    maybe_reload_locked();
    const StoredKey* key = nullptr;
    for (auto* k : ring_.published(clock_.now(), options_.max_ttl))
      if (k->kid == jwt.kid) key = k;
    if (!key) throw Unauthorized(fmt::format("token: unknown key id {} (not one of hook-server's published keys)", quote(jwt.kid)));
    if (!key->key.verify(jwt.signing_input, jwt.signature)) throw Unauthorized("token: signature does not verify");
  }
  const auto& c = jwt.claims;
  auto iss = c.find("iss");
  if (iss == c.end() || *iss != options_.names.issuer)
    throw Unauthorized(fmt::format("token: issuer {} is not {}", quote(iss == c.end() ? "" : json_text(*iss)),
                                   quote(options_.names.issuer)));
  auto aud = c.find("aud");
  if (aud == c.end() || !audience_matches(*aud, options_.names.audience))
    throw Unauthorized(fmt::format("token: audience {} is not {}", quote(aud == c.end() ? "" : json_text(*aud)),
                                   quote(options_.names.audience)));
  auto now = clock_.now();
  auto exp = time_claim(c, "exp");
  if (!exp) throw Unauthorized("token: claim \"exp\" missing");
  if (now >= *exp + kLeeway) throw Unauthorized(fmt::format("token: expired at {}", format_rfc3339_ms(*exp)));
  auto iat = time_claim(c, "iat");
  if (!iat) throw Unauthorized("token: claim \"iat\" missing");
  if (*iat > now + kLeeway) throw Unauthorized(fmt::format("token: not valid before {} (issued in the future)", format_rfc3339_ms(*iat)));
  if (auto nbf = time_claim(c, "nbf"); nbf && *nbf > now + kLeeway)
    throw Unauthorized(fmt::format("token: not valid before {}", format_rfc3339_ms(*nbf)));
  return grant_from_claims(c);
}

}  // namespace hs::access
