// The notification outbox against a real receiver on 127.0.0.1 that fails, then recovers.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "index/notifications.hpp"
#include "notify/webhook_delivery.hpp"
#include "support/fake_clock.hpp"
#include "support/media.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;

TEST_CASE("a receiver that is down loses nothing and gets each notification once", "[retention][notify]") {
  httplib::Server receiver;
  std::mutex m;
  std::map<std::int64_t, int> accepted;  // notification id -> successful receipts
  std::atomic<int> calls{0};
  receiver.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    if (++calls <= 4) {  // down for the first four attempts
      res.status = 503;
      return;
    }
    std::lock_guard lock(m);
    ++accepted[json::parse(req.body)["id"].get<std::int64_t>()];
    res.status = 204;
  });
  int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { receiver.listen_after_bind(); });
  while (!receiver.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  TempDir dir;
  Database db(dir.path() / "index.db");
  FakeClock clock;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  // A second URL nobody listens on: it keeps retrying without blocking the first.
  const std::string dead = "http://127.0.0.1:1/hook";
  db.write([&](Writer& w) {
    for (int i = 0; i < 3; ++i) w.add_notification("expiry", "1", R"({"kind":"expiry","count":1})", {url, dead}, clock.now());
  });
  WebhookDelivery delivery(db, clock, std::chrono::seconds{2});
  std::size_t delivered = 0;
  for (int round = 0; round < 12 && delivered < 3; ++round) {
    delivered += delivery.run_once();
    clock.t += std::chrono::minutes{11};  // past any backoff
  }
  receiver.stop();
  serving.join();
  CHECK(delivered == 3);
  CHECK(accepted.size() == 3);
  for (const auto& [id, n] : accepted) CHECK(n == 1);

  auto list = db.reader().recent_notifications(10);
  REQUIRE(list.size() == 3);
  for (const auto& n : list) {
    REQUIRE(n.deliveries.size() == 2);
    CHECK(n.deliveries[0].state == "delivered");
    CHECK(n.deliveries[1].state == "retrying");
    CHECK(n.deliveries[1].attempts >= 1);
    CHECK_FALSE(n.deliveries[1].last_error.empty());
  }
  // Retries back off: the dead URL's next attempt moves further out.
  auto due_now = db.write([&](Writer& w) { return w.claim_due_deliveries(clock.now(), 10, clock.now() + std::chrono::minutes{1}); });
  CHECK(due_now.size() <= 3);
}
