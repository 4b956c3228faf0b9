// Wiring of the server and its background worker.
#include "app/server_app.hpp"

#include <fmt/format.h>

#include <map>

#include "access/admin_token.hpp"
#include "api/connection_pool.hpp"
#include "api/health_routes.hpp"
#include "api/web_console.hpp"
#include "ingest/spool_ingest.hpp"
#include "util/error.hpp"
#include "util/listen_backlog.hpp"
#include "util/log.hpp"

namespace hs {

namespace {
// Room for every camera's hook at a segment boundary, and then some (the kernel caps it at
// net.core.somaxconn, 4096 by default).
constexpr int kListenBacklog = 1024;
// Connections served at once (a worker each); more wait in the queue. Below the usual 1,024
// open-file limit of a shell, with room for the index and the spool.
constexpr std::size_t kMaxConnections = 768;
}  // namespace

const Clock& ServerApp::system_clock() {
  static const Clock clock;
  return clock;
}

ServerApp::ServerApp(Config config, const Clock& clock, const DiskProbe* disk)
    : config_(std::move(config)), clock_(clock), spool_(config_.data_dir / "spool") {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) throw Error(fmt::format("cannot create data_dir {}: {}", config_.data_dir.string(), ec.message()));
  issuer_ = std::make_unique<access::Issuer>(access::Issuer::options_from(config_), clock_);
  if (config_.access.jwt()) {
    // An empty token never means "no auth" in jwt mode: one is made on first start.
    auto admin = access::admin_token(config_.server.api_token, config_.data_dir);
    config_.server.api_token = admin.token;
    if (admin.generated) log::get("access")->warn("admin token generated: it is in {} (mode 0600); send it as \"Authorization: Bearer <token>\"", admin.file.string());
    else if (!admin.file.empty()) log::get("access")->info("admin token: in {}", admin.file.string());
  }
  db_ = open_index(config_);
  nodes_ = std::make_unique<NodeDirectory>(config_, *db_, clock_);
  nodes_->register_self();
  ingest_ = std::make_unique<HookIngest>(config_, *db_, clock_);
  reconciler_ = std::make_unique<Reconciler>(config_, *db_, *ingest_, clock_);
  retention_ = std::make_unique<Retention>(config_, *db_, ingest_->root(), clock_, disk ? *disk : default_disk_);
  events_ = std::make_unique<EventOutbox>(config_, *db_, clock_);
  delivery_ = std::make_unique<WebhookDelivery>(*db_, clock_, std::chrono::seconds{5}, events_->targets());
  if (!config_.retention.notify_webhooks.empty())
    log::get("notify")->warn("retention.notify_webhooks is deprecated: list these URLs under webhooks with a secret "
                             "(docs/webhooks.md); until then they get recordings.expiring and recordings.deleted, unsigned");
  ingest_->on_stream_change = [this](const std::string& id, const std::string& path, bool available, TimePoint at) {
    events_->change(available ? EventType::camera_online : EventType::camera_offline, id, at, {{"path", path}});
  };
  watchdog_ = std::make_unique<StallWatchdog>(config_, *db_, ingest_->root(), clock_);
  // Each stall and its end: a change point of the status history (the timeline's "stalled" gaps)
  // and an event (debounced).
  watchdog_->on_transition = [this](const StallWatchdog::Transition& t) {
    try {
      db_->write([&](Writer& w) { w.add_state_change(t.camera_id, StateKind::stalled, t.at, t.stalled); });
    } catch (const std::exception& e) {
      log::get("watchdog")->error("camera {}: the stall could not be written to the status history: {}", quote(t.camera_id), e.what());
    }
    events_->change(t.stalled ? EventType::recording_stalled : EventType::recording_resumed, t.camera_id, t.at,
                    {{"state", recording_state_name(t.state.state)}, {"detail", t.state.detail}});
  };
  if (config_.access.jwt()) api_options_.bearer = [this] { return issuer_->service_token({{"api", ""}}); };
  streams_ = std::make_unique<StreamAdmin>(config_, *db_, *ingest_, clock_, api_options_);
  sync_cameras();
  retention_->sync_expiries();
  ctx_ = std::make_unique<ApiContext>(ApiContext{config_, *db_, *ingest_, spool_, clock_, clock_.now(), *retention_, *streams_, {}});
  ctx_->issuer = issuer_.get();
  ctx_->nodes = nodes_.get();
  ctx_->footage_sums = std::make_shared<FootageSumsCache>();
  ctx_->metrics = &metrics_;
  ctx_->watchdog = watchdog_.get();
  ctx_->worker_status = [this] {
    std::lock_guard lock(reconcile_mutex_);
    return nlohmann::json{{"last_reconcile", last_reconcile_},
                          {"last_retention", last_retention_},
                          {"spooled_events_ingested", spooled_events_.load()}};
  };
  // server.threads workers, more while connections wait (idle keep-alive, slow clients), so a hook
  // is not queued behind them (api/connection_pool.hpp).
  http_.new_task_queue = [n = config_.server.threads] {
    return new ConnectionPool(static_cast<std::size_t>(n), kMaxConnections);
  };
  install_api(http_, *ctx_);
  install_web_console(http_, config_);
}

