// The event log is trimmed to events_keep: oldest entries first, in bounded batches, never a
// newer one; the server does it at every retention pass.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "index/database.hpp"
#include "index/events.hpp"
#include "support/index_engines.hpp"
#include "support/media.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using hs::test::ServerFixture;
using hs::test::TempDir;
using json = nlohmann::json;

namespace {

const TimePoint kT0 = parse_rfc3339("2025-02-01T00:00:00Z");

events::Entry entry_at(TimePoint received) {
  return {0, received, received, "segment-complete", "camera_1", "", "camera_1/x.mp4", "applied", ""};
}

}  // namespace

TEST_CASE("prune_events removes the oldest entries before a time, a batch at a time", "[index][events]") {
  TempDir dir;
  auto engine = GENERATE(from_range(test::index_engines()));
  INFO(test::engine_name(engine));
  auto index = test::fresh_index(engine, dir.path());
  Database& db = *index;
  db.write([&](Writer& w) {
    for (int i = 0; i < 12000; ++i) w.append_event(entry_at(kT0 + std::chrono::seconds{i}));
  });
  const TimePoint cutoff = kT0 + std::chrono::seconds{10000};
  auto prune = [&] { return db.write([&](Writer& w) { return w.prune_events(cutoff, 5000); }); };
  CHECK(prune() == 5000);
  CHECK(prune() == 5000);
  CHECK(prune() == 0);  // the oldest left is at the cutoff: kept
  auto left = [&] {
    auto r = db.reader();
    auto q = r.connection().prepare("SELECT count(*), min(received_us) FROM events");
    q->step();
    return std::make_pair(q->int64(0), q->int64(1));
  }();
  CHECK(left.first == 2000);
  CHECK(left.second == cutoff.time_since_epoch().count());
}

TEST_CASE("the retention pass trims the event log to events_keep", "[index][events][e2e]") {
  ServerFixture server("events_keep: 1h\n");
  server.start();
  // The worker's own start-up pass first, so the pass below is the one that meets the old entries.
  REQUIRE(hs::test::eventually([&] { return !server.get("/api/health")["worker"]["last_retention"].is_null(); }));
  auto res = server.request("POST", "/hooks/ready", json{{"vars", {{"MTX_PATH", "camera_1"}}}}.dump());
  REQUIRE(res->status == 200);
  {  // two entries from yesterday, as if the server had been running
    SQLite::Database w((server.dir() / "var" / "index.db").string(), SQLite::OPEN_READWRITE, 5000);
    auto day_ago = std::chrono::duration_cast<Micros>(std::chrono::system_clock::now().time_since_epoch()).count() -
                   86'400'000'000LL;
    w.exec(fmt::format("INSERT INTO events (at_us, received_us, kind, path, outcome) VALUES "
                       "({0}, {0}, 'ready', 'camera_1', 'applied'), ({0}, {0}, 'ready', 'camera_1', 'applied')",
                       day_ago));
  }
  REQUIRE(server.get("/api/events?limit=10")["events"].size() == 3);
  server.app().retention_pass();
  json events = server.get("/api/events?limit=10")["events"];
  REQUIRE(events.size() == 1);
  CHECK(events[0]["kind"] == "available");  // the hook of this run, stored under its new name
  CHECK(server.get("/api/health")["worker"]["last_retention"]["events_pruned"] == 2);
}
