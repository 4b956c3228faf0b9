#pragma once
// The one-shot maintenance commands, each building only what its job uses: no HTTP server, no
// snapshot service, no stream admin or Control API, no worker thread.
//   reconcile  open the index -> ingest the spool -> one reconciliation pass
//   cleanup    open the index -> configured cameras and their retention brought in line -> one
//              retention pass and the event-log trim -> due notices delivered
// cleanup applies plan changes first on purpose: deleting by the expiries of a plan that was since
// made longer would delete footage the admin now keeps. reconcile does not: a file of a camera the
// index does not know yet is indexed under its path (an unmanaged camera until the server or cleanup
// records the configured one, whose retention then applies). Opening the index migrates it to this
// binary's schema, as both commands write to it. gen-config opens no index at all (main.cpp).
#include "config/config.hpp"
#include "ingest/reconciler.hpp"
#include "retention/retention.hpp"
#include "util/progress.hpp"

namespace hs {

struct ReconcileRun {
  std::size_t spooled = 0;  // spooled events ingested before the pass
  Reconciler::Report report;
};
// Throws Error when the index cannot be opened.
ReconcileRun run_reconcile(const Config& config, const ProgressFn& progress = {});

struct CleanupRun {
  Retention::PassReport pass;
  std::size_t events_pruned = 0;
  std::size_t notices_delivered = 0;
  std::string alert;  // the disk guard's alert when pass.disk_alert
};
// Throws Error when the index cannot be opened or a configured camera's path belongs to another.
CleanupRun run_cleanup(const Config& config, const ProgressFn& progress = {});

// What a cleanup would delete and notify now, from the index as it is: nothing is written, so a plan
// changed in hook-server.yml since the server last ran is not reflected yet.
Retention::DryRun cleanup_dry_run(const Config& config);

}  // namespace hs
