// Retention routes. Who may call each: route_table.cpp; viewers see and touch only their cameras.
#include "api/retention_routes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "api/http_api.hpp"
#include "api/http_util.hpp"
#include "api/json_views.hpp"
#include "domain/segment_time.hpp"
#include "retention/retention.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

// `playback`: the playback base of the node holding the clip's footage.
nlohmann::json clip_json(std::string_view playback, const Camera& camera, const clips::Clip& c) {
  return {{"id", c.id},
          {"camera_id", c.camera_id},
          {"from", format_rfc3339_ms(c.start)},
          {"to", format_rfc3339_ms(c.end)},
          {"label", c.label},
          {"created_at", format_rfc3339_ms(c.created)},
          {"playback_url", playback_get_url(playback, camera.path, c.start, c.end - c.start)}};
}

// A clip with the recordings it keeps.
// The footage of a clip made before its camera moved to another node stays on the old one.
nlohmann::json clip_json(ApiContext& ctx, const Retention::ClipView& v) {
  PlaybackBases playback(ctx);
  const auto& base = v.recordings.empty() ? node_links(ctx, v.camera.node).streams.playback : playback.of(v.recordings.front());
  auto j = clip_json(base, v.camera, v.clip);
  nlohmann::json segs = nlohmann::json::array();
  for (const auto& s : v.recordings) segs.push_back(segment_json(playback.of(s), v.camera, s));
  j["recordings"] = std::move(segs);
  return j;
}

nlohmann::json tally_json(const Retention::CameraTally& t) {
  return {{"camera_id", t.camera_id}, {"count", t.count}, {"bytes", t.bytes},
          {"oldest", time_or_null(t.oldest)}, {"newest", time_or_null(t.newest)}};
}

// Throws NotFound "recording <id> not found", as for an id that does not exist, unless the caller
// may do `action` on the recording's camera.
void require_recording(ApiContext& ctx, const Call& call, std::int64_t id, access::Action action) {
  if (call.caller.is_admin()) return;
  auto seg = ctx.db.reader().segment(id);
  call.caller.require(seg ? seg->camera_id : std::string(), action, fmt::format("recording {}", id));
}

}  // namespace

void list_expiring(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  Micros within = duration_param(req, "within").value_or(ctx.config.retention.notify_before);
  auto camera = param(req, "camera");
  int limit = int_param(req, "limit", 500, 1, 5000);
  std::vector<Segment> list;
  const auto* grant = call.caller.grant();
  if (camera) {
    call.caller.require(*camera, access::Action::playback, fmt::format("camera {}", quote(*camera)));
    {
      auto r = ctx.db.reader();
      camera_or_404(r, *camera);  // a filter naming no camera is a mistake, not an empty list
    }
    list = ctx.retention.expiring(within, camera, limit);
  } else if (!grant || grant->all_cameras) {
    list = ctx.retention.expiring(within, std::nullopt, limit);
  } else {
    // A viewer's cameras one by one, merged in expiry order: a limit applied before filtering
    // would let other cameras' rows crowd theirs out.
    for (const auto& id : grant->cameras) {
      if (!call.caller.may(id, access::Action::playback)) continue;
      auto part = ctx.retention.expiring(within, id, limit);
      list.insert(list.end(), part.begin(), part.end());
    }
    std::stable_sort(list.begin(), list.end(), [](const Segment& a, const Segment& b) { return a.expires_at < b.expires_at; });
    if (list.size() > static_cast<std::size_t>(limit)) list.resize(static_cast<std::size_t>(limit));
  }
  auto r = ctx.db.reader();
  nlohmann::json items = nlohmann::json::array();
  std::map<std::string, Camera> cams;
  for (const auto& s : list) {
    if (!call.caller.may(s.camera_id, access::Action::playback)) continue;  // "*" with playback
    if (!cams.count(s.camera_id)) cams[s.camera_id] = camera_or_404(r, s.camera_id).camera;
    items.push_back(segment_json(node_links(ctx, s.node).streams.playback, cams[s.camera_id], s));
  }
  json_reply(res, 200, {{"within_s", to_seconds(within)}, {"recordings", std::move(items)}});
}

void patch_recording(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto id = id_from_path(req.matches[1].str(), "recording");
  auto body = json_body(req);
  reject_unknown_fields(body, {"permanent"});
  auto it = body.find("permanent");
  if (it == body.end() || !it->is_boolean())
    throw BadInput(fmt::format("permanent: expected true or false, got {}", it == body.end() ? "nothing" : it->dump()));
  require_recording(ctx, call, id, access::Action::manage);
  auto seg = ctx.retention.set_permanent(id, it->get<bool>());
  auto r = ctx.db.reader();
  auto camera = camera_or_404(r, seg.camera_id).camera;
  json_reply(res, 200, segment_json(node_links(ctx, seg.node).streams.playback, camera, seg));
}

void delete_recording(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto id = id_from_path(req.matches[1].str(), "recording");
  // The file is on the node that recorded it: that node deletes it.
  if (auto seg = ctx.db.reader().segment(id); seg && redirect_to_node(ctx, call, seg->node)) return;
  ctx.retention.delete_segment(id);
  json_reply(res, 200, {{"status", "deleted"}, {"id", id}});
}

