// The MediaMTX key set read from the reference mediamtx.yml.
#include <catch2/catch.hpp>

#include "mediamtx/gen_fixture.hpp"
#include "mediamtx/reference_keys.hpp"
#include "util/error.hpp"

using namespace hs;
using hs::test::mtx::reference;

TEST_CASE("reference keys come from mediamtx-v1.20.1.yml", "[mediamtx]") {
  const auto& ref = reference();
  CHECK(ref.name() == "mediamtx-v1.20.1.yml");
  for (const char* k : {"logLevel", "api", "apiAddress", "playback", "rtspTransports", "hlsVariant", "webrtcICEServers2",
                        "runOnConnect", "runOnDisconnect", "pathDefaults", "paths", "moq"})
    CHECK(ref.global_key(k));
  for (const char* k : {"source", "sourceOnDemand", "rtspTransport", "record", "recordPath", "recordFormat",
                        "recordPartDuration", "recordSegmentDuration", "recordDeleteAfter", "runOnAvailable",
                        "runOnUnavailable", "runOnRecordSegmentCreate", "runOnRecordSegmentComplete", "maxReaders"})
    CHECK(ref.path_key(k));
  // Legacy names: not in the v1.20.1 file, still accepted (MediaMTX >= 1.19.3 takes them, older needs them).
  for (const char* k : {"runOnReady", "runOnReadyRestart", "runOnNotReady"}) {
    CHECK(ref.path_key(k));
    CHECK_FALSE(ref.global_key(k));
  }
  // Path hooks are not global keys (MediaMTX refuses them at the top level, #4579).
  CHECK_FALSE(ref.global_key("runOnRecordSegmentComplete"));
  CHECK_FALSE(ref.global_key("recordDeleteAfter"));
  CHECK_FALSE(ref.path_key("runOnConnect"));
  CHECK_FALSE(ref.path_key("fooBar"));

  CHECK(ref.duration_key("readTimeout"));
  CHECK(ref.duration_key("recordSegmentDuration"));
  CHECK(ref.duration_key("recordDeleteAfter"));
  CHECK(ref.duration_key("hlsPartDuration"));
  CHECK_FALSE(ref.duration_key("recordMaxPartSize"));  // 50M is a size
  CHECK_FALSE(ref.duration_key("logLevel"));
  CHECK_FALSE(ref.duration_key("writeQueueSize"));

  CHECK(ref.path_default("recordDeleteAfter") == "1d");
  CHECK(ref.path_default("recordPath") == "./recordings/%path/%Y-%m-%d_%H-%M-%S-%f");
  CHECK(ref.path_default("nothing") == "");
}

TEST_CASE("the default reference file is found and loads", "[mediamtx]") {
  auto file = default_reference_file();
  CHECK(std::filesystem::is_regular_file(file));
  CHECK(file.filename() == "mediamtx-v1.20.1.yml");
  CHECK(default_reference_keys().path_key("recordDeleteAfter"));
}

TEST_CASE("reference keys: unreadable or foreign files are errors naming the file", "[mediamtx]") {
  hs::test::mtx::ScratchDir tmp;
  auto missing = tmp.path() / "nope.yml";
  REQUIRE_THROWS_AS(load_reference_keys(missing), ConfigError);
  REQUIRE_THROWS_WITH(load_reference_keys(missing),
                      missing.string() + ": cannot read the MediaMTX reference configuration");
  auto other = tmp.path() / "other.yml";
  hs::test::mtx::write_file(other, "server:\n  listen: 1\n");
  REQUIRE_THROWS_WITH(load_reference_keys(other),
                      other.string() + ": not a MediaMTX reference configuration (no pathDefaults mapping)");
}
