// Fault: MediaMTX's Control API and a webhook receiver accept connections and never answer. The
// promise: the server stays up, other routes answer while requests to them hang (health, hooks
// from the real hook client), and once the peers answer again the work is retried and nothing is
// lost (the camera reaches MediaMTX, the event reaches the receiver).
#include <catch2/catch.hpp>

#include <future>
#include <mutex>

#include "support/control_api_standin.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"
#include "support/silent_server.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

TEST_CASE("a Control API and a webhook receiver that hang: other routes answer, nothing is lost", "[faults][notify]") {
  auto control_api = std::make_unique<SilentServer>();
  auto receiver = std::make_unique<SilentServer>();
  const int api_port = control_api->port(), receiver_port = receiver->port();
  ServerFixture server(fmt::format(R"(webhooks:
  - {{url: "http://127.0.0.1:{}/events", events: ["*"], secret: "a secret of sixteen or more"}}
cameras:
  - {{id: "1", name: Front door, source: "rtsp://10.0.0.5:554/stream1", plan: basic}}
)",
                                   receiver_port),
                       "UTC", fmt::format("api_url: http://127.0.0.1:{}", api_port));
  server.start();  // the worker's first move: apply the cameras to MediaMTX, which hangs
  auto names = touch_segments(server.working_dir(), "camera_1", 10);

  // A camera started through the API waits on MediaMTX (its read timeout: 5 s) ...
  // (up to twice that when the worker is applying cameras at the same moment: it holds the streams
  // lock across its own call).
  const auto post_at = SteadyClock::now();
  auto started = std::async(std::launch::async, [&] {
    httplib::Client cli("127.0.0.1", server.port());
    cli.set_read_timeout(30, 0);
    auto r = cli.Post("/api/streams", R"({"camera_id": "7", "stream_url": "rtsp://10.0.0.7/s"})", "application/json");
    return std::make_pair(std::move(r), SteadyClock::now() - post_at);
  });
  // ... the ready hook's camera.online event waits on the receiver ...
  {
    MediamtxStandin mtx(server.working_dir());
    mtx.launch(server.hook_command("ready"), MediamtxStandin::ready_vars("camera_1"));
    for (const auto& r : mtx.wait_all()) CHECK(r.output.empty());
  }
  REQUIRE(eventually([&] { return receiver->accepted() >= 1; }, std::chrono::seconds{15}));
  // ... and meanwhile health and hooks answer.
  SteadyClock::duration slowest{};
  for (int i = 0; i < 20; ++i) {
    const auto t0 = SteadyClock::now();
    httplib::Client cli("127.0.0.1", server.port());
    cli.set_read_timeout(2, 0);
    auto res = cli.Get("/api/health");
    REQUIRE(res);
    CHECK(res->status == 200);
    slowest = std::max(slowest, SteadyClock::now() - t0);
  }
  MediamtxStandin mtx(server.working_dir());
  for (const auto& n : names) mtx.launch(server.hook_command("segment-complete"), MediamtxStandin::segment_complete_vars("camera_1", n, 60));
  std::chrono::milliseconds slowest_hook{};
  for (const auto& r : mtx.wait_all()) {
    INFO(r.output);
    CHECK(r.output.empty());  // delivered, not spooled
    slowest_hook = std::max(slowest_hook, r.elapsed);
  }
  CHECK(server.get("/api/cameras/1")["recordings"]["segments"] == 10);
  auto [res, post_took] = started.get();
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == 201);  // created, saved, written to mediamtx.yml: only the hot apply waits
  json body = json::parse(res->body);
  CHECK(body["applied"] == false);
  CHECK(body["apply_error"].get<std::string>().find(": Read") != std::string::npos);  // cpp-httplib's word for a read timeout
  WARN("while the peers hung: slowest /api/health " << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count()
                                                     << " ms, slowest hook " << slowest_hook.count() << " ms; POST /api/streams answered after "
                                                     << std::chrono::duration_cast<std::chrono::milliseconds>(post_took).count() << " ms");

  // They answer again, on the same ports.
  control_api.reset();
  receiver.reset();
  ControlApiStandin mediamtx(api_port);
  std::mutex mutex;
  std::vector<json> received;
  struct Receiver {  // stopped and joined in every path
    httplib::Server http;
    std::thread thread;
    ~Receiver() {
      http.stop();
      if (thread.joinable()) thread.join();
    }
  } rx;
  rx.http.Post("/events", [&](const httplib::Request& req, httplib::Response& r) {
    std::lock_guard lock(mutex);
    received.push_back(json::parse(req.body));
    r.status = 204;
  });
  REQUIRE(rx.http.bind_to_port("127.0.0.1", receiver_port));
  rx.thread = std::thread([&] { rx.http.listen_after_bind(); });
  auto received_types = [&] {
    std::lock_guard lock(mutex);
    std::vector<std::string> types;
    for (const auto& e : received) types.push_back(e["type"]);
    return types;
  };
  // Deliveries back off (2 s, 4 s, ...); MediaMTX is checked every 10 s.
  CHECK(eventually([&] {
    auto t = received_types();
    return std::find(t.begin(), t.end(), "camera.online") != t.end();
  }, std::chrono::seconds{40}));
  CHECK(eventually([&] { return mediamtx.paths().count("camera_7") == 1; }, std::chrono::seconds{25}));
  server.stop();
}
