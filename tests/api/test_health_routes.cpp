// Proof of recording over HTTP, against the real server on 127.0.0.1: hooks through the MediaMTX
// stand-in, real fMP4 segments, the real index. One camera's timeline gets a gap of every reason
// (disk guard, manual and retention deletions, a file lost by hand and reconciled, an offline
// span, record switched off), the month view cuts a DST day at local midnights, and bad input is a
// 400 naming the value.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "retention/retention.hpp"
#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using json = nlohmann::json;
namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

// The system clock plus an offset the test moves (hooks stamp their events with the system
// clock, so the server's clock must agree with it until the test jumps ahead).
struct ShiftedClock : Clock {
  std::atomic<std::int64_t> offset_us{0};
  TimePoint now() const override { return Clock::now() + Micros{offset_us.load()}; }
  void advance(Micros d) { offset_us += d.count(); }
};

// A disk of 1 GB (the guard's floor is 5 %: 50 MB) whose free space is what the test allows minus
// the recordings' size, so deleting a file frees its bytes.
struct TestDisk : DiskProbe {
  static constexpr std::int64_t kFloor = 50'000'000;
  std::atomic<std::int64_t> allowance{500'000'000};
  static std::int64_t used(const fs::path& root) {
    std::int64_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) n += static_cast<std::int64_t>(e.file_size());
    return n;
  }
  DiskUsage usage(const fs::path& root) const override {
    return {1'000'000'000, static_cast<std::uint64_t>(allowance.load() - used(root))};
  }
  // Free space one byte under the floor: the guard deletes the soonest-expiring segment, and stops.
  void squeeze(const fs::path& root) { allowance = kFloor - 1 + used(root); }
  void relax() { allowance = 500'000'000; }
};

TimePoint whole_second(TimePoint t) { return std::chrono::floor<seconds>(t); }
std::string at(TimePoint t) { return format_rfc3339_ms(t); }

json call(ServerFixture& server, const std::string& method, const std::string& path, const json& body, int status) {
  auto res = server.request(method, path, body.is_null() ? "" : body.dump());
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  REQUIRE(res->status == status);
  return json::parse(res->body);
}

// The gaps of a timeline as "start end reason[/deleted_by]" lines.
std::vector<std::string> gap_lines(const json& t) {
  std::vector<std::string> out;
  for (const auto& g : t["gaps"]) {
    std::string reason = g["reason"];
    if (g.contains("deleted_by")) reason += "/" + g["deleted_by"].get<std::string>();
    out.push_back(fmt::format("{} {} {}", g["start"].get<std::string>(), g["end"].get<std::string>(), reason));
  }
  return out;
}

const json* gap_with_reason(const json& t, const std::string& reason) {
  for (const auto& g : t["gaps"])
    if (g["reason"] == reason) return &g;
  return nullptr;
}

}  // namespace

