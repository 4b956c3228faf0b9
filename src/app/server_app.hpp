#pragma once
// The running server: the index, the hook ingest, the HTTP API and one background worker that
// drains the spool and reconciles the recordings. Construction opens everything (errors end the
// program); bind() takes the port; run() serves until stop().
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "access/issuer.hpp"
#include "alerts/stall_watchdog.hpp"
#include "api/http_api.hpp"
#include "cluster/node_directory.hpp"
#include "config/config.hpp"
#include "hooks/spool.hpp"
#include "index/database.hpp"
#include "ingest/hook_ingest.hpp"
#include "ingest/reconciler.hpp"
#include "metrics/metrics.hpp"
#include "notify/event_outbox.hpp"
#include "notify/webhook_delivery.hpp"
#include "retention/retention.hpp"
#include "streams/stream_admin.hpp"
#include "snapshot/snapshot_service.hpp"

namespace hs {

class ServerApp {
 public:
  // Opens the index under config.data_dir, records the configured cameras and brings segment
  // expiries in line with their cameras' retention. Throws Error. `disk` defaults to statvfs.
  explicit ServerApp(Config config, const Clock& clock = system_clock(), const DiskProbe* disk = nullptr);
  ~ServerApp();

  // Binds server.host:server.port (port 0 picks a free one) and returns the port. Throws Error.
  int bind();
  // Starts the background worker and serves until stop(). Returns when stopped.
  void run();
  // Thread-safe; run() returns soon after.
  void stop();

  // One spool drain; returns events handled.
  std::size_t drain_spool();
  Reconciler::Report reconcile();
  // A retention pass, then the event log trimmed to `events_keep`.
  Retention::PassReport retention_pass();
  // Removes event-log entries older than events_keep, in short transactions; returns how many.
  std::size_t prune_events();
  static std::size_t prune_events(const Config& config, Database& db, TimePoint now);
  // The status history is kept as long as the recordings it explains: per camera, change points
  // older than its oldest footage (no footage: older than now minus its retention) go, but the one
  // in force then stays. Returns how many rows went.
  static std::size_t prune_state_history(const Config& config, Database& db, TimePoint now);
  // Records the cameras of hook-server.yml in the index (new, changed, removed ones), writing only
  // what changed. Throws Error when a camera's path already belongs to another camera.
  static void sync_cameras(const Config& config, Database& db, TimePoint now);
  std::size_t deliver_notifications();
  // One look of the stall watchdog (its transitions become recording.stalled / recording.resumed
  // events), then the debounced events whose window ended written to the outbox. Returns the
  // transitions.
  std::vector<StallWatchdog::Transition> watch();
  StallWatchdog& watchdog() { return *watchdog_; }
  EventOutbox& events() { return *events_; }
  Retention& retention() { return *retention_; }
  StreamAdmin& streams() { return *streams_; }
  // Null until run() starts it.
  SnapshotService* snapshots() { return snapshots_.get(); }

  access::Issuer& issuer() { return *issuer_; }
  // Tells MediaMTX (mediamtx.api_url, access.mode jwt) to fetch the JWKS again, so that newly
  // published keys may sign at once. Returns an error text or "".
  std::string refresh_mediamtx_jwks();

  const Config& config() const { return config_; }
  Database& database() { return *db_; }
  static const Clock& system_clock();

 private:
  void sync_cameras();
  void worker();

  Config config_;
  const Clock& clock_;
  std::unique_ptr<access::Issuer> issuer_;
  Metrics metrics_;
  ControlApi::Options api_options_;  // the Control API client's service token (access.mode jwt)
  std::unique_ptr<Database> db_;
  std::unique_ptr<NodeDirectory> nodes_;
  std::unique_ptr<HookIngest> ingest_;
  std::unique_ptr<Reconciler> reconciler_;
  DiskProbe default_disk_;
  std::unique_ptr<Retention> retention_;
  std::unique_ptr<EventOutbox> events_;
  std::unique_ptr<WebhookDelivery> delivery_;
  std::unique_ptr<StallWatchdog> watchdog_;
  std::mutex watch_mutex_;  // one watchdog look at a time (the worker, and tests calling watch())
  std::unique_ptr<StreamAdmin> streams_;
  std::unique_ptr<SnapshotService> snapshots_;  // started by run(), stopped by stop()
  Spool spool_;
  std::unique_ptr<ApiContext> ctx_;
  httplib::Server http_;
  int port_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
  std::mutex reconcile_mutex_;
  nlohmann::json last_reconcile_;
  nlohmann::json last_retention_;
  std::atomic<std::size_t> spooled_events_{0};
  bool jwks_refresh_pending_ = false;  // worker thread only
};

}  // namespace hs