ServerApp::~ServerApp() {
  stop();
  if (worker_.joinable()) worker_.join();
}

void ServerApp::sync_cameras() {
  sync_cameras(config_, *db_, clock_.now());
  ingest_->invalidate_cameras();
}

void ServerApp::sync_cameras(const Config& config, Database& db, TimePoint now) {
  CameraNaming naming(config.mediamtx.path_prefix);
  db.write([&](Writer& w) {
    // One read of the table, and no write for a camera that did not change: every start (serve and
    // each CLI command) runs this, and a statement per camera cost ~3 ms at 50 cameras.
    const auto rows = w.all_cameras();
    std::map<std::string, const cameras::Row*, std::less<>> by_id;
    std::map<std::string, std::string, std::less<>> path_owner;  // as the table holds it so far
    for (const auto& row : rows) {
      by_id.emplace(row.camera.id, &row);
      path_owner[row.camera.path] = row.camera.id;
    }
    for (const auto& c : config.cameras) {
      Camera cam{c.id, naming.path_for(c.id), c.name, c.source, c.plan, c.retention, c.record, c.rtsp_transport,
                 CameraOrigin::config, config.node.id};
      // A path first seen through hooks (discovered) becomes this configured camera.
      if (auto other = path_owner.find(cam.path); other != path_owner.end() && other->second != cam.id) {
        throw Error(fmt::format("camera {}: its path {} already belongs to camera {} in the index", quote(c.id),
                                quote(cam.path), quote(other->second)));
      }
      auto known = by_id.find(cam.id);
      if (known != by_id.end()) {
        if (known->second->camera == cam && !known->second->removed_at) continue;
        // Another node records it: the first node to list it keeps it, until it lets it go (removed
        // from that node's file or stopped through the API).
        if (const auto& owner = known->second->camera.node;
            owner != cam.node && !known->second->removed_at && known->second->camera.managed()) {
          log::get("streams")->warn("camera {} of this file is recorded by node {}: not taken over (remove it from one "
                                    "node's config, or move it: PATCH /api/cameras/{} {{\"node\": \"{}\"}})",
                                    quote(c.id), quote(owner), c.id, cam.node);
          continue;
        }
        if (auto old = path_owner.find(known->second->camera.path); old != path_owner.end() && old->second == cam.id)
          path_owner.erase(old);
      }
      path_owner[cam.path] = cam.id;
      w.upsert_camera(cam, now);
    }
    for (const auto& row : rows) {
      if (row.camera.origin == CameraOrigin::config && row.camera.node == config.node.id &&
          !config.find_camera(row.camera.id))
        w.mark_camera_removed(row.camera.id, now);
    }
  });
}

int ServerApp::bind() {
  const auto& host = config_.server.host;
  if (config_.server.port == 0) port_ = http_.bind_to_any_port(host);
  else port_ = http_.bind_to_port(host, config_.server.port) ? config_.server.port : -1;
  if (port_ <= 0)
    throw Error(fmt::format("cannot listen on {}: {}", config_.listen(), std::strerror(errno)));
  if (!raise_listen_backlog(port_, kListenBacklog))
    log::get("server")->warn("could not raise the accept queue of port {} above cpp-httplib's 5: clients connecting "
                             "at the same moment may wait 1 s", port_);
  return port_;
}

