#pragma once
// What /api/health lists as alerts and what a camera's JSON says about its recording, from the
// disk guard (retention) and the stall watchdog. Kept out of the route handlers so a route table
// only calls them.
//
// An alert is {"kind", "camera_id" (null for server-wide ones), "since", "message"}:
//   kind "disk"     — the disk guard is below its floor with nothing left it may delete;
//   kind "stalled"  — a camera that should be recording makes no progress (StallWatchdog);
//   kind "storage"  — deletions wait: the recordings root is missing or empty (not mounted).
#include <nlohmann/json.hpp>
#include <optional>

#include "domain/recording_state.hpp"
#include "index/cameras.hpp"

namespace hs {

struct ApiContext;

// The alerts now, disk first, then stalled cameras by id. Empty: status "ok".
nlohmann::json health_alerts(const ApiContext& ctx);
// A camera's recording_state (none when the server has no watchdog, e.g. in one-shot tools).
std::optional<RecordingState> recording_state_of(const ApiContext& ctx, const cameras::Row& row);

}  // namespace hs
