// Outbox delivery over HTTP with cpp-httplib.
#include "notify/webhook_delivery.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>

#include "util/log.hpp"
#include "util/redact.hpp"

namespace hs {

WebhookDelivery::WebhookDelivery(Database& db, const Clock& clock, Micros timeout)
    : db_(db), clock_(clock), timeout_(timeout) {}

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
  auto due = db_.reader().due_deliveries(clock_.now(), 50);
  std::size_t delivered = 0;
  for (const auto& [d, payload] : due) {
    auto [base, path] = split_url(d.url);
    std::string error;
    try {
      httplib::Client cli(base);
      auto secs = static_cast<time_t>(timeout_.count() / 1000000);
      cli.set_connection_timeout(secs, 0);
      cli.set_read_timeout(secs, 0);
      cli.set_write_timeout(secs, 0);
      auto res = cli.Post(path, payload, "application/json");
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