std::size_t ServerApp::drain_spool() {
  std::size_t n = ingest_spool(spool_, *ingest_, clock_);
  // Events the hook client kept in memory because the spool's disk could not take them.
  if (const auto fallback = fallback_spool_dir(spool_.dir()); private_spool_dir(fallback, false)) {
    Spool in_memory(fallback);
    n += ingest_spool(in_memory, *ingest_, clock_);
  }
  spooled_events_ += n;
  return n;
}

Reconciler::Report ServerApp::reconcile() {
  auto r = reconciler_->run();
  std::lock_guard lock(reconcile_mutex_);
  last_reconcile_ = {{"at", format_rfc3339_ms(clock_.now())}, {"scanned", r.scanned}, {"added", r.added},
                     {"finished", r.finished}, {"missing", r.missing}, {"restored", r.restored},
                     {"ignored", r.ignored}, {"implausible", r.implausible}, {"elapsed_ms", r.elapsed.count() / 1000}};
  return r;
}

std::size_t ServerApp::prune_events() { return prune_events(config_, *db_, clock_.now()); }

std::size_t ServerApp::prune_events(const Config& config, Database& db, TimePoint now) {
  if (config.events_keep.count() <= 0) return 0;
  const TimePoint before = now - config.events_keep;
  constexpr int kBatch = 5000;  // one short transaction each: hooks never wait long
  std::size_t total = 0;
  for (;;) {
    std::size_t n = db.write([&](Writer& w) { return w.prune_events(before, kBatch); });
    total += n;
    if (n < static_cast<std::size_t>(kBatch)) break;
  }
  if (total > 0) log::get("index")->info("event log: {} entries older than {} removed", total, format_duration(config.events_keep));
  return total;
}

std::size_t ServerApp::prune_state_history(const Config& config, Database& db, TimePoint now) {
  std::vector<std::pair<std::string, TimePoint>> cutoffs;
  {
    auto r = db.reader();
    // The oldest segment only: summing every camera's rows cost 4-9 s per pass at 10 M rows
    // (docs/BENCHMARKS.md, "Scale-out").
    for (const auto& row : r.all_cameras()) {
      cutoffs.emplace_back(row.camera.id, r.oldest_segment_start(row.camera.id).value_or(
                                              now - config.retention_for(row.camera.plan, row.camera.retention_override)));
    }
  }
  std::size_t total = 0;
  for (const auto& [id, before] : cutoffs) total += db.write([&](Writer& w) { return w.prune_state_history(id, before); });
  return total;
}

Retention::PassReport ServerApp::retention_pass() {
  auto r = retention_->run_pass();
  std::size_t pruned = prune_events();
  prune_state_history(config_, *db_, clock_.now());
  std::lock_guard lock(reconcile_mutex_);
  last_retention_ = {{"at", format_rfc3339_ms(clock_.now())}, {"notified", r.notified}, {"deleted", r.deleted},
                     {"deleted_bytes", r.deleted_bytes}, {"disk_deleted", r.disk_deleted},
                     {"recovered", r.recovered}, {"refused", r.refused}, {"disk_alert", r.disk_alert},
                     {"elapsed_ms", r.elapsed.count() / 1000}, {"events_pruned", pruned}};
  return r;
}

std::size_t ServerApp::deliver_notifications() { return delivery_->run_once(); }

std::vector<StallWatchdog::Transition> ServerApp::watch() {
  std::lock_guard lock(watch_mutex_);
  auto transitions = watchdog_->check();
  events_->flush_due();
  return transitions;
}

std::string ServerApp::refresh_mediamtx_jwks() {
  if (!jwks_refresh_pending_) return "";
  try {
    ControlApi(config_.mediamtx.api_url, api_options_).refresh_jwks();
    issuer_->mediamtx_has_published_keys();
    jwks_refresh_pending_ = false;
    log::get("access")->info("MediaMTX told to fetch the JWKS again; signing with key {}", issuer_->signing_kid());
    return "";
  } catch (const std::exception& e) {
    log::get("access")->debug("MediaMTX JWKS refresh not done yet: {}", e.what());
    return e.what();
  }
}

