#pragma once
// The signing keys: <data_dir>/signing-keys.json (mode 0600), created with one key on first start,
// never logged and never served (only their public halves reach the JWKS). Several keys live there
// at once, each with its kid (RFC 7638 thumbprint), its creation time and the time it starts
// signing.
//
// The rotation rule (docs/access.md has the MediaMTX facts behind it):
//   * `hook-server keys rotate` adds a key that is published in the JWKS at once but signs only
//     from created + kActivationDelay. MediaMTX fetches the JWKS lazily, at the first JWT check
//     and again at the first check once its copy is an hour old (jwksRefreshPeriod), so any check
//     made an hour after the key was published uses a JWKS that holds it; 5 minutes are added for
//     clock differences between machines. When hook-server tells MediaMTX to refetch through its
//     Control API (mediamtx.api_url), the key signs as soon as that call succeeded (Issuer).
//   * A key stays published until every token it can have signed has expired: until the first
//     newer key's activation + access.max_ttl + kRetireMargin. Retired keys are dropped from the
//     file at the next rotation.
//   * `keys rotate --now` (a key that leaked): the new key signs at once and every older key is
//     dropped at once; tokens they signed stop working, in MediaMTX as soon as it refetches (at
//     once with mediamtx.api_url, otherwise within the hour).
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "access/signing_key.hpp"
#include "util/time.hpp"

namespace hs::access {

// MediaMTX's jwksRefreshPeriod (internal/auth/manager.go) plus 5 minutes.
inline constexpr Micros kActivationDelay = std::chrono::minutes{65};
// Past a token's longest life before its key leaves the JWKS.
inline constexpr Micros kRetireMargin = std::chrono::minutes{5};

struct StoredKey {
  std::string kid;
  TimePoint created{};
  TimePoint activates{};  // signs from here on (or earlier, once MediaMTX is known to have it)
  SigningKey key;
};

// The rule above over a list of keys ordered by creation (pure).
struct KeyRing {
  std::vector<StoredKey> keys;

  // The key that signs at `now`: the newest key that is active (activates <= now) or that MediaMTX
  // is known to have (`known` kids). Null when there is none (not for a store this class wrote).
  const StoredKey* signing(TimePoint now, const std::set<std::string>& known = {}) const;
  // When `key` leaves the JWKS; nullopt while no newer key exists.
  std::optional<TimePoint> retires(const StoredKey& key, Micros max_ttl) const;
  // The keys in the JWKS at `now`: every key not yet retired.
  std::vector<const StoredKey*> published(TimePoint now, Micros max_ttl) const;
  const StoredKey* find(std::string_view kid) const;
};

// Identity of the file on disk, to notice a rotation made by another process.
struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

class KeyStore {
 public:
  explicit KeyStore(std::filesystem::path file) : file_(std::move(file)) {}
  const std::filesystem::path& file() const { return file_; }

  // The keys; when the file does not exist, creates it (and its folder) with one key that signs at
  // once. Throws Error naming the file: not JSON, not a key store, a key that does not load, or a
  // file that others may read ("mode 0644: only its owner may read it (chmod 600 ...)").
  KeyRing load_or_create(TimePoint now) const;
  // The same without creating: throws Error when the file is missing.
  KeyRing load() const;
  std::optional<FileStamp> stamp() const;

  struct Rotation {
    StoredKey added;
    std::vector<std::string> dropped;  // kids removed from the file (retired, or all with --now)
  };
  // Adds a key as the rule says and drops retired keys (with `immediately`: every older key), under
  // an exclusive lock so that a server starting at the same moment does not create a second store.
  Rotation rotate(TimePoint now, Micros max_ttl, bool immediately) const;

 private:
  void save(const KeyRing& ring) const;
  std::filesystem::path file_;
};

}  // namespace hs::access
