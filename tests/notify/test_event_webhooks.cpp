// Event webhooks end to end: hooks through the MediaMTX stand-in, the stall watchdog and retention
// make events; a receiver on 127.0.0.1 that is down, then up, gets each exactly once, with headers
// whose signature the test checks with its own HMAC (OpenSSL's HMAC(), not src/notify/signature);
// a camera flapping 20 times a minute sends a bounded number of events; the deprecated
// retention.notify_webhooks still gets the recordings events, unsigned.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <map>
#include <mutex>
#include <set>

#include "support/fake_clock.hpp"
#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
using std::chrono::seconds;

namespace {

const std::string kSecret = "receiver-shared-secret-0123";

std::string hmac_sha256_hex_openssl(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  REQUIRE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len) != nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

// A webhook receiver on a fixed 127.0.0.1 port that can be started late (down, then up).
class Receiver {
 public:
  struct Request {
    std::string path;
    httplib::Headers headers;
    std::string body;
  };
  explicit Receiver(int port) : port_(port) {
    server_.Post(R"(/(\w+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      requests_.push_back({req.path, req.headers, req.body});
      res.status = 204;
    });
  }
  ~Receiver() { stop(); }
  void start() {
    REQUIRE(server_.bind_to_port("127.0.0.1", port_));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    REQUIRE(eventually([&] { return server_.is_running(); }));
  }
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Request> requests(const std::string& path) {
    std::lock_guard lock(mutex_);
    std::vector<Request> out;
    for (const auto& r : requests_)
      if (r.path == path) out.push_back(r);
    return out;
  }

 private:
  int port_;
  httplib::Server server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Request> requests_;
};

TimePoint real_now() { return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()); }

void hook(MediamtxStandin& mtx, ServerFixture& server, const std::string& event,
          const std::map<std::string, std::string>& vars) {
  auto r = mtx.wait(mtx.launch(server.hook_command(event), vars));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

std::string header(const Receiver::Request& r, const char* name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string("<none>") : it->second;
}

// Deliveries still pending in the outbox.
std::size_t undelivered(ServerFixture& server) {
  std::size_t n = 0;
  for (const auto& note : server.app().database().reader().recent_notifications(1000))
    for (const auto& d : note.deliveries) n += d.state != "delivered";
  return n;
}

}  // namespace