TEST_CASE("the timeline names the reason of every gap", "[health][e2e]") {
  ShiftedClock clock;
  TestDisk disk;
  ServerFixture server;
  server.use_clock(clock);
  server.use_disk(disk);
  server.start();
  MediamtxStandin mtx(server.working_dir());
  auto hook = [&](const std::string& event, const std::map<std::string, std::string>& vars) {
    auto r = mtx.wait(mtx.launch(server.hook_command(event), vars));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  };

  // An API camera (PATCH may switch its record flag), up and recording.
  call(server, "POST", "/api/streams", json{{"camera_id", "1"}, {"stream_url", "rtsp://127.0.0.1:9/cam"}, {"plan", "basic"}},
       201);
  hook("ready", MediamtxStandin::ready_vars("camera_1"));

  // Six 2 s segments, 4 s apart, in the minute before: seg k covers [a + 4k, a + 4k + 2).
  const TimePoint a = whole_second(clock.now()) - seconds{60};
  TempDir media;
  auto names = place_segments(make_segments(media.path(), 6, 2.0), server.working_dir(), "camera_1", a, 4.0);
  for (const auto& n : names) hook("segment-complete", MediamtxStandin::segment_complete_vars("camera_1", n, 2.0));
  std::vector<std::int64_t> ids;
  json page = server.get("/api/cameras/1/recordings?limit=10");
  REQUIRE(page["recordings"].size() == 6);
  for (const auto& r : page["recordings"]) ids.push_back(r["id"].get<std::int64_t>());
  auto seg_start = [&](int k) { return a + seconds{4 * k}; };

  // An offline span: not-ready, then ready again.
  const TimePoint b0 = clock.now();
  hook("not-ready", MediamtxStandin::ready_vars("camera_1"));
  const TimePoint b1 = clock.now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const TimePoint c0 = clock.now();
  hook("ready", MediamtxStandin::ready_vars("camera_1"));
  const TimePoint c1 = clock.now();

  // Record off for a while, then on again.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const TimePoint d0 = clock.now();
  call(server, "PATCH", "/api/cameras/1", json{{"record", false}}, 200);
  const TimePoint d1 = clock.now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const TimePoint e0 = clock.now();
  call(server, "PATCH", "/api/cameras/1", json{{"record", true}}, 200);
  const TimePoint e1 = clock.now();
  const TimePoint to = whole_second(e1) + seconds{2};
  // The stream goes away after `to`: with the clock jumping days ahead below, an available camera
  // without new segments would rightly become "stalled" since its last footage (the watchdog writes
  // that into the history whenever it looks); offline after `to` keeps the range as asserted.
  while (clock.now() <= to) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  hook("not-ready", MediamtxStandin::ready_vars("camera_1"));

  // seg0: the disk guard (1 byte short of the floor takes exactly the soonest-expiring segment).
  disk.squeeze(server.recordings());
  server.app().retention_pass();
  disk.relax();
  // seg1: deleted by hand through the API.
  call(server, "DELETE", fmt::format("/api/recordings/{}", ids[1]), nullptr, 200);
  // seg3: retention, with seg2, seg4 and seg5 kept permanent; a notice first, the deletion a day on.
  for (int k : {2, 4, 5}) call(server, "PATCH", fmt::format("/api/recordings/{}", ids[k]), json{{"permanent", true}}, 200);
  clock.advance(std::chrono::hours{24 * 8});
  server.app().retention_pass();
  clock.advance(std::chrono::hours{25});
  server.app().retention_pass();
  // seg2: its file removed by hand, found gone by reconciliation.
  fs::remove(server.working_dir() / names[2]);
  server.app().reconcile();

  const json t = server.get(fmt::format("/api/cameras/1/timeline?from={}&to={}", at(a - seconds{1}), at(to)));
  CHECK(t["camera_id"] == "1");
  CHECK(t["from"] == at(a - seconds{1}));
  CHECK(t["to"] == at(to));
  CHECK(t["tolerance_ms"] == 1000);
  // Footage: seg4 and seg5 only, each its own span (2 s apart, more than the 1 s tolerance).
  REQUIRE(t["spans"].size() == 2);
  CHECK(t["spans"][0] == json{{"start", at(seg_start(4))}, {"end", at(seg_start(4) + seconds{2})}, {"segments", 1},
                              {"bytes", page["recordings"][4]["size_bytes"]}, {"recording", false}});
  CHECK(t["spans"][1]["start"] == at(seg_start(5)));
  CHECK(t["covered_s"] == 4.0);

  // The first gaps, up to the end of the footage, in order.
  auto lines = gap_lines(t);
  REQUIRE(lines.size() >= 12);
  const std::vector<std::string> head{
      fmt::format("{} {} unknown", at(a - seconds{1}), at(a)),  // before the camera existed
      fmt::format("{} {} deleted/disk", at(seg_start(0)), at(seg_start(0) + seconds{2})),
      fmt::format("{} {} unknown", at(seg_start(0) + seconds{2}), at(seg_start(1))),
      fmt::format("{} {} deleted/manual", at(seg_start(1)), at(seg_start(1) + seconds{2})),
      fmt::format("{} {} unknown", at(seg_start(1) + seconds{2}), at(seg_start(2))),
      fmt::format("{} {} missing", at(seg_start(2)), at(seg_start(2) + seconds{2})),
      fmt::format("{} {} unknown", at(seg_start(2) + seconds{2}), at(seg_start(3))),
      fmt::format("{} {} deleted/retention", at(seg_start(3)), at(seg_start(3) + seconds{2})),
      fmt::format("{} {} unknown", at(seg_start(3) + seconds{2}), at(seg_start(4))),
      fmt::format("{} {} unknown", at(seg_start(4) + seconds{2}), at(seg_start(5))),
  };
  CHECK(std::vector<std::string>(lines.begin(), lines.begin() + 10) == head);

  // After the footage: the offline span from not-ready to ready, record off from PATCH to PATCH.
  const json* offline = gap_with_reason(t, "offline");
  REQUIRE(offline);
  const TimePoint off_start = parse_rfc3339((*offline)["start"].get<std::string>());
  const TimePoint off_end = parse_rfc3339((*offline)["end"].get<std::string>());
  CHECK(off_start >= whole_second(b0) - std::chrono::milliseconds{1});
  CHECK(off_start <= b1);
  CHECK(off_end >= c0 - std::chrono::milliseconds{1});
  CHECK(off_end <= c1);
  const json* off = gap_with_reason(t, "not_recording");
  REQUIRE(off);
  const TimePoint rec_off = parse_rfc3339((*off)["start"].get<std::string>());
  const TimePoint rec_on = parse_rfc3339((*off)["end"].get<std::string>());
  CHECK(rec_off >= d0 - std::chrono::milliseconds{1});
  CHECK(rec_off <= d1);
  CHECK(rec_on >= e0 - std::chrono::milliseconds{1});
  CHECK(rec_on <= e1);
  CHECK(lines.back() == fmt::format("{} {} unknown", (*off)["end"].get<std::string>(), at(to)));

  // Spans and gaps tile the range; the totals agree with the list.
  double gap_total = 0;
  for (const auto& [reason, s] : t["gaps_s"].items()) gap_total += s.get<double>();
  CHECK(gap_total + t["covered_s"].get<double>() == Approx(to_seconds(to - (a - seconds{1}))));
  CHECK(t["gaps_s"]["missing"] == 2.0);
  CHECK(t["gaps_s"]["deleted"] == 6.0);
  CHECK(t["gaps_s"]["stalled"] == 0.0);

  // The month view of the same day: the same totals.
  const auto day = format_date(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(a)});
  const json days = server.get(fmt::format("/api/cameras/1/days?from={}&to={}&tz=UTC", day, day));
  REQUIRE(days["days"].size() == 1);
  CHECK(days["tz"] == "UTC");
  CHECK(days["days"][0]["date"] == day);
  CHECK(days["days"][0]["length_s"] == 86400.0);
  CHECK(days["days"][0]["covered_s"] == 4.0);
  CHECK(days["days"][0]["gaps_s"]["deleted"] == 6.0);
  CHECK(days["days"][0]["gaps_s"]["missing"] == 2.0);
  CHECK(days["days"][0]["bytes"] == page["recordings"][4]["size_bytes"].get<std::int64_t>() +
                                        page["recordings"][5]["size_bytes"].get<std::int64_t>());

  // Days that ended and today are computed apart (the ended ones may be reused): one list still.
  const auto yesterday = format_date(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(a) -
                                                                 std::chrono::days{1}});
  const json two = server.get(fmt::format("/api/cameras/1/days?from={}&to={}&tz=UTC", yesterday, day));
  REQUIRE(two["days"].size() == 2);
  CHECK(two["days"][0]["date"] == yesterday);
  CHECK(two["days"][0]["covered_s"] == 0.0);
  CHECK(two["days"][1] == days["days"][0]);
  CHECK(server.get(fmt::format("/api/cameras/1/days?from={}&to={}&tz=UTC", yesterday, day)) == two);

  // The history outlives a restart (it is in the index, not in memory).
  server.stop();
  server.start();
  const json again = server.get(fmt::format("/api/cameras/1/timeline?from={}&to={}", at(a - seconds{1}), at(to)));
  INFO("diff: " << json::diff(t, again).dump());
  CHECK(again == t);
}

