// The key store file and the rotation rule (key_store.hpp states it).
#include "access/key_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace hs::access {

namespace fs = std::filesystem;

const StoredKey* KeyRing::signing(TimePoint now, const std::set<std::string>& known) const {
  for (auto it = keys.rbegin(); it != keys.rend(); ++it)
    if (it->activates <= now || known.count(it->kid)) return &*it;
  return nullptr;
}

std::optional<TimePoint> KeyRing::retires(const StoredKey& key, Micros max_ttl) const {
  std::optional<TimePoint> first_successor;
  for (const auto& k : keys)
    if (k.created > key.created && (!first_successor || k.activates < *first_successor)) first_successor = k.activates;
  if (!first_successor) return std::nullopt;
  return *first_successor + max_ttl + kRetireMargin;
}

std::vector<const StoredKey*> KeyRing::published(TimePoint now, Micros max_ttl) const {
  std::vector<const StoredKey*> out;
  for (const auto& k : keys) {
    auto end = retires(k, max_ttl);
    if (!end || now < *end) out.push_back(&k);
  }
  return out;
}

const StoredKey* KeyRing::find(std::string_view kid) const {
  for (const auto& k : keys)
    if (k.kid == kid) return &k;
  return nullptr;
}

namespace {

constexpr int kFormat = 1;

StoredKey new_key(TimePoint now, TimePoint activates) {
  auto key = SigningKey::generate();
  auto kid = key.thumbprint();
  return StoredKey{std::move(kid), now, activates, std::move(key)};
}

// An exclusive flock on <file>.lock for as long as it lives.
class Lock {
 public:
  explicit Lock(const fs::path& file) {
    auto path = file;
    path += ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0)
      throw Error(fmt::format("{}: cannot lock: {}", path.string(), std::strerror(errno)));
  }
  ~Lock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  int fd_ = -1;
};

KeyRing parse(const fs::path& file, const std::string& text) {
  auto bad = [&](const std::string& why) { return Error(fmt::format("{}: not a hook-server key store: {}", file.string(), why)); };
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw bad("not a JSON object");
  if (j.value("format", 0) != kFormat) throw bad(fmt::format("expected \"format\": {}", kFormat));
  auto keys = j.find("keys");
  if (keys == j.end() || !keys->is_array() || keys->empty()) throw bad("expected a non-empty \"keys\" list");
  KeyRing ring;
  for (const auto& k : *keys) {
    if (!k.is_object() || !k.value("kid", nlohmann::json()).is_string() || !k.value("private_key", nlohmann::json()).is_string() ||
        !k.value("created", nlohmann::json()).is_string() || !k.value("activates", nlohmann::json()).is_string())
      throw bad("each key needs \"kid\", \"created\", \"activates\" and \"private_key\"");
    auto kid = k["kid"].get<std::string>();
    try {
      auto key = SigningKey::from_pem(k["private_key"].get<std::string>());
      if (key.thumbprint() != kid) throw bad(fmt::format("key {} does not match its kid", quote(kid)));
      ring.keys.push_back({kid, parse_rfc3339(k["created"].get<std::string>()), parse_rfc3339(k["activates"].get<std::string>()),
                           std::move(key)});
    } catch (const BadInput& e) {
      throw bad(fmt::format("key {}: {}", quote(kid), e.what()));
    } catch (const Error& e) {
      if (std::string_view(e.what()).rfind(file.string(), 0) == 0) throw;
      throw bad(fmt::format("key {}: {}", quote(kid), e.what()));
    }
  }
  std::stable_sort(ring.keys.begin(), ring.keys.end(), [](const StoredKey& a, const StoredKey& b) { return a.created < b.created; });
  return ring;
}

std::optional<KeyRing> read_store(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(fmt::format("{}: cannot read the signing keys: {}", file.string(), std::strerror(errno)));
  }
  if (st.st_mode & 077)
    throw Error(fmt::format("{}: mode {:04o}: only its owner may read the signing keys (chmod 600 {})", file.string(),
                            st.st_mode & 07777, file.string()));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the signing keys: {}", file.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(file, text.str());
}

}  // namespace

void KeyStore::save(const KeyRing& ring) const {
  auto keys = nlohmann::json::array();
  for (const auto& k : ring.keys)
    keys.push_back({{"kid", k.kid},
                    {"alg", "ES256"},
                    {"created", format_rfc3339_ms(k.created)},
                    {"activates", format_rfc3339_ms(k.activates)},
                    {"private_key", k.key.private_pem()}});
  nlohmann::json doc{{"format", kFormat},
                     {"note", "hook-server's JWT signing keys: secret, never copy this file anywhere"},
                     {"keys", std::move(keys)}};
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  write_file_atomic(file_, doc.dump(2) + "\n", 0600);
}

KeyRing KeyStore::load_or_create(TimePoint now) const {
  if (auto ring = read_store(file_)) return *ring;
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  Lock lock(file_);
  if (auto ring = read_store(file_)) return *ring;  // created meanwhile by another process
  KeyRing ring;
  ring.keys.push_back(new_key(now, now));  // nothing can have cached an older JWKS of this store
  save(ring);
  return ring;
}

KeyRing KeyStore::load() const {
  auto ring = read_store(file_);
  if (!ring) throw Error(fmt::format("{}: no signing keys yet (the server creates them at its first start)", file_.string()));
  return *ring;
}

std::optional<FileStamp> KeyStore::stamp() const {
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                   static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino)};
}

KeyStore::Rotation KeyStore::rotate(TimePoint now, Micros max_ttl, bool immediately) const {
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  Lock lock(file_);
  KeyRing ring = read_store(file_).value_or(KeyRing{});
  // A first key has no predecessor whose JWKS MediaMTX may hold: it signs at once.
  Rotation r{new_key(now, immediately || ring.keys.empty() ? now : now + kActivationDelay), {}};
  KeyRing next;
  for (auto& k : ring.keys) {
    auto end = ring.retires(k, max_ttl);
    if (immediately || (end && *end <= now)) r.dropped.push_back(k.kid);
    else next.keys.push_back(std::move(k));
  }
  next.keys.push_back(r.added);
  save(next);
  return r;
}

}  // namespace hs::access
