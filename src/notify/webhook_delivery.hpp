#pragma once
// Delivers the notification outbox: POSTs each due delivery's JSON to its webhook URL and records
// the outcome. Failures are retried with exponential backoff (2 s doubling, capped at 10 min), for
// as long as it takes: a receiver that is down loses nothing. A receiver that fails is not tried
// again in the same run, so one that hangs costs the caller one timeout per run. Delivery is at least once; payloads
// carry the notification "id" so a receiver can drop a repeat.
//
// Headers (docs/webhooks.md): X-Hook-Server-Event (the event type), X-Hook-Server-Delivery (the
// delivery id), X-Hook-Server-Timestamp (unix seconds) and, for a webhook with a secret,
// X-Hook-Server-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>.
#include <map>
#include <set>
#include <mutex>
#include <string>
#include <vector>

#include "index/database.hpp"
#include "notify/event_outbox.hpp"
#include "util/time.hpp"

namespace hs {

class WebhookDelivery {
 public:
  // `targets` give the secrets, by URL; a URL without one is sent unsigned.
  WebhookDelivery(Database& db, const Clock& clock, Micros timeout = std::chrono::seconds{5},
                  const std::vector<WebhookTarget>& targets = {});
  // Sends what is due now; returns the number delivered. Each delivery is claimed in the index
  // first (Writer::claim_due_deliveries), so no delivery is sent twice by concurrent calls or by
  // two nodes sharing the index.
  std::size_t run_once();

 private:
  // Tries each claimed delivery once; a URL that failed in this run is not tried again in it.
  std::size_t send(const std::vector<notifications::Due>& due, std::set<std::string>& failed_urls);

  Database& db_;
  const Clock& clock_;
  Micros timeout_;
  std::map<std::string, std::string> secrets_;  // url -> secret
  std::mutex run_mutex_;
};

}  // namespace hs