TEST_CASE("the month view cuts days at local midnights: a DST day lasts 23 hours", "[health][e2e]") {
  ServerFixture server("", "Europe/Lisbon");
  server.start();
  MediamtxStandin mtx(server.working_dir());
  TempDir media;
  // 2026-03-29 in Lisbon: clocks go from 01:00 to 02:00 (UTC+0 to UTC+1). One segment at 00:30
  // local (00:30Z) and one at 23:30 local (22:30Z).
  auto made = make_segments(media.path(), 2, 2.0);
  auto first = place_segments({made[0]}, server.working_dir(), "camera_1", parse_rfc3339("2026-03-29T00:30:00Z"), 2.0,
                              "Europe/Lisbon");
  auto last = place_segments({made[1]}, server.working_dir(), "camera_1", parse_rfc3339("2026-03-29T22:30:00Z"), 2.0,
                             "Europe/Lisbon");
  for (const auto& n : {first[0], last[0]}) {
    auto r = mtx.wait(mtx.launch(server.hook_command("segment-complete"),
                                 MediamtxStandin::segment_complete_vars("camera_1", n, 2.0)));
    REQUIRE(r.exit_code == 0);
  }
  // Days follow mediamtx.timezone by default.
  json d = server.get("/api/cameras/1/days?from=2026-03-28&to=2026-03-30");
  CHECK(d["tz"] == "Europe/Lisbon");
  REQUIRE(d["days"].size() == 3);
  CHECK(d["days"][0]["length_s"] == 86400.0);
  CHECK(d["days"][1]["date"] == "2026-03-29");
  CHECK(d["days"][1]["start"] == "2026-03-29T00:00:00.000Z");
  CHECK(d["days"][1]["end"] == "2026-03-29T23:00:00.000Z");
  CHECK(d["days"][1]["length_s"] == 82800.0);
  CHECK(d["days"][1]["covered_s"] == 4.0);
  CHECK(d["days"][2]["start"] == "2026-03-29T23:00:00.000Z");
  CHECK(d["days"][2]["covered_s"] == 0.0);
  // Each day's covered and gap seconds add up to its length.
  for (const auto& day : d["days"]) {
    double sum = day["covered_s"].get<double>();
    for (const auto& [k, v] : day["gaps_s"].items()) sum += v.get<double>();
    CHECK(sum == Approx(day["length_s"].get<double>()));
  }
  // Asked in another zone the same day is 24 hours, and the footage moves with the zone's midnight.
  json ny = server.get("/api/cameras/1/days?from=2026-03-29&to=2026-03-29&tz=America/New_York");
  CHECK(ny["days"][0]["start"] == "2026-03-29T04:00:00.000Z");
  CHECK(ny["days"][0]["length_s"] == 86400.0);
  CHECK(ny["days"][0]["covered_s"] == 2.0);
}

