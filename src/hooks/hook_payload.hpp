#pragma once
// The JSON the hook client sends to POST /hooks/<event> and writes to the spool:
//   {"event":"segment-complete","time_us":1736935200123456,"cwd":"/var/lib/mediamtx",
//    "vars":{"MTX_PATH":"camera_1","MTX_SEGMENT_PATH":"./recordings/...mp4","MTX_SEGMENT_DURATION":"3600.016"}}
#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "domain/hook_event.hpp"

namespace hs {

nlohmann::json make_hook_payload(HookKind kind, const std::map<std::string, std::string>& vars, TimePoint time,
                                 const std::string& cwd);
// Validates a payload. `url_kind` is the event named by the URL, when there is one (it must agree
// with the body's). Throws BadInput naming the field and value.
HookEvent parse_hook_payload(const nlohmann::json& body, std::optional<HookKind> url_kind, TimePoint now);

}  // namespace hs
