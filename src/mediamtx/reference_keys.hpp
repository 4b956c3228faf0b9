#pragma once
// The keys MediaMTX accepts, read at run time from its reference mediamtx.yml (a copy of the one
// shipped with the release, mediamtx-config/reference/). MediaMTX stops at start-up on any unknown
// key (`json: unknown field "x"`), so the generator and the tests check every key against this set
// instead of a list written by hand that would drift from the release.
//
// The legacy hook names runOnReady, runOnReadyRestart and runOnNotReady are always accepted as path
// keys: MediaMTX >= 1.19.3 still takes them (with a warning) and older versions require them, even
// though the v1.20.1 reference lists only runOnAvailable/runOnUnavailable.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace hs {

struct ReferenceKeys {
  std::filesystem::path file;                      // where the keys were read from
  std::set<std::string, std::less<>> global;       // top-level keys (pathDefaults and paths included)
  std::set<std::string, std::less<>> path;         // keys of pathDefaults and of every paths entry
  std::set<std::string, std::less<>> durations;    // keys whose reference value is a duration (10s, 1d)
  std::map<std::string, std::string, std::less<>> path_defaults;  // scalar pathDefaults values

  bool global_key(std::string_view key) const { return global.count(key) > 0; }
  bool path_key(std::string_view key) const { return path.count(key) > 0; }
  bool duration_key(std::string_view key) const { return durations.count(key) > 0; }
  // MediaMTX's default of a path key ("1d" for recordDeleteAfter); empty when it has none.
  std::string path_default(std::string_view key) const;
  // The reference's file name, for messages: "mediamtx-v1.20.1.yml".
  std::string name() const { return file.filename().string(); }
};

// Reads a reference mediamtx.yml. Throws ConfigError naming the file when it cannot be read, is not
// YAML, or has no pathDefaults mapping.
ReferenceKeys load_reference_keys(const std::filesystem::path& file);

// Where the reference is looked for, first existing wins:
//   1. $HOOK_SERVER_MEDIAMTX_REFERENCE (a file);
//   2. the installed copy: <dir of the running binary>/../share/hook-server/mediamtx-v1.20.1.yml;
//   3. the source tree: <source_tree_dir()>/mediamtx-config/reference/mediamtx-v1.20.1.yml.
// When none exists, the source-tree path is returned (loading it then names it in the error).
std::filesystem::path default_reference_file();

// load_reference_keys(default_reference_file()), read once and shared (thread-safe). A failed load
// is not cached: the next call tries again.
const ReferenceKeys& default_reference_keys();

}  // namespace hs
