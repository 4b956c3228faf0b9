#pragma once
// What hook-server owns on a camera's MediaMTX path: its name, the keys it manages and their values,
// and the hook commands MediaMTX runs. Shared by the YAML generator (config_gen) and the Control API
// client (control_api) so a camera looks the same whichever way it reaches MediaMTX.
//
// Hook commands: MediaMTX splits runOn* strings with go-shellquote and execs them without a shell,
// then expands $NAME in every argument (contract §2.1). So words are quoted POSIX-style (single
// quotes) and a '$' can never be passed through: such paths are refused.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "util/redact.hpp"  // redact_credentials: used on every message that may hold a source

namespace hs {

// A value of a managed key: a boolean or a string. Neutral between YAML and JSON.
using PathValue = std::variant<bool, std::string>;

struct PathSetting {
  std::string key;  // MediaMTX's key, e.g. "recordDeleteAfter" (YAML key = JSON field)
  PathValue value;
};

// Every key hook-server manages on a camera path, in the order it writes them. Both hook name sets
// are listed (runOnReady/runOnNotReady and runOnAvailable/runOnUnavailable) so that changing
// mediamtx.version never leaves the other set behind; only one set is written.
const std::vector<std::string>& managed_path_keys();
bool is_managed_path_key(std::string_view key);

// True when MediaMTX `version` ("1.19.2" or "v1.19.2") predates 1.19.3 and so needs
// runOnReady/runOnNotReady. Throws ConfigError:
//   mediamtx.version: expected a MediaMTX version like 1.20.1, got "latest"
bool uses_legacy_hook_names(std::string_view version);

// The MediaMTX path of a camera: mediamtx.path_prefix + id (not validated here).
std::string camera_path_name(const Config& config, const CameraConfig& camera);

// Quotes one word for go-shellquote's Split: left bare when made only of [A-Za-z0-9_@%+=:,./-],
// otherwise in single quotes ('it'\''s').
std::string shell_quote(std::string_view word);

// "<hook_command> hook <event> --config <absolute hook-server.yml>", each word shell_quote'd.
// Throws ConfigError when config.file is empty, or when the command or the config path holds a '$'
// (MediaMTX would replace it by an environment variable):
//   mediamtx.hook_command: MediaMTX expands $ in hook commands, cannot pass "/opt/$x/hook-server"
std::string hook_command_line(const Config& config, std::string_view event);

// Throws ConfigError when MediaMTX could not start mediamtx.hook_command: resolved from MediaMTX's
// working directory with `path_var` as its $PATH (hook_exec.hpp), it must be an executable file:
//   hook-server.yml: mediamtx.hook_command: MediaMTX cannot run "/usr/local/bin/hook-server":
//   fork/exec /usr/local/bin/hook-server: no such file or directory
void check_hook_command(const Config& config, std::string_view path_var);

// The managed keys of a camera with their values, in managed_path_keys() order:
//   source, rtspTransport (camera's, tcp when empty), sourceOnDemand: false, record, recordPath,
//   recordFormat, recordSegmentDuration, recordPartDuration, recordDeleteAfter: 0s, then
//   runOnReady/runOnNotReady (MediaMTX < 1.19.3) or runOnAvailable/runOnUnavailable, and
//   runOnRecordSegmentCreate/runOnRecordSegmentComplete, each running hook_command_line(event) with
//   event ready|not-ready (or available|unavailable), segment-create, segment-complete.
// Throws ConfigError as hook_command_line and uses_legacy_hook_names do.
std::vector<PathSetting> camera_path_settings(const Config& config, const CameraConfig& camera);

}  // namespace hs