TEST_CASE("timeline and month view refuse bad input with a 400 naming the value", "[health][e2e]") {
  ServerFixture server(R"(cameras:
  - {id: "1", name: Front, source: "rtsp://127.0.0.1:9/x", plan: basic}
)");
  server.start();
  struct Case {
    std::string path;
    int status;
    std::string error;
  };
  const std::vector<Case> cases{
      {"/api/cameras/1/timeline?to=2026-01-02T00:00:00Z", 400,
       "from: required (an RFC 3339 time such as 2026-03-29T00:00:00Z)"},
      {"/api/cameras/1/timeline?from=yesterday&to=2026-01-02T00:00:00Z", 400,
       "from: not an RFC 3339 time: \"yesterday\""},
      {"/api/cameras/1/timeline?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 400,
       "to: must be after from, got from \"2026-01-02T00:00:00Z\" and to \"2026-01-01T00:00:00Z\""},
      {"/api/cameras/1/timeline?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", 400,
       "to: the range from \"2026-01-01T00:00:00Z\" to \"2026-03-01T00:00:00Z\" is longer than 31 days"},
      {"/api/cameras/9/timeline?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", 404, "camera \"9\" not found"},
      {"/api/cameras/1/days?from=29/03&to=2026-03-30", 400, "from: not a date like 2026-03-29: \"29/03\""},
      {"/api/cameras/1/days?from=2026-02-30&to=2026-03-30", 400, "from: not a date like 2026-03-29: \"2026-02-30\""},
      {"/api/cameras/1/days?from=2026-03-29", 400, "to: required (a date such as 2026-03-29)"},
      {"/api/cameras/1/days?from=2026-03-29&to=2026-03-28", 400,
       "to: must not be before from, got from \"2026-03-29\" and to \"2026-03-28\""},
      {"/api/cameras/1/days?from=2026-01-01&to=2026-12-31", 400,
       "to: the range from \"2026-01-01\" to \"2026-12-31\" is longer than 62 days"},
      {"/api/cameras/1/days?from=2026-03-29&to=2026-03-29&tz=Mars/Olympus", 400,
       "tz: unknown time zone \"Mars/Olympus\""},
      {"/api/cameras/9/days?from=2026-03-29&to=2026-03-29", 404, "camera \"9\" not found"},
  };
  for (const auto& c : cases) {
    json body = server.get(c.path, c.status);
    CHECK(body == json{{"error", c.error}});
  }
}