void ServerApp::worker() {
  auto guarded = [](const char* what, auto&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      log::get("worker")->error("{} failed: {}", what, e.what());
    }
  };
  guarded("spool drain", [&] { drain_spool(); });
  guarded("reconcile", [&] { reconcile(); });
  guarded("retention pass", [&] { retention_pass(); });
  guarded("stall watchdog", [&] { watch(); });
  guarded("notification delivery", [&] { deliver_notifications(); });
  // Keys published since MediaMTX last fetched the JWKS sign once it has been told to fetch again.
  jwks_refresh_pending_ = config_.access.jwt() && !config_.mediamtx.api_url.empty();
  guarded("JWKS refresh", [&] { refresh_mediamtx_jwks(); });
  // MediaMTX keeps API changes in memory only: push our cameras now, and again when it restarts.
  if (auto error = streams_->reapply(); !error.empty())
    log::get("streams")->warn("cameras not applied to MediaMTX yet: {}", error);
  auto next_mediamtx_check = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  auto next_heartbeat = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  auto next_reconcile = std::chrono::steady_clock::now() + config_.reconcile_interval;
  auto next_retention = std::chrono::steady_clock::now() + config_.retention.interval;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds{2});
    if (stopping_) break;
    lock.unlock();
    guarded("spool drain", [&] { drain_spool(); });
    guarded("signing keys", [&] {
      if (issuer_->reload_if_changed()) jwks_refresh_pending_ = config_.access.jwt() && !config_.mediamtx.api_url.empty();
      refresh_mediamtx_jwks();
    });
    if (std::chrono::steady_clock::now() >= next_reconcile) {
      guarded("reconcile", [&] { reconcile(); });
      next_reconcile = std::chrono::steady_clock::now() + config_.reconcile_interval;
    }
    if (std::chrono::steady_clock::now() >= next_retention) {
      guarded("retention pass", [&] { retention_pass(); });
      next_retention = std::chrono::steady_clock::now() + config_.retention.interval;
    }
    guarded("stall watchdog", [&] { watch(); });
    guarded("notification delivery", [&] { deliver_notifications(); });
    // Cameras started, moved or stopped for this node by another node's API.
    guarded("camera sync", [&] { streams_->sync_if_changed(); });
    if (std::chrono::steady_clock::now() >= next_heartbeat) {
      guarded("node heartbeat", [&] { nodes_->heartbeat(); });
      next_heartbeat = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    }
    if (std::chrono::steady_clock::now() >= next_mediamtx_check) {
      guarded("MediaMTX check", [&] { streams_->reapply_if_restarted(); });
      next_mediamtx_check = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    }
    lock.lock();
  }
}

void ServerApp::run() {
  if (port_ <= 0) bind();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    // Snapshots: captured on the available hook and refreshed while streams are active.
    auto options = SnapshotService::options_from(config_, ingest_->root());
    if (config_.access.jwt())
      options.read_token = [this](const std::string& path) { return issuer_->service_token({{"read", path}}); };
    options.on_capture = [this](const SnapshotResult& r) { metrics_.observe_snapshot(r.ok, to_seconds(r.elapsed)); };
    snapshots_ = std::make_unique<SnapshotService>(std::move(options), *db_, clock_);
    ctx_->snapshots = snapshots_.get();
    ingest_->on_available = [s = snapshots_.get()](const std::string& id, const std::string&) { s->on_available(id); };
    worker_ = std::thread([this] { worker(); });
  }
  log::get("server")->info("hook-server {} listening on http://{}:{} (index {}, recordings {})", HOOK_SERVER_VERSION,
                           config_.server.host, port_, db_->location(), ingest_->root().string());
  http_.listen_after_bind();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ServerApp::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (snapshots_) snapshots_->stop();  // cancels captures, so no request waits on one
  }
  wake_.notify_all();
  http_.stop();
}

}  // namespace hs
