// Two hook-server nodes on one PostgreSQL (issue 10, step 3), each a real `hook-server serve`
// process with its own recordings root and MediaMTX stand-in: either node's API answers for every
// camera with links to the camera's node, requests for another node's files are redirected there,
// a camera started or moved through one node is applied by its node, each node's retention deletes
// only its own files, PostgreSQL stopped in the middle of a burst of hooks loses none and indexes
// none twice, and a node killed with SIGKILL leaves the other serving the index.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "build_paths.hpp"
#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/pg_server.hpp"
#include "support/serve_process.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A node: its own port, data_dir, recordings root, mediamtx.yml and MediaMTX bases
// (http://mtx-<id>.test:...), one camera of its own in its config.
struct Node {
  std::string id;
  ServeProcess server;
  MediamtxStandin mtx;

  Node(const std::string& node_id, const std::string& index_url, const std::string& camera)
      : id(node_id),
        server(fmt::format("index: {{url: \"{}\"}}\nnode: {{id: {}}}\n"
                           "retention: {{notify_before: 1s, disk_min_free: 0%}}\n"
                           "cameras:\n  - {{id: \"{}\", name: Cam {}, source: \"rtsp://127.0.0.1:1/{}\", plan: basic}}\n",
                           index_url, node_id, camera, camera, camera),
               "./var",
               fmt::format("base_config: " HOOK_SERVER_SOURCE_DIR "/mediamtx-config/base.yml, output: ./mediamtx.yml, urls: {{rtsp: \"rtsp://mtx-{0}.test:8554\", hls: \"http://mtx-{0}.test:8888\", "
                           "webrtc: \"http://mtx-{0}.test:8889\", playback: \"http://mtx-{0}.test:9996\"}}",
                           node_id)),
        mtx(server.working_dir(), {}) {}

