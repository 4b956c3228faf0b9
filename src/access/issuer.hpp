#pragma once
// hook-server as a token issuer: the key store read into memory, the JWKS it publishes, viewer
// tokens signed and verified, and the short-lived service tokens hook-server signs for itself
// (its snapshot reader and Control API client talk to a MediaMTX that demands a JWT).
//
// Thread-safe. A rotation made by another process (`hook-server keys rotate`) is noticed by
// reload_if_changed(), which the server's worker calls every few seconds, and by every call that
// needs the keys at most once a second.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "access/grant.hpp"
#include "access/key_store.hpp"
#include "util/time.hpp"

namespace hs {
struct Config;
}

namespace hs::access {

// Clock skew a verification tolerates on exp, iat and nbf.
inline constexpr Micros kLeeway = std::chrono::seconds{10};
// Life of a service token; one is reused until half of it is left.
inline constexpr Micros kServiceTokenLife = std::chrono::minutes{5};

class Issuer {
 public:
  struct Options {
    std::filesystem::path key_file;
    ClaimNames names;
    Micros max_ttl = std::chrono::hours{24};
  };
  static Options options_from(const Config& config);

  // Loads the key store, creating it on first start. Throws Error (ConfigError-like: start-up).
  Issuer(Options options, const Clock& clock);

  // {"keys": [public JWK...]}: every key not yet retired.
  nlohmann::json jwks();
  // Signs a viewer token for `grant` (its jti is set here). `paths` maps the known cameras to their
  // MediaMTX paths (grant_claims). Throws BadInput for an unknown camera, Error when signing fails.
  std::string issue(Grant& grant, const CameraPaths& paths);
  // The grant of a viewer token, or Unauthorized naming why not: a malformed token (decode_jwt), a
  // kid that is not one of the published keys, a signature that does not verify, iss or aud not
  // ours, exp passed or iat/nbf in the future (beyond kLeeway), or no hook_server claim (service
  // tokens are not viewers).
  Grant verify(std::string_view token);
  // A token for MediaMTX only, sub "hook-server", with exactly these permissions; reused while more
  // than half of its kServiceTokenLife is left.
  std::string service_token(const std::vector<Permission>& permissions);

  // Re-reads the key store when the file changed. Returns true when the published keys changed
  // (then MediaMTX should be told to refetch the JWKS). Errors are logged, the old keys kept.
  bool reload_if_changed();
  // MediaMTX acknowledged a JWKS refresh after every key published now was in the JWKS: those keys
  // may sign at once, before their activation time.
  void mediamtx_has_published_keys();
  // The kid that signs now.
  std::string signing_kid();
  const Options& options() const { return options_; }

 private:
  void maybe_reload_locked();
  const StoredKey& signing_locked(TimePoint now);

  Options options_;
  const Clock& clock_;
  KeyStore store_;
  std::mutex mutex_;
  KeyRing ring_;
  std::optional<FileStamp> stamp_;
  std::chrono::steady_clock::time_point last_check_;
  std::set<std::string> known_to_mediamtx_;
  struct Cached {
    std::string token;
    TimePoint expires;
  };
  std::map<std::string, Cached> service_tokens_;
};

}  // namespace hs::access
