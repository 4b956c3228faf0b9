// reconcile and cleanup as one-shot jobs over the index, without the server around them.
#include "app/maintenance.hpp"

#include <fmt/format.h>

#include "app/server_app.hpp"
#include "hooks/spool.hpp"
#include "index/database.hpp"
#include "ingest/spool_ingest.hpp"
#include "notify/webhook_delivery.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

// The index in data_dir (created when missing, as the server does).
std::unique_ptr<Database> open_data_dir_index(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) throw Error(fmt::format("cannot create data_dir {}: {}", config.data_dir.string(), ec.message()));
  return open_index(config);
}

}  // namespace

ReconcileRun run_reconcile(const Config& config, const ProgressFn& progress) {
  const Clock clock;
  auto index = open_data_dir_index(config);
  Database& db = *index;
  HookIngest ingest(config, db, clock);
  Spool spool(config.data_dir / "spool");
  ReconcileRun run;
  run.spooled = ingest_spool(spool, ingest, clock);
  Reconciler reconciler(config, db, ingest, clock);
  reconciler.progress = progress;
  run.report = reconciler.run();
  return run;
}

CleanupRun run_cleanup(const Config& config, const ProgressFn& progress) {
  const Clock clock;
  auto index = open_data_dir_index(config);
  Database& db = *index;
  ServerApp::sync_cameras(config, db, clock.now());
  const DiskProbe disk;
  Retention retention(config, db, config.recordings_root(), clock, disk);
  retention.sync_expiries();
  retention.progress = progress;
  CleanupRun run;
  run.pass = retention.run_pass();
  run.events_pruned = ServerApp::prune_events(config, db, clock.now());
  ServerApp::prune_state_history(config, db, clock.now());
  if (progress) progress("delivering notices", 0, 0);
  run.notices_delivered = WebhookDelivery(db, clock, std::chrono::seconds{5}, webhook_targets(config)).run_once();
  if (run.pass.disk_alert) run.alert = retention.alert();
  return run;
}

Retention::DryRun cleanup_dry_run(const Config& config) {
  const Clock clock;
  auto index = open_data_dir_index(config);
  const DiskProbe disk;
  return Retention(config, *index, config.recordings_root(), clock, disk).dry_run();
}

}  // namespace hs
