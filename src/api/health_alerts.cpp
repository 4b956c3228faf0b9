// Health alerts and recording states for the API, from the disk guard and the stall watchdog.
#include "api/health_alerts.hpp"

#include "alerts/stall_watchdog.hpp"
#include "api/http_api.hpp"
#include "api/json_views.hpp"
#include "retention/retention.hpp"

namespace hs {

nlohmann::json health_alerts(const ApiContext& ctx) {
  nlohmann::json alerts = nlohmann::json::array();
  if (auto disk = ctx.retention.alert(); !disk.empty())
    alerts.push_back({{"kind", "disk"}, {"camera_id", nullptr}, {"since", time_or_null(ctx.retention.alert_since())},
                      {"message", disk}});
  // Deletions waiting for a recordings root that is missing or empty (a disk not mounted).
  if (auto unseen = ctx.retention.root_unseen(); !unseen.empty())
    alerts.push_back({{"kind", "storage"}, {"camera_id", nullptr}, {"since", time_or_null(ctx.retention.root_unseen_since())},
                      {"message", unseen}});
  if (ctx.watchdog) {
    for (const auto& s : ctx.watchdog->stalled())
      alerts.push_back({{"kind", "stalled"}, {"camera_id", s.camera_id}, {"since", time_or_null(s.state.since)},
                        {"message", s.state.detail}});
  }
  return alerts;
}

std::optional<RecordingState> recording_state_of(const ApiContext& ctx, const cameras::Row& row) {
  if (!ctx.watchdog) return std::nullopt;
  return ctx.watchdog->state(row, ctx.clock.now());
}

}  // namespace hs