  std::string url() const { return fmt::format("http://127.0.0.1:{}", server.port()); }
  // A one-minute file of camera_<camera> starting `minute` minutes after 2025-03-01T00:00Z where
  // this node's MediaMTX would write it; returns MTX_SEGMENT_PATH.
  std::string place(const std::string& camera, int minute) {
    auto name = fmt::format("{:04}-03-01_{:02}-{:02}-00-000000.mp4", 2025, minute / 60, minute % 60);
    auto folder = server.recordings() / ("camera_" + camera);
    fs::create_directories(folder);
    std::ofstream(folder / name) << "data";
    return "./recordings/camera_" + camera + "/" + name;
  }
  void hook_segment(const std::string& camera, int minute) {
    auto seg = place(camera, minute);
    mtx.launch(server.hook_command("segment-create"), MediamtxStandin::segment_create_vars("camera_" + camera, seg));
    mtx.launch(server.hook_command("segment-complete"), MediamtxStandin::segment_complete_vars("camera_" + camera, seg, 60.0));
  }
  void wait_hooks() {
    for (const auto& r : mtx.wait_all(60s)) {
      INFO(r.output);
      CHECK(r.exit_code == 0);
    }
  }
  httplib::Result send(const std::string& method, const std::string& path, const std::string& body = "") {
    auto cli = server.client();
    if (method == "GET") return cli.Get(path);
    if (method == "DELETE") return cli.Delete(path);
    if (method == "PATCH") return cli.Patch(path, body, "application/json");
    return cli.Post(path, body, "application/json");
  }
  std::string yaml() const {
    std::ifstream in(server.dir() / "mediamtx.yml");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

json recordings(Node& node, const std::string& camera) {
  return node.server.get("/api/cameras/" + camera + "/recordings?from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z&limit=1000");
}

}  // namespace

TEST_CASE("two nodes on one PostgreSQL: one API over both, links and redirects to the owner, per-node "
          "retention, an outage mid-burst and a killed node",
          "[pg][e2e][nodes]") {
  PgServer pg;
  const auto url = pg.fresh_database();
  Node a("a", url, "1");
  a.server.start();
  Node b("b", url, "2");
  b.server.start();

  // --- hooks on each node, read through the other.
  for (int m = 0; m < 3; ++m) {
    a.hook_segment("1", m);
    b.hook_segment("2", m);
  }
  a.wait_hooks();
  b.wait_hooks();
  json on_a = recordings(a, "2");
  REQUIRE(on_a["recordings"].size() == 3);
  CHECK(on_a["recordings"][0]["playback_url"].get<std::string>().starts_with("http://mtx-b.test:9996/get?path=camera_2&"));
  json cam2 = a.server.get("/api/cameras/2");
  CHECK(cam2["node"] == "b");
  CHECK(cam2["urls"]["whep"] == "http://mtx-b.test:8889/camera_2/whep");
  CHECK(cam2["urls"]["snapshot"] == b.url() + "/api/cameras/2/snapshot.jpg");
  CHECK(a.server.get("/api/cameras/1")["urls"]["snapshot"] == "/api/cameras/1/snapshot.jpg");  // its own: relative
  // Each node's start synced its own file's cameras only: b's start did not remove a's camera.
  CHECK(a.server.get("/api/cameras/1")["removed_at"].is_null());
  CHECK(a.server.get("/api/cameras/1")["node"] == "a");
  CHECK(recordings(b, "1")["recordings"][0]["playback_url"].get<std::string>().starts_with("http://mtx-a.test:9996/"));
  json health = a.server.get("/api/health");
  CHECK(health["node"] == "a");
  REQUIRE(health["nodes"].size() == 2);
  CHECK(health["nodes"][1]["id"] == "b");
  CHECK(health["nodes"][1]["url"] == b.url());
  CHECK(health["nodes"][1]["alive"] == true);

  // --- what needs node b's files, asked on node a: 307 to node b, same path.
  auto snap = a.send("GET", "/api/cameras/2/snapshot.jpg?max_age=5");
  REQUIRE(snap);
  CHECK(snap->status == 307);
  CHECK(snap->get_header_value("Location") == b.url() + "/api/cameras/2/snapshot.jpg?max_age=5");
  const auto b_segment = on_a["recordings"][0]["id"].get<std::int64_t>();
  auto del = a.send("DELETE", fmt::format("/api/recordings/{}", b_segment));
  REQUIRE(del);
  CHECK(del->status == 307);
  CHECK(del->get_header_value("Location") == b.url() + fmt::format("/api/recordings/{}", b_segment));
  CHECK(recordings(a, "2")["recordings"].size() == 3);  // nothing deleted by the redirect

  // --- a camera started through node a for node b is applied by node b; then moved to node a.
  auto bad = a.send("POST", "/api/streams", R"({"camera_id": "3", "stream_url": "rtsp://127.0.0.1:1/3", "node": "nowhere"})");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"].get<std::string>().find("\"nowhere\"") != std::string::npos);
  auto started = a.send("POST", "/api/streams", R"({"camera_id": "3", "stream_url": "rtsp://127.0.0.1:1/3", "node": "b"})");
  REQUIRE(started);
  INFO(started->body);
  CHECK(started->status == 201);
  CHECK(json::parse(started->body)["applied_by"] == "b");
  CHECK(json::parse(started->body)["whep_url"] == "http://mtx-b.test:8889/camera_3/whep");
  const bool applied_on_b = eventually([&] { return b.yaml().find("camera_3:") != std::string::npos; }, 10s);
  INFO(b.yaml());
  REQUIRE(applied_on_b);
  CHECK(a.yaml().find("camera_3:") == std::string::npos);
  b.hook_segment("3", 10);  // recorded on b before the move
  b.wait_hooks();
  auto moved = b.send("PATCH", "/api/cameras/3", R"({"node": "a"})");
  REQUIRE(moved);
  CHECK(moved->status == 200);
  REQUIRE(eventually([&] { return a.yaml().find("camera_3:") != std::string::npos; }, 10s));
  CHECK(b.yaml().find("camera_3:") == std::string::npos);
  a.hook_segment("3", 11);  // recorded on a after it
  a.wait_hooks();
  json cam3 = recordings(b, "3");
  REQUIRE(cam3["recordings"].size() == 2);
  // The history stays where it was recorded, and is served from there.
  CHECK(cam3["recordings"][0]["playback_url"].get<std::string>().starts_with("http://mtx-b.test:9996/"));
  CHECK(cam3["recordings"][1]["playback_url"].get<std::string>().starts_with("http://mtx-a.test:9996/"));

  // --- retention: each node deletes its own files only (notice 1 s ahead, then the deletion).
  std::string out;
  REQUIRE(a.server.run_cli({"cleanup"}, &out) == 0);
  std::this_thread::sleep_for(1100ms);
  REQUIRE(a.server.run_cli({"cleanup"}, &out) == 0);
  INFO(out);
  CHECK_FALSE(fs::exists(a.server.recordings() / "camera_1" / "2025-03-01_00-00-00-000000.mp4"));
  CHECK_FALSE(fs::exists(a.server.recordings() / "camera_3" / "2025-03-01_00-11-00-000000.mp4"));
  CHECK(recordings(a, "1")["recordings"].empty());
  CHECK(fs::exists(b.server.recordings() / "camera_2" / "2025-03-01_00-00-00-000000.mp4"));
  CHECK(recordings(a, "2")["recordings"].size() == 3);
  CHECK(recordings(a, "3")["recordings"].size() == 1);  // b's part of camera 3
  REQUIRE(b.server.run_cli({"cleanup"}, &out) == 0);
  std::this_thread::sleep_for(1100ms);
  REQUIRE(b.server.run_cli({"cleanup"}, &out) == 0);
  CHECK_FALSE(fs::exists(b.server.recordings() / "camera_2" / "2025-03-01_00-00-00-000000.mp4"));
  CHECK(recordings(a, "2")["recordings"].empty());
  CHECK(recordings(a, "3")["recordings"].empty());

  // --- PostgreSQL stopped in the middle of a burst of hooks on both nodes.
  constexpr int kBurst = 40;
  for (int m = 100; m < 100 + kBurst / 2; ++m) {
    a.hook_segment("1", m);
    b.hook_segment("2", m);
  }
  std::this_thread::sleep_for(200ms);
  pg.stop();
  for (int m = 100 + kBurst / 2; m < 100 + kBurst; ++m) {
    a.hook_segment("1", m);
    b.hook_segment("2", m);
  }
  a.wait_hooks();  // every hook exits 0: delivered, or spooled on 503
  b.wait_hooks();
  pg.start();
  for (auto* node : {&a, &b}) {
    const std::string camera = node == &a ? "1" : "2";
    INFO("node " << node->id);
    REQUIRE(eventually([&] { return recordings(*node, camera)["recordings"].size() == static_cast<std::size_t>(kBurst); }, 30s));
    std::set<std::string> starts;
    const json listed = recordings(a, camera);  // node a lists both nodes' cameras
    for (const auto& r : listed["recordings"]) {
      CHECK(r["state"] == "complete");
      starts.insert(r["start"].get<std::string>());
    }
    CHECK(starts.size() == static_cast<std::size_t>(kBurst));  // each once
  }

  // --- node b killed: node a keeps serving the whole index and indexing its hooks.
  b.server.kill(SIGKILL);
  b.server.wait();
  CHECK(recordings(a, "2")["recordings"].size() == static_cast<std::size_t>(kBurst));
  a.hook_segment("1", 500);
  a.wait_hooks();
  CHECK(recordings(a, "1")["recordings"].size() == static_cast<std::size_t>(kBurst) + 1);
  int status = 0;
  a.server.get("/api/health", &status);
  CHECK(status == 200);
}