TEST_CASE("the storage report shows plan against footage held, and warns when the disk guard cuts a plan short",
          "[health][e2e]") {
  ShiftedClock clock;
  TestDisk disk;
  ServerFixture server(R"(cameras:
  - {id: "1", name: Front, source: "rtsp://127.0.0.1:9/x", plan: basic}
  - {id: "2", name: Back, source: "rtsp://127.0.0.1:9/y", plan: premium}
)");
  server.use_clock(clock);
  server.use_disk(disk);
  server.start();
  MediamtxStandin mtx(server.working_dir());
  TempDir media;
  auto made = make_segments(media.path(), 4, 2.0);
  const TimePoint a = whole_second(clock.now()) - std::chrono::minutes{10};
  auto names1 = place_segments({made[0], made[1]}, server.working_dir(), "camera_1", a, 60.0);
  auto names2 = place_segments({made[2], made[3]}, server.working_dir(), "camera_2", a, 60.0);
  std::int64_t bytes1 = 0;
  for (const auto& n : names1) {
    REQUIRE(mtx.wait(mtx.launch(server.hook_command("segment-complete"),
                                MediamtxStandin::segment_complete_vars("camera_1", n, 2.0))).exit_code == 0);
    bytes1 += static_cast<std::int64_t>(fs::file_size(server.working_dir() / n));
  }
  for (const auto& n : names2)
    REQUIRE(mtx.wait(mtx.launch(server.hook_command("segment-complete"),
                                MediamtxStandin::segment_complete_vars("camera_2", n, 2.0))).exit_code == 0);
  json page = server.get("/api/cameras/1/recordings");
  call(server, "PATCH", fmt::format("/api/recordings/{}", page["recordings"][1]["id"].get<std::int64_t>()),
       json{{"permanent", true}}, 200);

  json s = server.get("/api/storage");
  REQUIRE(s["cameras"].size() == 2);
  const json& c1 = s["cameras"][0];
  CHECK(c1["camera_id"] == "1");
  CHECK(c1["plan"] == "basic");
  CHECK(c1["retention_days"] == 7.0);
  CHECK(c1["oldest"] == at(a));
  CHECK(c1["bytes"]["total"] == bytes1);
  CHECK(c1["bytes"]["permanent"] == page["recordings"][1]["size_bytes"]);
  CHECK(c1["bytes"]["clips"] == 0);
  CHECK(c1["plan_met"] == true);
  CHECK(c1["bytes_per_day"].get<double>() > 0);
  CHECK(s["warnings"] == json::array());
  REQUIRE(s["disks"].size() == 1);
  CHECK(s["disks"][0]["free_bytes"] == 500'000'000 - TestDisk::used(server.recordings()));
  CHECK(s["disks"][0]["total_bytes"] == 1'000'000'000);
  CHECK(s["disks"][0]["floor_bytes"] == 50'000'000);
  CHECK(s["disks"][0]["days_until_guard"].get<double>() > 0);

  // The disk guard takes camera 1's oldest (and only deletable) segment, ten minutes old: a plan
  // of 7 days is not met, and the report says so.
  disk.squeeze(server.recordings());
  server.app().retention_pass();
  disk.relax();
  s = server.get("/api/storage");
  CHECK(s["cameras"][0]["plan_met"] == false);
  CHECK(s["cameras"][0]["deleted_early_by_disk_guard"] == true);
  CHECK(s["cameras"][1]["plan_met"] == true);
  REQUIRE(s["warnings"].size() == 1);
  CHECK(s["warnings"][0].get<std::string>().rfind("camera \"1\": plan basic keeps 7.0 days, but only 0.0 days of footage "
                                                  "is held: the disk guard deleted recordings early", 0) == 0);
}
