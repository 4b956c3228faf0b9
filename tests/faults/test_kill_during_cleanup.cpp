// Fault: `hook-server cleanup` (the retention pass as a one-shot command) SIGKILLed at a random
// moment, 50 times (seeded; the seed is printed). The promise: the index and the disk agree after
// every kill (each indexed row that is not missing or mid-deletion has its file, every file gone
// has its audit row or is still marked `deleting`), nothing permanent or in a clip is deleted, and
// the next run finishes what the killed one began, with an audit row for each deleted file.
#include <catch2/catch.hpp>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "config/config.hpp"
#include "index/database.hpp"
#include "retention/retention.hpp"
#include "support/mediamtx_standin.hpp"
#include "support/serve_process.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
namespace fs = std::filesystem;

namespace {

// Every segment is long expired (plan basic: 1 day, files from February 2025) and announced at
// the pass itself (notify_before 0s): one run of cleanup notifies, claims, unlinks and forgets.
const char* kSetup = R"(retention: {plans: {basic: 1d}, notify_before: 0s, disk_min_free: 0%}
cameras:
  - {id: "1", name: Front door, source: "rtsp://10.0.0.5:554/stream1", plan: basic}
)";
constexpr int kSegments = 300;

struct State {
  std::map<std::string, SegmentState> rows;  // file (below the recordings root) -> state
  std::set<std::string> audited;             // files with a "deleted" or "already gone" audit row
};

State read_state(const fs::path& config_file) {
  Config config = load_config(config_file);
  auto db = open_index(config);
  State s;
  auto r = db->reader();
  r.each_segment_file([&](std::string_view file, std::int64_t, SegmentState state) { s.rows.emplace(file, state); });
  for (const auto& e : r.audit_log(std::nullopt, std::nullopt, std::nullopt, 1'000'000)) s.audited.insert(e.file);
  return s;
}

}  // namespace

TEST_CASE("cleanup killed at random moments: index and disk agree, nothing protected deleted", "[faults][retention]") {
  // The template: indexed (complete), 30 permanent, 30 more kept by a clip, none announced yet.
  ServeProcess tmpl(kSetup);
  std::vector<std::string> files;
  for (const auto& n : touch_segments(tmpl.working_dir(), "camera_1", kSegments)) {
    set_mtime_ago(tmpl.working_dir() / n, std::chrono::hours{1});
    files.push_back(n.substr(std::string("./recordings/").size()));
  }
  std::string out;
  REQUIRE(tmpl.run_cli({"reconcile"}, &out) == 0);
  std::set<std::string> protected_files;
  {
    Config config = load_config(tmpl.config_file());
    auto db = open_index(config);
    const Clock clock;
    const DiskProbe disk;
    Retention retention(config, *db, config.recordings_root(), clock, disk);
    for (int i = 0; i < 30; ++i) {
      auto seg = db->reader().segment_by_file(files[static_cast<size_t>(i * 10)]);
      REQUIRE(seg);
      retention.set_permanent(seg->id, true);
      protected_files.insert(files[static_cast<size_t>(i * 10)]);
    }
    // Segments 100..129 (one a minute), and the ones it touches at its ends.
    auto clip = retention.add_clip("1", parse_rfc3339("2025-02-01T01:40:30Z"), parse_rfc3339("2025-02-01T02:09:30Z"), "kept");
    REQUIRE(clip.recordings.size() >= 29);
    for (const auto& seg : clip.recordings) protected_files.insert(seg.file);
  }
  const State before = read_state(tmpl.config_file());
  REQUIRE(before.rows.size() == kSegments);

  // One trial: a fresh copy of the template, cleanup started and killed after `delay`.
  auto copy_template = [&](ServeProcess& trial) {
    fs::remove_all(trial.data_dir());
    fs::remove_all(trial.recordings());
    fs::copy(tmpl.data_dir(), trial.data_dir(), fs::copy_options::recursive);
    fs::copy(tmpl.recordings(), trial.recordings(), fs::copy_options::recursive);
  };
  auto check_agree = [&](const ServeProcess& trial, bool finished) {
    const State s = read_state(trial.config_file());
    for (const auto& f : files) {
      INFO(f);
      const bool on_disk = fs::exists(trial.recordings() / f);
      auto row = s.rows.find(f);
      if (protected_files.count(f)) {
        CHECK(on_disk);
        CHECK(s.audited.count(f) == 0);
      }
      // Forgotten only with its audit row.
      if (row == s.rows.end()) CHECK(s.audited.count(f) == 1);
      else if (row->second != SegmentState::deleting) CHECK(on_disk);  // indexed and not mid-deletion: there
      // Gone only mid-deletion (the next run audits it) or with its audit row.
      if (!on_disk) CHECK((s.audited.count(f) == 1 || (row != s.rows.end() && row->second == SegmentState::deleting)));
      if (finished) {
        CHECK(on_disk == (protected_files.count(f) == 1));
        CHECK((row == s.rows.end()) == !on_disk);
      }
    }
  };

  // How long an undisturbed run takes: the kills fall anywhere in it.
  ServeProcess trial(kSetup);
  copy_template(trial);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(trial.run_cli({"cleanup"}, &out) == 0);
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  check_agree(trial, true);

  // HOOK_SERVER_FAULT_SEED=<seed> replays a run.
  const char* replay = std::getenv("HOOK_SERVER_FAULT_SEED");
  const auto seed = replay ? static_cast<std::uint32_t>(std::stoul(replay)) : std::random_device{}();
  WARN("cleanup kill trials: seed " << seed << ", an undisturbed run takes " << full.count() / 1000 << " ms");
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::int64_t> delay_us(0, full.count());
  int mid_deletion = 0, interrupted = 0;
  for (int t = 0; t < 50; ++t) {
    INFO("trial " << t << " of seed " << seed);
    copy_template(trial);
    MediamtxStandin launcher(trial.dir());
    const auto delay = std::chrono::microseconds{delay_us(rng)};
    int id = launcher.launch(trial.command("cleanup"), {});
    std::this_thread::sleep_for(delay);
    ::kill(launcher.run(id).pid, SIGKILL);
    auto r = launcher.wait(id);
    if (r.term_signal == SIGKILL) ++interrupted;
    check_agree(trial, false);
    const State s = read_state(trial.config_file());
    for (const auto& [f, state] : s.rows) mid_deletion += state == SegmentState::deleting;
    // The next run finishes the work.
    REQUIRE(trial.run_cli({"cleanup"}, &out) == 0);
    check_agree(trial, true);
  }
  WARN(interrupted << " of 50 runs killed before their end; " << mid_deletion << " rows left mid-deletion in all");
  CHECK(interrupted > 25);
}
