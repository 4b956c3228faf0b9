#pragma once
// Generates MediaMTX's mediamtx.yml from base.yml (the admin's global settings) and the camera list:
// one static path per camera, named mediamtx.path_prefix + id, carrying the keys of
// camera_path_settings() (source, recording with recordDeleteAfter: 0s, hooks).
//
// Round trip: the generated file may be edited by hand; regeneration keeps those edits except to
// what hook-server manages. The rule, also written in the file's header:
//   * Global keys and pathDefaults keys: base.yml is their source. A key base.yml defines is taken
//     from base.yml. A key the generated file has and base.yml lacks is kept (an admin added it),
//     unless the header records that it came from base.yml in the previous generation (it was
//     removed from base.yml: it is removed). The same holds for whole paths defined in base.yml.
//   * Ownership of paths: a path is owned by hook-server when its name is path_prefix + id of a
//     current camera, or when the previous header lists it under "owned-paths". Owned paths of
//     cameras that no longer exist are removed; every other path is kept as it is.
//   * On owned paths the managed keys (managed_path_keys()) are rewritten, even if edited by hand;
//     any other key on them is kept.
//   * Comments are not kept, except the header, which is regenerated.
// Validation before anything is written: every key (global, pathDefaults, each path) must be in the
// MediaMTX reference (reference_keys.hpp); path names valid; duration values parse; every effective
// recordPath holds %path and the time fields (and %f when playback is on); no path that records
// under hook-server's recordings root may let MediaMTX's cleaner delete (recordDeleteAfter must be
// 0s there, pathDefaults included). Errors are ConfigError naming file:line:column, the key, the
// path or camera and the value, with URL passwords shown as ***:
//   base.yml:12:1: fooBar: unknown MediaMTX setting (not in mediamtx-v1.20.1.yml), got "1"
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "mediamtx/reference_keys.hpp"

namespace hs {

// The text of mediamtx.yml for these cameras, from config.mediamtx.base_config and the existing
// config.mediamtx.output (round trip). Reads files, writes nothing. Throws ConfigError as above
// (also when base.yml is missing or either file is not YAML).
std::string generate_mediamtx_yaml(const Config& config, const std::vector<CameraConfig>& cameras,
                                   const ReferenceKeys& reference = default_reference_keys());

struct GenResult {
  bool changed = false;  // write: the file was (re)written; check: the file is missing, stale or invalid
  bool valid = true;     // check: false when generation failed; `diff` then holds the error
  std::string diff;      // unified-style line diff, on disk -> generated; empty when unchanged
  std::filesystem::path output;
};

// Generates and, when the result differs from the file on disk, writes config.mediamtx.output
// atomically (a temp file in the same folder, fsync, rename, fsync of the folder); an unchanged
// file is not touched, so MediaMTX does not reload it. A new file gets mode 0640, an existing one
// keeps its mode. Throws ConfigError on invalid input, Error when the file cannot be written.
GenResult write_mediamtx_config(const Config& config, const std::vector<CameraConfig>& cameras,
                                const ReferenceKeys& reference = default_reference_keys());

// The --check mode: writes nothing. changed=true with a diff when the file on disk is missing or
// differs from what would be generated; valid=false, changed=true and diff = "error: <message>"
// when generation fails (invalid base.yml, camera or hand edit).
GenResult check_mediamtx_config(const Config& config, const std::vector<CameraConfig>& cameras,
                                const ReferenceKeys& reference = default_reference_keys());

// The full configuration of each camera's path, keyed by path name, as JSON for the Control API:
// the managed keys plus the keys an admin added to that path in the generated file (so a
// `replace` through the API does not drop them). Reads config.mediamtx.output when it exists.
// Throws ConfigError as generate_mediamtx_yaml.
std::map<std::string, nlohmann::json> camera_path_confs(const Config& config, const std::vector<CameraConfig>& cameras,
                                                         const ReferenceKeys& reference = default_reference_keys());

// Where MediaMTX's own cleaner would delete under hook-server's recordings root, in
// config.mediamtx.output as it is on disk (hand edits included): "pathDefaults" or "paths.<name>"
// with the effective recordDeleteAfter (MediaMTX's default 1d when nothing sets it). Empty when the
// file is safe or missing. Throws ConfigError when the file is not YAML.
struct CleanerRisk {
  std::string where;  // "pathDefaults", "paths.camera_1"
  std::string value;  // "1d"
};
std::vector<CleanerRisk> mediamtx_cleaner_risks(const Config& config,
                                                const ReferenceKeys& reference = default_reference_keys());

// The cameras added through hook-server's API, as config.mediamtx.output records them: the running
// server rewrites that file whenever one of them changes, and its header lists them
// ("api-cameras: <id>=<path>"), so gen-config keeps them without opening the index. Each is rebuilt
// from its path entry (source, rtspTransport, record); a camera now defined in hook-server.yml, or
// whose path entry was deleted by hand, is left out. Empty when the file is missing. Throws
// ConfigError when the file is not YAML.
std::vector<CameraConfig> api_cameras_in_output(const Config& config);

// The paths the header of a generated file lists as owned ("owned-paths"); empty when the file is
// missing or has no header.
std::set<std::string> read_owned_paths(const std::filesystem::path& generated_file);

// A line diff of two texts in unified style ("--- a", "+++ b", "@@ -1,3 +1,4 @@", 3 lines of
// context). Every line shown has URL passwords and the values of secret-like keys (*pass*,
// *token*, *secret*) replaced by ***. Empty when the texts are equal.
std::string line_diff(const std::string& before, const std::string& after, const std::string& before_label,
                      const std::string& after_label);

}  // namespace hs
