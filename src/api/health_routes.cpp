// Proof of recording over HTTP: the timeline, month-view and storage-report handlers. Each reads
// its facts through one Reader snapshot and hands them to the pure domain code
// (domain/timeline, day_summary, storage_forecast); this file only parses, bounds and renders.
#include "api/health_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "api/http_api.hpp"
#include "api/http_util.hpp"
#include "api/json_views.hpp"
#include "api/page_cache.hpp"
#include "domain/day_summary.hpp"
#include "domain/storage_forecast.hpp"
#include "domain/timeline.hpp"
#include "retention/retention.hpp"
#include "util/error.hpp"
#include "util/zone.hpp"

namespace hs {

namespace {

constexpr auto kMaxTimelineRange = std::chrono::days{31};
constexpr int kMaxDays = 62;
constexpr auto kRateWindow = std::chrono::days{7};

TimelineRules rules_of(const Config& config) {
  TimelineRules rules;
  rules.segment_duration = config.mediamtx.segment_duration;
  return rules;
}

// The small facts (state intervals, deletions) as text: part of a cached body's key.
std::string small_facts_key(const TimelineFacts& f) {
  std::string k;
  auto out = std::back_inserter(k);
  for (const auto& s : f.states)
    fmt::format_to(out, "s{}:{}:{};", static_cast<int>(s.kind), epoch_us(s.start), s.end ? epoch_us(*s.end) : -1);
  for (const auto& d : f.deletions)
    fmt::format_to(out, "d{}:{}:{};", epoch_us(d.start), epoch_us(d.end), static_cast<int>(d.by));
  return k;
}

// The body `render` makes of a camera's facts over [from, to), reusing a rendered one
// (ctx.pages) when nothing it depends on changed: the camera's segment rows (segments_version), its
// state intervals and deletions in the range (read every time, they are few, and made part of the
// key), and `now` — a body is kept only when the range has ended (to <= now) and every segment in
// it has a known length, so the clock no longer moves any of its edges. Segments and deletions are
// read from two segment lengths before `from`, so one that started earlier and reaches into the
// range is seen. Throws NotFound for an unknown camera.
// `fold`: whole days inside [from, min(to, now)) may come folded (api/timeline_days.hpp), for a
// renderer that only builds the timeline of [from, to).
template <class Render>
PageCache::Body rendered(ApiContext& ctx, const std::string& id, const std::string& key_head, const TimelineRules& rules,
                         TimePoint from, TimePoint to, TimePoint now, bool fold, Render&& render) {
  const auto version = ctx.db.segments_version(id);  // before the rows it vouches for are read
  const TimePoint early = from - 2 * rules.segment_duration - std::chrono::minutes{1};
  TimelineFacts facts;
  std::string key;
  PageCache::Body body;
  {
    auto r = ctx.db.snapshot();
    camera_or_404(r, id);
    facts.states = r.state_history(id, from, to);
    facts.deletions = r.deletions(id, early, to, rules.segment_duration);
    key = key_head + "\n" + small_facts_key(facts);
    body = ctx.pages->get(key, version);
    if (!body)
      facts.segments = fold ? ctx.timeline_days->segments(r, id, early, to, from, std::min(to, now), rules)
                            : r.timeline_segments(id, early, to);
  }
  if (!body) {
    body = std::make_shared<const std::string>(
        render(facts).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    const bool settled = to <= now && std::all_of(facts.segments.begin(), facts.segments.end(),
                                                  [](const SegmentFact& s) { return s.duration.has_value(); });
    if (settled) ctx.pages->put(key, version, body);
  }
  return body;
}

nlohmann::json gap_seconds(const GapTotals& totals) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < kGapReasonCount; ++i)
    j[std::string(gap_reason_name(static_cast<GapReason>(i)))] = to_seconds(totals[i]);
  return j;
}

TimePoint required_time(const httplib::Request& req, const char* name) {
  auto t = time_param(req, name);
  if (!t) throw BadInput(fmt::format("{}: required (an RFC 3339 time such as 2026-03-29T00:00:00Z)", name));
  return *t;
}

std::chrono::year_month_day required_date(const httplib::Request& req, const char* name) {
  auto d = date_param(req, name);
  if (!d) throw BadInput(fmt::format("{}: required (a date such as 2026-03-29)", name));
  return *d;
}

Zone zone_param(const httplib::Request& req, const Config& config) {
  auto name = param(req, "tz");
  try {
    return Zone::named(name ? *name : config.mediamtx.timezone);
  } catch (const BadInput& e) {
    throw BadInput(fmt::format("{}: {}", name ? "tz" : "mediamtx.timezone", e.what()));
  }
}

// ---- the storage report

struct CameraReport {
  std::string camera_id, plan;
  Micros retention{0};
  std::optional<TimePoint> oldest;
  Micros held{0};
  double bytes_per_day = 0;
  std::int64_t total = 0, permanent = 0, clips = 0;
  bool deleted_early = false;
  bool plan_met = true;
};

struct StorageReport {
  std::vector<CameraReport> cameras;
  nlohmann::json disks = nlohmann::json::array();
  struct Warning {
    std::string camera_id, message;
  };
  std::vector<Warning> warnings;
};

std::string days_text(double days) { return fmt::format("{:.1f} days", days); }

StorageReport storage_report(ApiContext& ctx, Micros sums_max_age) {
  const Config& config = ctx.config;
  const TimePoint now = ctx.clock.now();
  StorageReport out;
  const std::vector<cameras::Row> rows = ctx.db.reader().all_cameras();
  const auto sums = footage_sums(ctx, now, sums_max_age);
  const auto& bytes = sums->bytes;
  const auto& deleted = sums->deleted;
  const Micros slack = config.mediamtx.segment_duration + config.retention.interval;
  std::optional<TimePoint> first_footage;
  std::int64_t cycling = 0, deleted_bytes = 0;
  std::vector<CameraLoad> loads;
  for (const auto& row : rows) {
    const Camera& c = row.camera;
    auto b = bytes.find(c.id);
    if (row.removed_at && b == bytes.end()) continue;  // gone and nothing left of it
    CameraReport cr;
    cr.camera_id = c.id;
    cr.plan = c.plan;
    cr.retention = config.retention_for(c.plan, c.retention_override);
    if (b != bytes.end()) {
      cr.oldest = b->second.oldest;
      cr.total = b->second.total;
      cr.permanent = b->second.permanent;
      cr.clips = b->second.clips;
      cr.bytes_per_day = per_day(b->second.recent, cr.oldest, now, kRateWindow);
      cycling += cr.total - cr.permanent - cr.clips;
      if (cr.oldest && (!first_footage || *cr.oldest < *first_footage)) first_footage = cr.oldest;
    }
    if (auto d = deleted.find(c.id); d != deleted.end()) {
      deleted_bytes += d->second.bytes;
      cr.deleted_early = d->second.youngest_disk_victim && *d->second.youngest_disk_victim < cr.retention;
    }
    cr.held = cr.oldest ? std::max(Micros{0}, now - *cr.oldest) : Micros{0};
    cr.plan_met = plan_met(cr.held, cr.retention, slack, cr.deleted_early);
    if (!cr.plan_met)
      out.warnings.push_back({c.id, fmt::format("camera {}: plan {} keeps {}, but only {} of footage is held: the disk "
                                                "guard deleted recordings early",
                                                quote(c.id), c.plan, days_text(to_days(cr.retention)),
                                                days_text(to_days(cr.held)))});
    if (!row.removed_at) loads.push_back(CameraLoad{c.id, cr.retention, cr.bytes_per_day});
    out.cameras.push_back(std::move(cr));
  }

  // One disk: the recordings root the disk guard watches.
  const DiskUsage u = ctx.retention.disk_usage();
  const auto floor = static_cast<std::int64_t>(config.retention.disk_min_free.bytes_of(u.total));
  double write_rate = 0;
  for (const auto& l : loads) write_rate += l.bytes_per_day;
  const double delete_rate = per_day(deleted_bytes, first_footage, now, kRateWindow);
  DiskForecastFacts f{static_cast<std::int64_t>(u.free), floor, write_rate, delete_rate};
  auto until_guard = days_until_guard(f);
  auto holdable = holdable_days(cycling, static_cast<std::int64_t>(u.free), floor, loads);
  if (holdable) {
    for (const auto& l : loads) {
      if (*holdable < to_days(l.retention) && l.bytes_per_day > 0)
        out.warnings.push_back({l.camera_id, fmt::format("camera {}: its plan keeps {}, but at the current write rates "
                                                         "the recordings disk {} holds {} of footage",
                                                         quote(l.camera_id), days_text(to_days(l.retention)),
                                                         ctx.retention.root().string(), days_text(*holdable))});
    }
  }
  out.disks.push_back({{"path", ctx.retention.root().string()},
                       {"total_bytes", u.total},
                       {"free_bytes", u.free},
                       {"floor_bytes", floor},
                       {"write_bytes_per_day", write_rate},
                       {"delete_bytes_per_day", delete_rate},
                       {"cycling_bytes", cycling},
                       {"days_until_guard", until_guard ? nlohmann::json(*until_guard) : nlohmann::json()},
                       {"holdable_days", holdable ? nlohmann::json(*holdable) : nlohmann::json()}});
  return out;
}

nlohmann::json timeline_json(const std::string& id, const Timeline& t, const TimelineRules& rules) {
  nlohmann::json spans = nlohmann::json::array();
  for (const auto& s : t.spans)
    spans.push_back({{"start", format_rfc3339_ms(s.start)}, {"end", format_rfc3339_ms(s.end)}, {"segments", s.segments},
                     {"bytes", s.bytes}, {"recording", s.recording}});
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& g : t.gaps) {
    nlohmann::json j{{"start", format_rfc3339_ms(g.start)}, {"end", format_rfc3339_ms(g.end)},
                     {"reason", gap_reason_name(g.reason)}};
    if (g.deleted_by) j["deleted_by"] = deleted_by_name(*g.deleted_by);
    gaps.push_back(std::move(j));
  }
  return {{"camera_id", id},
              {"from", format_rfc3339_ms(t.from)},
              {"to", format_rfc3339_ms(t.to)},
              {"tolerance_ms", std::chrono::duration_cast<std::chrono::milliseconds>(rules.tolerance).count()},
              {"spans", std::move(spans)},
              {"gaps", std::move(gaps)},
              {"covered_s", to_seconds(t.covered)},
              {"gaps_s", gap_seconds(t.gap_totals)}};
}

}  // namespace

