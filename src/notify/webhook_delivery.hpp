#pragma once
// Delivers the notification outbox: POSTs each due delivery's JSON to its webhook URL and records
// the outcome. Failures are retried with exponential backoff (2 s doubling, capped at 10 min), for
// as long as it takes: a receiver that is down loses nothing. Delivery is at least once; payloads
// carry the notification "id" so a receiver can drop a repeat.
#include "index/database.hpp"
#include "util/time.hpp"

namespace hs {

class WebhookDelivery {
 public:
  WebhookDelivery(Database& db, const Clock& clock, Micros timeout = std::chrono::seconds{5});
  // Sends what is due now; returns the number delivered.
  std::size_t run_once();

 private:
  Database& db_;
  const Clock& clock_;
  Micros timeout_;
};

}  // namespace hs
