#pragma once
// The events MediaMTX reports through its runOn* hooks, validated from the MTX_* variables it sets
// (contract §1.2-1.3). Pure: parsing and validation only.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "util/time.hpp"

namespace hs {

enum class HookKind { available, unavailable, online, offline, read, unread, segment_create, segment_complete };

// Accepts both MediaMTX name sets and their runOn* spellings: ready|available|runOnReady|
// runOnAvailable, not-ready|unavailable|runOnNotReady|runOnUnavailable, online, offline, read,
// unread, segment-create|runOnRecordSegmentCreate, segment-complete|runOnRecordSegmentComplete.
std::optional<HookKind> parse_hook_kind(std::string_view name);
// Canonical names: available, unavailable, online, offline, read, unread, segment-create, segment-complete.
std::string_view hook_kind_name(HookKind kind);
bool is_segment_event(HookKind kind);

// The variables a hook client forwards. MediaMTX's own environment also holds MTX_* configuration
// overrides (MTX_PATHS_CAM1_SOURCE=rtsp://user:pass@...), so forwarding "every MTX_*" would leak
// credentials: only these names, plus regex groups G1..G99, are sent.
std::span<const std::string_view> hook_variable_names();
bool is_forwarded_variable(std::string_view name);

struct HookEvent {
  HookKind kind;
  TimePoint time;                    // when the hook ran (the moment of the event)
  std::string path;                  // MTX_PATH
  std::string segment_path;          // MTX_SEGMENT_PATH as given (may be relative to MediaMTX's cwd)
  std::optional<Micros> segment_duration;  // MTX_SEGMENT_DURATION
  std::string source_type;           // MTX_SOURCE_TYPE
  std::string source_id;             // MTX_SOURCE_ID
  std::string reader_type;           // MTX_READER_TYPE
  std::string cwd;                   // the hook's working directory (MediaMTX's)
};

// Builds an event from the forwarded variables. Throws BadInput naming the variable and its value:
//   MTX_PATH: not a MediaMTX path name: "../etc"
//   MTX_SEGMENT_DURATION: expected seconds like 3600.016, got "1h"
HookEvent make_hook_event(HookKind kind, const std::map<std::string, std::string>& vars, TimePoint time,
                          std::string cwd);

}  // namespace hs