TEST_CASE("a receiver that is down then up gets each event once and signed and notify_webhooks still works",
          "[webhooks][e2e]") {
  SharedFakeClock clock(real_now());
  const int port = free_port();
  ServerFixture server(fmt::format(R"(cameras:
  - {{id: "1", source: publisher}}
retention:
  notify_webhooks: ["http://127.0.0.1:{0}/legacy"]
webhooks:
  - {{url: "http://127.0.0.1:{0}/signed", events: ["*"], secret: "{1}"}}
  - {{url: "http://127.0.0.1:{0}/offline", events: [camera.offline], secret: "another-secret-of-16+"}}
watchdog: {{grace: 5s}}
)",
                                   port, kSecret),
                       "UTC", "segment_duration: 1h");
  server.use_clock(clock);
  server.start();
  MediamtxStandin mtx(server.working_dir());
  Receiver receiver(port);  // not listening yet

  // camera.online; then recording is expected from this server's clock on.
  hook(mtx, server, "ready", MediamtxStandin::ready_vars("camera_1"));
  clock.set(real_now() + seconds{1});
  // An old segment (basic plan: 7 d) that expires within the day: recordings.expiring.
  TempDir media;
  auto names = place_segments(make_segments(media.path(), 1, 2.0), server.working_dir(), "camera_1",
                              clock.now() - std::chrono::hours{24 * 7 - 1}, 2.0);
  hook(mtx, server, "segment-complete", MediamtxStandin::segment_complete_vars("camera_1", names[0], 2.0));
  server.app().retention_pass();
  // No new segment after it: recording.stalled.
  clock.advance(seconds{6});
  server.app().watch();
  REQUIRE(server.get("/api/cameras/1")["recording_state"]["state"] == "stalled");
  // The stream goes: camera.offline (held: within 30 s of camera.online) and the stall ends
  // (recording.resumed, held too); both go out when their window ends.
  hook(mtx, server, "not-ready", MediamtxStandin::path_vars("camera_1"));
  server.app().watch();
  clock.advance(seconds{31});
  server.app().watch();

  // The receiver is down: every attempt fails, nothing is lost.
  server.app().deliver_notifications();
  // 5 to /signed, camera.offline to /offline, recordings.expiring to /legacy.
  CHECK(undelivered(server) == 7);
  // The outbox survives a restart.
  server.stop();
  server.start();
  // Retention deletes the segment a day later: recordings.deleted.
  clock.advance(std::chrono::hours{25});
  server.app().retention_pass();

  receiver.start();
  REQUIRE(eventually([&] {
    clock.advance(std::chrono::minutes{11});  // past any backoff
    server.app().deliver_notifications();
    return undelivered(server) == 0;
  }, std::chrono::seconds{20}));

  // Exactly once each, by the event id in the body; headers as documented; signature checked with
  // the test's own HMAC over "<timestamp>.<body>".
  auto signed_requests = receiver.requests("/signed");
  std::vector<std::string> types;
  std::set<std::string> ids, deliveries;
  for (const auto& r : signed_requests) {
    CAPTURE(r.body);
    json body = json::parse(r.body);
    CHECK(ids.insert(body["id"].get<std::string>()).second);
    CHECK(deliveries.insert(header(r, "X-Hook-Server-Delivery")).second);
    CHECK(header(r, "X-Hook-Server-Event") == body["type"]);
    const std::string ts = header(r, "X-Hook-Server-Timestamp");
    CHECK(std::abs(std::stoll(ts) - epoch_us(clock.now()) / 1000000) < 24 * 3600);
    CHECK(header(r, "X-Hook-Server-Signature") == "sha256=" + hmac_sha256_hex_openssl(kSecret, ts + "." + r.body));
    CHECK(header(r, "X-Hook-Server-Signature") != "sha256=" + hmac_sha256_hex_openssl(kSecret, ts + "." + r.body + " "));
    CHECK(body.contains("time"));
    CHECK(body["data"].is_object());
    types.push_back(body["type"]);
    if (body["type"] != "recordings.expiring" && body["type"] != "recordings.deleted") CHECK(body["camera"] == "1");
  }
  std::sort(types.begin(), types.end());
  CHECK(types == std::vector<std::string>{"camera.offline", "camera.online", "recording.resumed", "recording.stalled",
                                          "recordings.deleted", "recordings.expiring"});

  // The webhook that wants camera.offline only got that.
  auto offline = receiver.requests("/offline");
  REQUIRE(offline.size() == 1);
  CHECK(json::parse(offline[0].body)["type"] == "camera.offline");
  CHECK(json::parse(offline[0].body)["data"]["path"] == "camera_1");

  // The deprecated notify_webhooks URL: the recordings events, unsigned.
  auto legacy = receiver.requests("/legacy");
  REQUIRE(legacy.size() == 2);
  std::set<std::string> legacy_types;
  for (const auto& r : legacy) {
    legacy_types.insert(json::parse(r.body)["type"].get<std::string>());
    CHECK(header(r, "X-Hook-Server-Signature") == "<none>");
    CHECK(header(r, "X-Hook-Server-Event") == json::parse(r.body)["type"]);
  }
  CHECK(legacy_types == std::set<std::string>{"recordings.deleted", "recordings.expiring"});
  // Retried deliveries may arrive in either order: each is found by its type.
  auto of_type = [&](const std::string& type) {
    for (const auto& r : legacy)
      if (json::parse(r.body)["type"] == type) return json::parse(r.body);
    return json();
  };
  json expiring = of_type("recordings.expiring");
  CHECK(expiring["camera"] == "1");
  CHECK(expiring["data"]["count"] == 1);
  CHECK(of_type("recordings.deleted")["data"]["reason"] == "retention");
}

TEST_CASE("a camera flapping 20 times a minute sends a bounded number of events", "[webhooks][e2e]") {
  SharedFakeClock clock(real_now());
  const int port = free_port();
  ServerFixture server(fmt::format(R"(cameras:
  - {{id: "1", source: publisher}}
webhooks:
  - {{url: "http://127.0.0.1:{0}/flaps", events: [camera.offline, camera.online], secret: "{1}"}}
)",
                                   port, kSecret));
  server.use_clock(clock);
  server.start();
  MediamtxStandin mtx(server.working_dir());
  Receiver receiver(port);
  receiver.start();

  // 20 times down and up within one minute of this server's clock.
  for (int i = 0; i < 20; ++i) {
    hook(mtx, server, "not-ready", MediamtxStandin::path_vars("camera_1"));
    clock.advance(std::chrono::milliseconds{1500});
    server.app().watch();
    hook(mtx, server, "ready", MediamtxStandin::ready_vars("camera_1"));
    clock.advance(std::chrono::milliseconds{1500});
    server.app().watch();
  }
  // The window after the last change ends.
  clock.advance(seconds{31});
  server.app().watch();
  REQUIRE(eventually([&] {
    server.app().deliver_notifications();
    return undelivered(server) == 0;
  }));

  auto got = receiver.requests("/flaps");
  // At most one per 30 s window: within 60 s, 1 + 60 / 30, and the held one when the last window
  // ends. 40 changes were made.
  CHECK(got.size() >= 1);
  CHECK(got.size() <= 4);
  int changes = 0;
  std::string last;
  for (const auto& r : got) {
    json body = json::parse(r.body);
    CHECK(body["type"] != last);  // never the same state twice in a row
    last = body["type"];
    changes += body["data"]["changes"].get<int>();
  }
  // The receiver's view ends right: the camera is online. Events count the changes they stand for
  // (a pair that collapsed to nothing in a window is in none).
  CHECK(last == "camera.online");
  CHECK(changes <= 40);
  CHECK(server.get("/api/cameras/1")["status"]["state"] == "active");
}
