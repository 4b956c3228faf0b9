// Retention through the real server: permanent flags, manual deletion, clips, expiring soon,
// preview, audit, notifications and the API token; and a cleanup killed with SIGKILL mid-pass.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <signal.h>

#include <fstream>

#include "domain/record_path.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"
#include "build_paths.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kConfig = R"(retention: {plans: {basic: 7d, pro: 15d}, notify_before: 24h, interval: 1h}
cameras:
  - {id: "1", name: Front door, source: "rtsp://10.0.0.5/s", plan: basic}
)";

// Indexes a one-minute segment of camera 1 that started `age` ago; returns its id.
std::int64_t add_segment(ServerFixture& server, std::chrono::minutes age) {
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  TimePoint start = std::chrono::time_point_cast<std::chrono::seconds>(Clock().now()) - age;
  std::string rel = rp.encode("camera_1", start);
  fs::create_directories((server.recordings() / rel).parent_path());
  std::ofstream(server.recordings() / rel) << "0123456789";
  json body{{"vars", {{"MTX_PATH", "camera_1"}, {"MTX_SEGMENT_PATH", "./recordings/" + rel}, {"MTX_SEGMENT_DURATION", "60"}}}};
  auto res = server.request("POST", "/hooks/segment-complete", body.dump());
  REQUIRE(res->status == 200);
  return json::parse(res->body)["segment_id"].get<std::int64_t>();
}

