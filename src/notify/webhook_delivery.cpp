// Outbox delivery over HTTP with cpp-httplib.
#include "notify/webhook_delivery.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <set>

#include "notify/signature.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace hs {

WebhookDelivery::WebhookDelivery(Database& db, const Clock& clock, Micros timeout,
                                 const std::vector<WebhookTarget>& targets)
    : db_(db), clock_(clock), timeout_(timeout) {
  for (const auto& t : targets)
    if (!t.secret.empty()) secrets_[t.url] = t.secret;
}

namespace {

// "http://host:port/path?q" -> ("http://host:port", "/path?q")
std::pair<std::string, std::string> split_url(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

std::size_t WebhookDelivery::run_once() {
  std::lock_guard lock(run_mutex_);
  // Claimed in small batches, each with a lease long enough to try every one of them: nodes sharing
  // the index never send one delivery twice, and a node that dies leaves its claims to the others
  // after the lease.
  constexpr int kBatch = 10;
  const Micros lease = timeout_ * (kBatch + 1) + std::chrono::seconds{30};
  std::size_t delivered = 0;
  // A receiver that failed once in this run is not tried again until the next: one that accepts
  // and never answers costs one timeout per run, not one per due delivery (the worker that runs
  // this also drains the spool).
  std::set<std::string> failed_urls;
  for (int batches = 0; batches < 5; ++batches) {
    const auto claimed = db_.write([&](Writer& w) { return w.claim_due_deliveries(clock_.now(), kBatch, clock_.now() + lease); });
    delivered += send(claimed, failed_urls);
    if (claimed.size() < static_cast<std::size_t>(kBatch)) break;
  }
  return delivered;
}

std::size_t WebhookDelivery::send(const std::vector<notifications::Due>& due, std::set<std::string>& failed_urls) {
  std::size_t delivered = 0;
  for (const auto& [d, kind, payload] : due) {
    if (failed_urls.count(d.url)) {
      // Its claim is released: it keeps its place (the time it fell due) for the next run.
      db_.write([&](Writer& w) { w.reschedule_delivery(d.id, d.next_attempt); });
      continue;
    }
    auto [base, path] = split_url(d.url);
    const std::int64_t timestamp = epoch_us(clock_.now()) / 1000000;
    httplib::Headers headers{{"X-Hook-Server-Event", kind},
                             {"X-Hook-Server-Delivery", std::to_string(d.id)},
                             {"X-Hook-Server-Timestamp", std::to_string(timestamp)}};
    std::string error;
    try {
      httplib::Client cli(base);
      auto secs = static_cast<time_t>(timeout_.count() / 1000000);
      cli.set_connection_timeout(secs, 0);
      cli.set_read_timeout(secs, 0);
      cli.set_write_timeout(secs, 0);
      if (auto secret = secrets_.find(d.url); secret != secrets_.end())
        headers.emplace("X-Hook-Server-Signature", webhook_signature(secret->second, timestamp, payload));
      auto res = cli.Post(path, headers, payload, "application/json");
      if (!res) error = httplib::to_string(res.error());
      else if (res->status < 200 || res->status >= 300) error = fmt::format("HTTP {}", res->status);
    } catch (const std::exception& e) {
      error = e.what();
    }
    auto now = clock_.now();
    if (error.empty()) {
      db_.write([&](Writer& w) { w.mark_delivered(d.id, now); });
      ++delivered;
    } else {
      failed_urls.insert(d.url);
      Micros backoff = std::min<Micros>(std::chrono::seconds{2} * (1LL << std::min(d.attempts, 9)), std::chrono::minutes{10});
      db_.write([&](Writer& w) { w.mark_delivery_failed(d.id, error, now + backoff); });
      if (d.attempts == 0)
        log::get("notify")->warn("delivery of notification {} to {} failed: {}; retrying with backoff",
                                 d.notification_id, redact_url(d.url), error);
    }
  }
  return delivered;
}

}  // namespace hs