void get_timeline(ApiContext& ctx, const Call& call) {
  const auto id = call.req.matches[1].str();
  const TimePoint from = required_time(call.req, "from");
  const TimePoint to = required_time(call.req, "to");
  if (to <= from)
    throw BadInput(fmt::format("to: must be after from, got from {} and to {}", quote(call.req.get_param_value("from")),
                               quote(call.req.get_param_value("to"))));
  if (to - from > kMaxTimelineRange)
    throw BadInput(fmt::format("to: the range from {} to {} is longer than {} days", quote(call.req.get_param_value("from")),
                               quote(call.req.get_param_value("to")), kMaxTimelineRange.count()));
  const auto rules = rules_of(ctx.config);
  const TimePoint now = ctx.clock.now();
  const auto key = fmt::format("timeline\n{}\n{}\n{}", id, epoch_us(from), epoch_us(to));
  auto body = rendered(ctx, id, key, rules, from, to, now, true, [&](const TimelineFacts& facts) {
    return timeline_json(id, build_timeline(facts, rules, from, to, now), rules);
  });
  call.res.status = 200;
  call.res.set_content(*body, "application/json");
}


void get_days(ApiContext& ctx, const Call& call) {
  using std::chrono::sys_days;
  const auto id = call.req.matches[1].str();
  const auto first = required_date(call.req, "from");
  const auto last = required_date(call.req, "to");
  if (sys_days{last} < sys_days{first})
    throw BadInput(fmt::format("to: must not be before from, got from {} and to {}",
                               quote(call.req.get_param_value("from")), quote(call.req.get_param_value("to"))));
  if ((sys_days{last} - sys_days{first}).count() + 1 > kMaxDays)
    throw BadInput(fmt::format("to: the range from {} to {} is longer than {} days",
                               quote(call.req.get_param_value("from")), quote(call.req.get_param_value("to")), kMaxDays));
  const Zone zone = zone_param(call.req, ctx.config);
  const auto rules = rules_of(ctx.config);
  const TimePoint now = ctx.clock.now();
  auto midnight = [&](sys_days d) { return TimePoint{zone.start_of_day(std::chrono::year_month_day{d})}; };
  // The days of [a, b] as a JSON array (text). Days are independent of each other (each is cut from
  // the timeline at its own midnights), so the days that have ended are one cached part and the
  // rest (today, and days still to come) another, computed afresh.
  auto days_of = [&](sys_days a, sys_days b) {
    const auto key = fmt::format("days\n{}\n{}\n{}\n{}", id, zone.name(), format_date(a), format_date(b));
    return rendered(ctx, id, key, rules, midnight(a), midnight(b + std::chrono::days{1}), now, false,
                    [&](const TimelineFacts& facts) {
                      nlohmann::json days = nlohmann::json::array();
                      for (const auto& d : summarize_days(facts, rules, zone, std::chrono::year_month_day{a},
                                                          std::chrono::year_month_day{b}, now))
                        days.push_back({{"date", format_date(d.date)},
                                        {"start", format_rfc3339_ms(d.start)},
                                        {"end", format_rfc3339_ms(d.end)},
                                        {"length_s", to_seconds(d.end - d.start)},
                                        {"covered_s", to_seconds(d.covered)},
                                        {"gaps_s", gap_seconds(d.gaps)},
                                        {"bytes", d.bytes}});
                      return days;
                    });
  };
  const sys_days a{first}, b{last};
  sys_days ended = a;  // the first day that has not ended
  while (ended <= b && midnight(ended + std::chrono::days{1}) <= now) ended += std::chrono::days{1};
  std::string days = "[";
  for (const auto& part : {ended > a ? days_of(a, std::min(b, ended - std::chrono::days{1})) : nullptr,
                           ended <= b ? days_of(ended, b) : nullptr}) {
    if (!part || part->size() <= 2) continue;  // none, or "[]"
    if (days.size() > 1) days += ',';
    days.append(*part, 1, part->size() - 2);
  }
  days += ']';
  const auto head = nlohmann::json{{"camera_id", id}, {"tz", zone.name()}, {"from", format_date(first)},
                                   {"to", format_date(last)}}
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  call.res.status = 200;
  call.res.set_content(head.substr(0, head.size() - 1) + ",\"days\":" + days + "}", "application/json");
}