json call(ServerFixture& server, const std::string& method, const std::string& path, const json& body, int status,
          const httplib::Headers& headers = {{"Authorization", "Bearer tok"}}) {
  auto res = server.request(method, path, body.is_null() ? "" : body.dump(), headers);
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  REQUIRE(res->status == status);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("retention endpoints", "[retention][http]") {
  ::setenv("HOOK_SERVER_API_TOKEN", "tok", 1);
  ServerFixture server(kConfig);
  server.start();
  ::unsetenv("HOOK_SERVER_API_TOKEN");
  // The worker runs a retention pass at start; let it finish so the passes below are the only ones.
  REQUIRE(eventually([&] { return !server.get("/api/health")["worker"]["last_retention"].is_null(); }));
  using std::chrono::minutes;
  auto old_id = add_segment(server, minutes{60 * 24 * 10});
  auto soon_id = add_segment(server, minutes{60 * 24 * 7 - 60 * 12});
  auto young_id = add_segment(server, minutes{60});

  // Mutations need the token.
  json err = call(server, "PATCH", fmt::format("/api/recordings/{}", old_id), json{{"permanent", true}}, 401, {});
  CHECK(err["error"] == "this endpoint needs \"Authorization: Bearer <token>\": the admin token or a viewer token (POST /api/tokens)");
  err = call(server, "DELETE", fmt::format("/api/recordings/{}", old_id), nullptr, 401, {});
  CHECK(err["error"] == "this endpoint needs \"Authorization: Bearer <admin token>\"");

  json seg = call(server, "PATCH", fmt::format("/api/recordings/{}", old_id), json{{"permanent", true}}, 200);
  CHECK(seg["permanent"] == true);
  call(server, "DELETE", fmt::format("/api/recordings/{}", old_id), nullptr, 409);
  CHECK(call(server, "PATCH", fmt::format("/api/recordings/{}", old_id), json{{"permanent", "yes"}}, 400)["error"] ==
        "permanent: expected true or false, got \"yes\"");
  CHECK(call(server, "PATCH", fmt::format("/api/recordings/{}", old_id), json{{"keep", true}}, 400)["error"] ==
        "body: unknown field \"keep\"");

  // Expiring soon: the permanent one is not listed.
  json expiring = server.get("/api/recordings/expiring?within=24h");
  REQUIRE(expiring["recordings"].size() == 1);
  CHECK(expiring["recordings"][0]["id"] == soon_id);
  CHECK(server.get("/api/recordings/expiring?within=soon", 400)["error"] ==
        "within: expected a duration like 15d, 90m or 30s, got \"soon\"");
  CHECK(server.get("/api/recordings/expiring?within=30d")["recordings"].size() == 2);

  // A clip over the young segment.
  json young = server.get(fmt::format("/api/recordings/{}", young_id));
  json clip = call(server, "POST", "/api/cameras/1/clips", json{{"from", young["start"]}, {"to", young["end"]}, {"label", "parcel"}}, 201);
  CHECK(clip["label"] == "parcel");
  REQUIRE(clip["recordings"].size() == 1);
  CHECK(clip["recordings"][0]["id"] == young_id);
  CHECK(server.get("/api/clips?camera=1")["clips"].size() == 1);
  CHECK(server.get(fmt::format("/api/clips/{}", clip["id"].get<int>()))["recordings"][0]["id"] == young_id);
  call(server, "DELETE", fmt::format("/api/recordings/{}", young_id), nullptr, 409);
  CHECK(call(server, "POST", "/api/cameras/1/clips", json{{"from", young["end"]}, {"to", young["start"]}}, 400)["error"]
            .get<std::string>().rfind("to: must be after from", 0) == 0);
  CHECK(call(server, "POST", "/api/cameras/9/clips", json{{"from", young["start"]}, {"to", young["end"]}}, 404)["error"] ==
        "camera \"9\" not found");
  call(server, "DELETE", fmt::format("/api/clips/{}", clip["id"].get<int>()), nullptr, 200);
  call(server, "DELETE", fmt::format("/api/clips/{}", clip["id"].get<int>()), nullptr, 404);

  // Preview: what basic (7 d) and pro (15 d) would make expired now.
  json preview = server.get("/api/retention/preview?camera=1&plan=pro");
  CHECK(preview["cameras"][0]["count"] == 0);
  preview = server.get("/api/retention/preview?camera=1");
  CHECK(preview["cameras"][0]["plan"] == "basic");
  CHECK(preview["cameras"][0]["count"] == 0);  // the 10-day one is permanent
  CHECK(server.get("/api/retention/preview?plan=gold", 400)["error"] == "plan: no plan named \"gold\"");

  // A pass warns first; nothing is deleted yet.
  auto r = server.app().retention_pass();
  CHECK(r.notified == 1);
  CHECK(r.deleted == 0);
  json notes = server.get("/api/notifications");
  REQUIRE(notes["notifications"].size() >= 1);
  CHECK(notes["notifications"][0]["kind"] == "recordings.expiring");
  CHECK(notes["notifications"][0]["payload"]["data"]["segment_ids"] == json::array({soon_id}));

  // Manual deletion is audited.
  call(server, "DELETE", fmt::format("/api/recordings/{}", soon_id), nullptr, 200);
  server.get(fmt::format("/api/recordings/{}", soon_id), 404);
  json audit = server.get("/api/audit?camera=1");
  REQUIRE(audit["audit"].size() == 1);
  CHECK(audit["audit"][0]["reason"] == "manual");
  CHECK(audit["audit"][0]["outcome"] == "deleted");
  CHECK(audit["audit"][0]["segment_id"] == soon_id);
  CHECK(server.get("/api/audit?from=nope", 400)["error"] == "from: not an RFC 3339 time: \"nope\"");
  CHECK(server.get("/api/health")["status"] == "ok");
}

TEST_CASE("a cleanup killed mid-pass leaves index and disk in agreement after the next one", "[retention][e2e]") {
  ServerFixture server(kConfig);
  server.start();
  server.stop();
  // 20,000 expired, announced segments written straight into the index.
  const int kCount = 20000;
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  TimePoint t0 = parse_rfc3339("2025-01-01T00:00:00Z");
  {
    Database db(server.dir() / "var" / "index.db");
    db.write([&](Writer& w) {
      auto q = w.connection().prepare("INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, expires_us, "
                                      "notified_us, created_us, updated_us) VALUES ('1', ?1, ?2, 60000000, 1, 'complete', ?2, 1, 1, 1)");
      for (int i = 0; i < kCount; ++i) {
        TimePoint start = t0 + std::chrono::minutes{i};
        std::string rel = rp.encode("camera_1", start);
        q->bind(1, rel);
        q->bind(2, start);
        q->exec();
        q->reset();
      }
    });
  }
  fs::create_directories(server.recordings() / "camera_1");
  for (int i = 0; i < kCount; ++i)
    std::ofstream(server.recordings() / rp.encode("camera_1", t0 + std::chrono::minutes{i})) << "x";

  MediamtxStandin procs(server.dir());
  const std::string cleanup = fmt::format("{} cleanup --config '{}'", HOOK_SERVER_BIN, server.config_file().string());
  int first = procs.launch(cleanup, {});
  // Kill it once it has deleted some but not all files.
  auto count_files = [&] {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(server.recordings() / "camera_1", ec); !ec && it != fs::directory_iterator(); ++it) ++n;
    return n;
  };
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (count_files() == static_cast<std::size_t>(kCount) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  ::kill(procs.run(first).pid, SIGKILL);
  auto killed = procs.wait(first);
  std::size_t left_after_kill = count_files();
  INFO("files left when killed: " << left_after_kill);
  CHECK(left_after_kill < static_cast<std::size_t>(kCount));

  auto count = [](Reader& r, const char* sql) {
    auto q = r.connection().prepare(sql);
    q->step();
    return q->int64(0);
  };
  // The index and the disk agree on what is left, with no row in between states.
  {
    Database db(server.dir() / "var" / "index.db");
    auto r = db.reader();
    auto deleting = count(r, "SELECT count(*) FROM segments WHERE state = 'deleting'");
    INFO("rows left deleting by the kill: " << deleting);
  }
  auto second = procs.wait(procs.launch(cleanup, {}), std::chrono::seconds{60});
  INFO(second.output);
  CHECK(second.exit_code == 0);
  CHECK(count_files() == 0);
  Database db(server.dir() / "var" / "index.db");
  auto r = db.reader();
  CHECK(count(r, "SELECT count(*) FROM segments") == 0);
  CHECK(count(r, "SELECT count(DISTINCT segment_id) FROM audit") == kCount);
  (void)killed;
}
