// The key store: created once with mode 0600, the rotation rule (publish first, sign an hour and
// five minutes later, retire after the longest token), --now, and refusals of a bad file.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>

#include "access/key_store.hpp"
#include "support/media.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::access;
using namespace std::chrono_literals;

namespace {

const TimePoint kT0 = parse_rfc3339("2026-03-29T00:00:00Z");

std::vector<std::string> kids(const std::vector<const StoredKey*>& keys) {
  std::vector<std::string> out;
  for (auto* k : keys) out.push_back(k->kid);
  return out;
}

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("the first start creates one key, mode 0600, that signs at once, later starts read it", "[access]") {
  test::TempDir tmp;
  KeyStore store(tmp.path() / "var" / "signing-keys.json");
  auto ring = store.load_or_create(kT0);
  REQUIRE(ring.keys.size() == 1);
  CHECK(mode_of(store.file()) == 0600);
  CHECK(ring.signing(kT0)->kid == ring.keys[0].kid);
  CHECK(ring.keys[0].kid == ring.keys[0].key.thumbprint());
  auto again = store.load_or_create(kT0 + 1h);
  REQUIRE(again.keys.size() == 1);
  CHECK(again.keys[0].kid == ring.keys[0].kid);
  CHECK(again.keys[0].created == kT0);
}

TEST_CASE("rotation publishes the new key at once, signs with it 65 min later, retires the old one after max_ttl", "[access]") {
  test::TempDir tmp;
  KeyStore store(tmp.path() / "signing-keys.json");
  auto first = store.load_or_create(kT0).keys[0].kid;
  const auto rotated = kT0 + 48h;
  auto r = store.rotate(rotated, 24h, false);
  CHECK(r.dropped.empty());
  CHECK(r.added.activates == rotated + 65min);
  auto ring = store.load();
  auto second = r.added.kid;

  CHECK(kids(ring.published(rotated, 24h)) == std::vector<std::string>{first, second});
  CHECK(ring.signing(rotated + 64min)->kid == first);
  CHECK(ring.signing(rotated + 65min)->kid == second);
  CHECK(ring.signing(rotated, {second})->kid == second);  // MediaMTX was told to refetch
  // The old key signed until rotated + 65 min; its tokens live 24 h at most, plus 5 min.
  CHECK(ring.retires(ring.keys[0], 24h) == rotated + 65min + 24h + 5min);
  CHECK(kids(ring.published(rotated + 65min + 24h + 4min, 24h)) == std::vector<std::string>{first, second});
  CHECK(kids(ring.published(rotated + 65min + 24h + 5min, 24h)) == std::vector<std::string>{second});

  // The next rotation drops the retired key from the file.
  auto r2 = store.rotate(rotated + 30h, 24h, false);
  CHECK(r2.dropped == std::vector<std::string>{first});
  auto after = store.load();
  REQUIRE(after.keys.size() == 2);
  CHECK(after.keys[0].kid == second);
  CHECK(after.keys[1].kid == r2.added.kid);
  CHECK(mode_of(store.file()) == 0600);
}

TEST_CASE("rotate --now signs with the new key at once and drops every older key", "[access]") {
  test::TempDir tmp;
  KeyStore store(tmp.path() / "signing-keys.json");
  auto first = store.load_or_create(kT0).keys[0].kid;
  auto r = store.rotate(kT0 + 1h, 24h, true);
  CHECK(r.dropped == std::vector<std::string>{first});
  auto ring = store.load();
  REQUIRE(ring.keys.size() == 1);
  CHECK(ring.signing(kT0 + 1h)->kid == r.added.kid);
}

TEST_CASE("a bad key store file is refused with a message naming it and never its contents", "[access]") {
  test::TempDir tmp;
  auto file = tmp.path() / "signing-keys.json";
  KeyStore store(file);
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": no signing keys yet (the server creates them at its first start)");
  auto write = [&](const std::string& text, unsigned mode = 0600) {
    std::ofstream(file, std::ios::trunc) << text;
    ::chmod(file.c_str(), mode);
  };
  write("{\"format\": 1, \"keys\": []}", 0644);
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": mode 0644: only its owner may read the signing keys (chmod 600 " + file.string() + ")");
  write("not json");
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": not a hook-server key store: not a JSON object");
  write("{\"format\": 2, \"keys\": []}");
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": not a hook-server key store: expected \"format\": 1");
  write("{\"format\": 1, \"keys\": []}");
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": not a hook-server key store: expected a non-empty \"keys\" list");
  write(R"({"format": 1, "keys": [{"kid": "k", "created": "2026-01-01T00:00:00Z", "activates": "2026-01-01T00:00:00Z", "private_key": "SECRET"}]})");
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": not a hook-server key store: key \"k\": signing key: not a PEM private key");
  auto pem = SigningKey::generate().private_pem();
  write(nlohmann::json{{"format", 1},
                       {"keys", {{{"kid", "k"}, {"created", "2026-01-01T00:00:00Z"}, {"activates", "2026-01-01T00:00:00Z"}, {"private_key", pem}}}}}
            .dump());
  REQUIRE_THROWS_WITH(store.load(), file.string() + ": not a hook-server key store: key \"k\" does not match its kid");
}
