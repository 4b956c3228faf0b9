#pragma once
// Prometheus metrics (prometheus-cpp's registry, metric types and text serializer; served at
// GET /metrics by our own HTTP server). Two kinds:
//   - events counted as they happen, kept in a registry for the life of the process: HTTP requests
//     by route and status with latency, hook events by kind and outcome, hook-to-index lag,
//     snapshot captures with latency;
//   - facts read at scrape time (a fresh registry per scrape): per camera footage, state and plan,
//     deletions by reason and webhook deliveries by state from the index, spool depth, the last
//     reconcile's findings, free disk, process memory and descriptors.
// Names follow Prometheus' conventions: hook_server_ prefix, base units (seconds, bytes), _total
// for counters. Thread-safe.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace hs {

class Metrics {
 public:
  Metrics();

  // One request to a route of the table (`route` is its pattern), after its response was made.
  void observe_request(std::string_view method, std::string_view route, int status, double seconds);
  // A hook event: `outcome` is "indexed", "unchanged" or "rejected".
  void observe_hook(std::string_view event, std::string_view outcome);
  // From MediaMTX running the hook (the client's timestamp) to the event applied to the index.
  void observe_hook_lag(double seconds);
  void observe_snapshot(bool ok, double seconds);

  // A registry for one scrape's facts (see Scrape below).
  class Scrape {
   public:
    explicit Scrape(Metrics& m) : metrics_(m) {}
    // Sets gauge `name` with `labels` (created on first use; `help` is taken then).
    void gauge(const std::string& name, const std::string& help, const prometheus::Labels& labels, double value);
    // The same for a counter whose total lives elsewhere (the index): set, not incremented.
    void counter(const std::string& name, const std::string& help, const prometheus::Labels& labels, double value);
    // The text exposition of the long-lived metrics and these facts.
    std::string text();

   private:
    Metrics& metrics_;
    prometheus::Registry registry_;
  };

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& request_seconds_;
  prometheus::Family<prometheus::Counter>& hooks_;
  prometheus::Histogram& hook_lag_;
  prometheus::Counter& snapshots_ok_;
  prometheus::Counter& snapshots_failed_;
  prometheus::Histogram& snapshot_seconds_;
};

// Resident memory (bytes) and open descriptors of this process, from /proc/self; -1 when unknown.
double process_resident_bytes();
double process_open_fds();

}  // namespace hs
