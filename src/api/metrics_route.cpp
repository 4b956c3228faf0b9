// GET /metrics: the long-lived counters of Metrics plus the facts read now (metrics.hpp).
#include "api/metrics_route.hpp"

#include "api/http_api.hpp"
#include "hooks/spool.hpp"
#include "metrics/metrics.hpp"
#include "retention/retention.hpp"
#include "snapshot/snapshot_service.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

// "refused: <why>" → "refused": outcomes as a bounded label.
std::string outcome_label(const std::string& outcome) { return outcome.substr(0, outcome.find(':')); }

void camera_facts(ApiContext& ctx, Metrics::Scrape& s) {
  auto now = ctx.clock.now();
  auto r = ctx.db.snapshot();
  for (const auto& row : r.all_cameras()) {
    if (row.removed_at) continue;
    const auto& c = row.camera;
    prometheus::Labels l{{"camera", c.id}};
    auto sum = r.segment_summary(c.id);
    s.gauge("hook_server_camera_segments", "Segments indexed per camera", l, static_cast<double>(sum.segments));
    s.gauge("hook_server_camera_bytes", "Bytes of footage indexed per camera", l, static_cast<double>(sum.bytes));
    if (sum.oldest)
      s.gauge("hook_server_camera_oldest_footage_age_seconds", "Age of the camera's oldest footage (compare with its plan)", l,
              to_seconds(now - *sum.oldest));
    s.gauge("hook_server_camera_retention_seconds", "The camera's plan retention", l,
            to_seconds(ctx.config.retention_for(c.plan, c.retention_override)));
    s.gauge("hook_server_camera_recording_enabled", "1 when record is on for the camera", l, c.record ? 1 : 0);
    s.gauge("hook_server_camera_stream_active", "1 while MediaMTX says the camera's stream is available", l,
            row.status.state == StreamState::active ? 1 : 0);
  }
  for (const auto& t : r.audit_totals()) {
    prometheus::Labels l{{"reason", t.reason}, {"outcome", outcome_label(t.outcome)}};
    s.counter("hook_server_segments_deleted_total", "Segments removed by reason (retention, disk, manual) and outcome, from the audit", l,
              static_cast<double>(t.count));
    s.counter("hook_server_segments_deleted_bytes_total", "Bytes of the segments removed, by reason and outcome", l,
              static_cast<double>(t.bytes));
  }
  for (const auto& d : r.delivery_totals()) {
    s.gauge("hook_server_webhook_deliveries", "Webhook deliveries in the outbox by state (pending, retrying, delivered)",
            {{"state", d.state}}, static_cast<double>(d.count));
    s.counter("hook_server_webhook_failed_attempts_total", "Webhook delivery attempts that failed, by the delivery's state now",
              {{"state", d.state}}, static_cast<double>(d.failed_attempts));
  }
}

void worker_facts(ApiContext& ctx, Metrics::Scrape& s) {
  s.gauge("hook_server_spool_pending_bytes", "Bytes of hook events spooled by the hook client and not yet ingested", {},
          static_cast<double>(ctx.spool.pending_bytes_with_fallback()));
  if (ctx.worker_status) {
    auto w = ctx.worker_status();
    const auto& rec = w["last_reconcile"];
    if (rec.is_object())
      for (const char* finding : {"scanned", "added", "finished", "missing", "restored", "ignored", "implausible"})
        if (rec.contains(finding))
          s.gauge("hook_server_reconcile_files", "The last reconcile's findings: files scanned, added (unannounced), finished, missing, restored, ignored, implausible (impossible dates, not indexed)",
                  {{"finding", finding}}, rec[finding].get<double>());
  }
  try {
    auto disk = DiskProbe().usage(ctx.ingest.root());
    s.gauge("hook_server_disk_free_bytes", "Free bytes on the recordings' file system", {}, static_cast<double>(disk.free));
    s.gauge("hook_server_disk_size_bytes", "Size of the recordings' file system", {}, static_cast<double>(disk.total));
  } catch (const Error&) {
    // The recordings root is not there (not mounted?): no disk figures; /api/health says why.
  }
  if (ctx.snapshots) {
    auto st = ctx.snapshots->stats();
    s.counter("hook_server_snapshot_requests_coalesced_total", "Snapshot requests that joined a capture already queued or running", {},
              static_cast<double>(st.coalesced));
  }
  s.gauge("process_resident_memory_bytes", "Resident memory size in bytes", {}, process_resident_bytes());
  s.gauge("process_open_fds", "Number of open file descriptors", {}, process_open_fds());
}

}  // namespace

void get_metrics(ApiContext& ctx, const Call& call) {
  if (!ctx.metrics) throw Error("metrics are not running");
  Metrics::Scrape scrape(*ctx.metrics);
  camera_facts(ctx, scrape);
  worker_facts(ctx, scrape);
  call.res.status = 200;
  call.res.set_content(scrape.text(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace hs