void get_storage(ApiContext& ctx, const Call& call) {
  const TimePoint now = ctx.clock.now();
  auto report = storage_report(ctx, Micros{0});
  nlohmann::json cams = nlohmann::json::array();
  for (const auto& c : report.cameras)
    cams.push_back({{"camera_id", c.camera_id},
                    {"plan", c.plan},
                    {"retention_days", to_days(c.retention)},
                    {"oldest", time_or_null(c.oldest)},
                    {"held_days", to_days(c.held)},
                    {"bytes_per_day", c.bytes_per_day},
                    {"bytes", {{"total", c.total}, {"permanent", c.permanent}, {"clips", c.clips}}},
                    {"deleted_early_by_disk_guard", c.deleted_early},
                    {"plan_met", c.plan_met}});
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& w : report.warnings) warnings.push_back(w.message);
  json_reply(call.res, 200, {{"at", format_rfc3339_ms(now)}, {"cameras", std::move(cams)},
                             {"disks", std::move(report.disks)}, {"warnings", std::move(warnings)}});
}

std::shared_ptr<const FootageSumsCache::Sums> footage_sums(ApiContext& ctx, TimePoint now, Micros max_age) {
  auto read = [&] {
    auto sums = std::make_shared<FootageSumsCache::Sums>();
    sums->at = now;
    auto r = ctx.db.snapshot();
    for (auto& b : r.camera_bytes(now - kRateWindow)) sums->bytes.emplace(b.camera_id, std::move(b));
    for (auto& d : r.camera_deletions(now - kRateWindow)) sums->deleted.emplace(d.camera_id, std::move(d));
    return std::shared_ptr<const FootageSumsCache::Sums>(std::move(sums));
  };
  auto* cache = ctx.footage_sums.get();
  if (!cache) return read();
  auto kept = [&]() -> std::shared_ptr<const FootageSumsCache::Sums> {
    std::lock_guard lock(cache->mutex);
    return cache->last;
  };
  auto fresh = [&](const auto& s) { return s && now >= s->at && now - s->at <= max_age; };
  if (auto s = kept(); fresh(s)) return s;
  std::unique_lock computing(cache->computing, std::try_to_lock);
  if (!computing) {
    if (auto s = kept()) return s;  // someone is reading them: the older ones do meanwhile
    computing.lock();
    if (auto s = kept(); fresh(s)) return s;
  }
  auto s = read();
  std::lock_guard lock(cache->mutex);
  cache->last = s;
  return s;
}

nlohmann::json storage_alerts(ApiContext& ctx) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : storage_report(ctx, FootageSumsCache::kMaxAge).warnings)
    out.push_back({{"kind", "storage"}, {"camera_id", w.camera_id}, {"since", nullptr}, {"message", w.message}});
  return out;
}

}  // namespace hs
