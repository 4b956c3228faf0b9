// The per-camera MediaMTX path settings hook-server owns, and the quoting of its hook commands.
#include "mediamtx/camera_path.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "mediamtx/hook_exec.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace hs {

const std::vector<std::string>& managed_path_keys() {
  static const std::vector<std::string> keys = {
      "source",          "rtspTransport",         "sourceOnDemand",     "record",
      "recordPath",      "recordFormat",          "recordSegmentDuration", "recordPartDuration",
      "recordDeleteAfter", "runOnReady",          "runOnNotReady",      "runOnAvailable",
      "runOnUnavailable", "runOnRecordSegmentCreate", "runOnRecordSegmentComplete"};
  return keys;
}

bool is_managed_path_key(std::string_view key) {
  const auto& keys = managed_path_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool uses_legacy_hook_names(std::string_view version) {
  std::string v(version);
  if (!v.empty() && v[0] == 'v') v.erase(0, 1);
  int major = 0, minor = 0, patch = 0;
  char tail = 0;
  if (std::sscanf(v.c_str(), "%d.%d.%d%c", &major, &minor, &patch, &tail) != 3 || major < 0 || minor < 0 || patch < 0)
    throw ConfigError(fmt::format("mediamtx.version: expected a MediaMTX version like 1.20.1, got {}", quote(version)));
  return std::tie(major, minor, patch) < std::make_tuple(1, 19, 3);
}

std::string camera_path_name(const Config& config, const CameraConfig& camera) {
  return config.mediamtx.path_prefix + camera.id;
}

std::string shell_quote(std::string_view word) {
  auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  };
  if (!word.empty() && std::all_of(word.begin(), word.end(), safe)) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

std::string hook_command_line(const Config& config, std::string_view event) {
  if (config.file.empty())
    throw ConfigError("hook commands need the path of hook-server.yml (--config), and this configuration has none");
  const std::string& command = config.mediamtx.hook_command;
  std::string file = std::filesystem::absolute(config.file).lexically_normal().string();
  if (command.find('$') != std::string::npos)
    throw ConfigError(fmt::format("mediamtx.hook_command: MediaMTX expands $ in hook commands, cannot pass {}", quote(command)));
  if (file.find('$') != std::string::npos)
    throw ConfigError(fmt::format("{}: MediaMTX expands $ in hook commands, cannot pass the config path {}", file, quote(file)));
  return fmt::format("{} hook {} --config {}", shell_quote(command), shell_quote(event), shell_quote(file));
}

void check_hook_command(const Config& config, std::string_view path_var) {
  const std::string& command = config.mediamtx.hook_command;
  try {
    resolve_hook_program(command, path_var, config.mediamtx.working_dir);
  } catch (const HookStartError& e) {
    throw ConfigError(fmt::format("{}: mediamtx.hook_command: MediaMTX cannot run {}: {}", config.file.string(),
                                  quote(command), e.what()));
  }
}

std::vector<PathSetting> camera_path_settings(const Config& config, const CameraConfig& camera) {
  const auto& m = config.mediamtx;
  bool legacy = uses_legacy_hook_names(m.version);
  std::vector<PathSetting> s;
  s.push_back({"source", camera.source.empty() ? std::string("publisher") : camera.source});
  s.push_back({"rtspTransport", camera.rtsp_transport.empty() ? std::string("tcp") : camera.rtsp_transport});
  s.push_back({"sourceOnDemand", false});
  s.push_back({"record", camera.record});
  s.push_back({"recordPath", m.record_path});
  s.push_back({"recordFormat", m.record_format});
  s.push_back({"recordSegmentDuration", format_duration(m.segment_duration)});
  s.push_back({"recordPartDuration", format_duration(m.part_duration)});
  s.push_back({"recordDeleteAfter", std::string("0s")});
  if (legacy) {
    s.push_back({"runOnReady", hook_command_line(config, "ready")});
    s.push_back({"runOnNotReady", hook_command_line(config, "not-ready")});
  } else {
    s.push_back({"runOnAvailable", hook_command_line(config, "available")});
    s.push_back({"runOnUnavailable", hook_command_line(config, "unavailable")});
  }
  s.push_back({"runOnRecordSegmentCreate", hook_command_line(config, "segment-create")});
  s.push_back({"runOnRecordSegmentComplete", hook_command_line(config, "segment-complete")});
  return s;
}

}  // namespace hs