void post_clip(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto camera_id = req.matches[1].str();  // the table checked the caller may manage it
  auto body = json_body(req);
  reject_unknown_fields(body, {"from", "to", "label"});
  auto time_field = [&](const char* name) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_string()) throw BadInput(fmt::format("{}: expected an RFC 3339 time", name));
    return api_time(name, it->get<std::string>());
  };
  TimePoint from = time_field("from"), to = time_field("to");
  if (to <= from)
    throw BadInput(fmt::format("to: must be after from, got from={} to={}", quote(body["from"].get<std::string>()),
                               quote(body["to"].get<std::string>())));
  // A clip keeps footage; none is recorded later than a day ahead (domain/segment_time.hpp), and a clip
  // to the year 9999 would keep everything the camera ever records.
  if (auto latest = ctx.clock.now() + kFutureSlack; to > latest)
    throw BadInput(fmt::format("to: after now + 1 day ({}): {}", format_rfc3339_ms(latest), quote(body["to"].get<std::string>())));
  std::string label;
  if (auto it = body.find("label"); it != body.end()) {
    if (!it->is_string() || it->get<std::string>().size() > 200) throw BadInput("label: expected a string of at most 200 characters");
    label = it->get<std::string>();
  }
  json_reply(res, 201, clip_json(ctx, ctx.retention.add_clip(camera_id, from, to, label)));
}

void list_clips(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto camera = param(req, "camera");
  auto r = ctx.db.reader();
  nlohmann::json items = nlohmann::json::array();
  std::map<std::string, Camera> cams;
  if (camera) {
    call.caller.require(*camera, access::Action::playback, fmt::format("camera {}", quote(*camera)));
    camera_or_404(r, *camera);
  }
  for (const auto& c : r.list_clips(camera)) {
    if (!call.caller.may(c.camera_id, access::Action::playback)) continue;
    if (!cams.count(c.camera_id)) cams[c.camera_id] = camera_or_404(r, c.camera_id).camera;
    items.push_back(clip_json(node_links(ctx, cams[c.camera_id].node).streams.playback, cams[c.camera_id], c));
  }
  json_reply(res, 200, {{"clips", std::move(items)}});
}

void get_clip(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto id = id_from_path(req.matches[1].str(), "clip");
  auto view = ctx.retention.clip(id);
  call.caller.require(view.clip.camera_id, access::Action::playback, fmt::format("clip {}", id));
  json_reply(res, 200, clip_json(ctx, view));
}

void delete_clip(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto id = id_from_path(req.matches[1].str(), "clip");
  if (!call.caller.is_admin()) {
    auto clip = ctx.db.reader().clip(id);
    call.caller.require(clip ? clip->camera_id : std::string(), access::Action::manage, fmt::format("clip {}", id));
  }
  ctx.retention.remove_clip(id);
  json_reply(res, 200, {{"status", "deleted"}, {"id", id}});
}

void retention_preview(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto camera = param(req, "camera");
  auto plan = param(req, "plan");
  if (plan && !ctx.config.retention.plans.count(*plan))
    throw BadInput(fmt::format("plan: no plan named {}", quote(*plan)));
  std::vector<cameras::Row> rows;
  {
    auto r = ctx.db.reader();
    if (camera) rows.push_back(camera_or_404(r, *camera));
    else rows = r.all_cameras();
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : rows) {
    const Camera& c = row.camera;
    std::string p = plan.value_or(c.plan);
    Micros retention = plan ? ctx.config.retention.plans.at(*plan) : ctx.config.retention_for(c.plan, c.retention_override);
    auto t = tally_json(ctx.retention.preview(c.id, retention));
    t["plan"] = p;
    t["retention_days"] = to_seconds(retention) / 86400.0;
    items.push_back(std::move(t));
  }
  json_reply(res, 200, {{"note", "segments this retention makes expired now; each is deleted only after its expiry notice"},
                        {"cameras", std::move(items)}});
}

void list_audit(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  auto camera = param(req, "camera");
  auto from = time_param(req, "from");
  auto to = time_param(req, "to");
  if (from && to && *to <= *from)
    throw BadInput(fmt::format("to: must be after from, got from={} to={}", quote(*param(req, "from")), quote(*param(req, "to"))));
  int limit = int_param(req, "limit", 500, 1, 5000);
  auto r = ctx.db.reader();
  if (camera) camera_or_404(r, *camera);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : r.audit_log(camera, from, to, limit))
    items.push_back({{"id", e.id}, {"at", format_rfc3339_ms(e.at)}, {"segment_id", e.segment_id},
                     {"camera_id", e.camera_id}, {"file", e.file}, {"start", format_rfc3339_ms(e.start)},
                     {"size_bytes", e.size_bytes}, {"reason", e.reason}, {"outcome", e.outcome}});
  json_reply(res, 200, {{"audit", std::move(items)}});
}

void list_notifications(ApiContext& ctx, const Call& call) {
  const auto& req = call.req;
  auto& res = call.res;
  int limit = int_param(req, "limit", 100, 1, 1000);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& n : ctx.db.reader().recent_notifications(limit)) {
    nlohmann::json deliveries = nlohmann::json::array();
    for (const auto& d : n.deliveries)
      deliveries.push_back({{"url", d.url}, {"state", d.state}, {"attempts", d.attempts},
                            {"next_attempt", format_rfc3339_ms(d.next_attempt)}, {"last_error", d.last_error},
                            {"delivered_at", time_or_null(d.delivered)}});
    items.push_back({{"id", n.id}, {"created_at", format_rfc3339_ms(n.created)}, {"kind", n.kind},
                     {"camera_id", n.camera_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(n.camera_id)},
                     {"payload", nlohmann::json::parse(n.payload)}, {"deliveries", std::move(deliveries)}});
  }
  json_reply(res, 200, {{"notifications", std::move(items)}});
}

}  // namespace hs
