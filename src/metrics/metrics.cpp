// Metrics: the long-lived registry and one scrape's facts, serialized by prometheus-cpp.
#include "metrics/metrics.hpp"

#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace hs {

namespace {

// Latency buckets (seconds) for API requests: 0.5 ms to 5 s.
const prometheus::Histogram::BucketBoundaries kRequestBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,    0.25,  0.5,    1,     2.5,  5};
// Hook-to-index lag: MediaMTX completes a segment, then spawns the hook client.
const prometheus::Histogram::BucketBoundaries kLagBuckets{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300};
// A capture opens a stream or a file and decodes to a keyframe: tens of ms to seconds.
const prometheus::Histogram::BucketBoundaries kSnapshotBuckets{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("hook_server_http_requests_total")
                    .Help("API requests by route (the route table's pattern), method and status")
                    .Register(*registry_)),
      request_seconds_(prometheus::BuildHistogram()
                           .Name("hook_server_http_request_duration_seconds")
                           .Help("Time to make an API response, by route and method")
                           .Register(*registry_)),
      hooks_(prometheus::BuildCounter()
                 .Name("hook_server_hook_events_total")
                 .Help("Hook events received, by event and outcome (indexed, unchanged, rejected)")
                 .Register(*registry_)),
      hook_lag_(prometheus::BuildHistogram()
                    .Name("hook_server_hook_index_lag_seconds")
                    .Help("From MediaMTX running a hook (the hook client's clock) to the event applied to the index")
                    .Register(*registry_)
                    .Add({}, kLagBuckets)),
      snapshots_ok_(prometheus::BuildCounter()
                        .Name("hook_server_snapshot_captures_total")
                        .Help("Snapshot captures, by outcome")
                        .Register(*registry_)
                        .Add({{"outcome", "ok"}})),
      snapshots_failed_(prometheus::BuildCounter()
                            .Name("hook_server_snapshot_captures_total")
                            .Help("Snapshot captures, by outcome")
                            .Register(*registry_)
                            .Add({{"outcome", "failed"}})),
      snapshot_seconds_(prometheus::BuildHistogram()
                            .Name("hook_server_snapshot_duration_seconds")
                            .Help("Time of a snapshot capture (every source tried)")
                            .Register(*registry_)
                            .Add({}, kSnapshotBuckets)) {}

void Metrics::observe_request(std::string_view method, std::string_view route, int status, double seconds) {
  requests_.Add({{"method", std::string(method)}, {"route", std::string(route)}, {"status", std::to_string(status)}}).Increment();
  request_seconds_.Add({{"method", std::string(method)}, {"route", std::string(route)}}, kRequestBuckets).Observe(seconds);
}

void Metrics::observe_hook(std::string_view event, std::string_view outcome) {
  hooks_.Add({{"event", std::string(event)}, {"outcome", std::string(outcome)}}).Increment();
}

void Metrics::observe_hook_lag(double seconds) { hook_lag_.Observe(seconds < 0 ? 0 : seconds); }

void Metrics::observe_snapshot(bool ok, double seconds) {
  (ok ? snapshots_ok_ : snapshots_failed_).Increment();
  snapshot_seconds_.Observe(seconds);
}

void Metrics::Scrape::gauge(const std::string& name, const std::string& help, const prometheus::Labels& labels, double value) {
  prometheus::BuildGauge().Name(name).Help(help).Register(registry_).Add(labels).Set(value);
}

void Metrics::Scrape::counter(const std::string& name, const std::string& help, const prometheus::Labels& labels, double value) {
  // Registry::Add returns the family already registered under this name.
  prometheus::BuildCounter().Name(name).Help(help).Register(registry_).Add(labels).Increment(value);
}

std::string Metrics::Scrape::text() {
  auto families = metrics_.registry_->Collect();
  auto now = registry_.Collect();
  families.insert(families.end(), std::make_move_iterator(now.begin()), std::make_move_iterator(now.end()));
  return prometheus::TextSerializer().Serialize(families);
}

double process_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return -1;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double process_open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return ec ? -1 : n - 1;  // less the directory being read
}

}  // namespace hs
