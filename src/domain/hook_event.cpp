// Hook names and MTX_* validation.
#include "domain/hook_event.hpp"

#include <fmt/format.h>

#include <array>

#include "domain/record_path.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

constexpr std::pair<std::string_view, HookKind> kNames[] = {
    {"available", HookKind::available},
    {"ready", HookKind::available},
    {"runOnReady", HookKind::available},
    {"runOnAvailable", HookKind::available},
    {"unavailable", HookKind::unavailable},
    {"not-ready", HookKind::unavailable},
    {"notready", HookKind::unavailable},
    {"runOnNotReady", HookKind::unavailable},
    {"runOnUnavailable", HookKind::unavailable},
    {"online", HookKind::online},
    {"runOnOnline", HookKind::online},
    {"offline", HookKind::offline},
    {"runOnOffline", HookKind::offline},
    {"read", HookKind::read},
    {"runOnRead", HookKind::read},
    {"unread", HookKind::unread},
    {"runOnUnread", HookKind::unread},
    {"segment-create", HookKind::segment_create},
    {"runOnRecordSegmentCreate", HookKind::segment_create},
    {"segment-complete", HookKind::segment_complete},
    {"runOnRecordSegmentComplete", HookKind::segment_complete},
};

constexpr std::array<std::string_view, 12> kVariables = {
    "MTX_PATH",        "RTSP_PATH",      "RTSP_PORT",       "MTX_QUERY",
    "MTX_SOURCE_TYPE", "MTX_SOURCE_ID",  "MTX_READER_TYPE", "MTX_READER_ID",
    "MTX_SEGMENT_PATH", "MTX_SEGMENT_DURATION", "MTX_CONN_TYPE", "MTX_CONN_ID"};

const std::string& get(const std::map<std::string, std::string>& vars, const std::string& name) {
  static const std::string empty;
  auto it = vars.find(name);
  return it == vars.end() ? empty : it->second;
}

}  // namespace

std::optional<HookKind> parse_hook_kind(std::string_view name) {
  for (auto [n, k] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

std::string_view hook_kind_name(HookKind kind) {
  switch (kind) {
    case HookKind::available: return "available";
    case HookKind::unavailable: return "unavailable";
    case HookKind::online: return "online";
    case HookKind::offline: return "offline";
    case HookKind::read: return "read";
    case HookKind::unread: return "unread";
    case HookKind::segment_create: return "segment-create";
    case HookKind::segment_complete: return "segment-complete";
  }
  return "?";
}

bool is_segment_event(HookKind kind) {
  return kind == HookKind::segment_create || kind == HookKind::segment_complete;
}

std::span<const std::string_view> hook_variable_names() { return kVariables; }

bool is_forwarded_variable(std::string_view name) {
  for (auto v : kVariables)
    if (v == name) return true;
  if (name.size() >= 2 && name.size() <= 3 && name[0] == 'G') {
    for (size_t i = 1; i < name.size(); ++i)
      if (name[i] < '0' || name[i] > '9') return false;
    return name[1] != '0';
  }
  return false;
}

HookEvent make_hook_event(HookKind kind, const std::map<std::string, std::string>& vars, TimePoint time,
                          std::string cwd) {
  HookEvent e{kind, time, get(vars, "MTX_PATH"), {}, {}, get(vars, "MTX_SOURCE_TYPE"),
              get(vars, "MTX_SOURCE_ID"), get(vars, "MTX_READER_TYPE"), std::move(cwd)};
  if (e.path.empty() && !get(vars, "RTSP_PATH").empty()) e.path = get(vars, "RTSP_PATH");
  if (e.path.empty()) throw BadInput("MTX_PATH: missing (is this hook run by MediaMTX?)");
  if (!valid_path_name(e.path))
    throw BadInput(fmt::format("MTX_PATH: not a MediaMTX path name: {}", quote(e.path)));
  if (is_segment_event(kind)) {
    e.segment_path = get(vars, "MTX_SEGMENT_PATH");
    if (e.segment_path.empty()) throw BadInput("MTX_SEGMENT_PATH: missing for a segment event");
    if (e.segment_path.find('\0') != std::string::npos || e.segment_path.size() > 4096)
      throw BadInput(fmt::format("MTX_SEGMENT_PATH: not a usable file path: {}", quote(e.segment_path)));
  }
  if (kind == HookKind::segment_complete) {
    const auto& d = get(vars, "MTX_SEGMENT_DURATION");
    if (d.empty()) throw BadInput("MTX_SEGMENT_DURATION: missing for segment-complete");
    try {
      e.segment_duration = parse_go_seconds(d);
    } catch (const BadInput& err) {
      throw BadInput(fmt::format("MTX_SEGMENT_DURATION: {}", err.what()));
    }
  }
  return e;
}

}  // namespace hs
