#pragma once
// The stall watchdog: every few seconds (the background worker) it builds each camera's
// RecordingFacts — stream status and record flag from the index, the newest segment row, and
// whether that segment's file grew since the last look (stat) — and applies the stall rule of
// domain/recording_state.hpp with mediamtx.segment_duration and watchdog.grace.
//
// A camera entering `stalled` and leaving it (to any other state) is a transition, reported to
// on_transition: the server turns them into recording.stalled / recording.resumed events and the
// status history. What the watchdog remembers (file sizes, when record was switched, when a stall
// ended) is in memory: after a restart a file counts as growing from the first look.
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/recording_state.hpp"
#include "index/cameras.hpp"
#include "index/database.hpp"

namespace hs {

class StallWatchdog {
 public:
  StallWatchdog(const Config& config, Database& db, std::filesystem::path root, const Clock& clock);

  struct Transition {
    std::string camera_id;
    bool stalled = false;  // true: the camera became stalled; false: its stall ended
    RecordingState state;  // the state it is in now
    TimePoint at;          // when: the stall's `since`, or the look that saw it end
  };
  // Called by check() for each transition, in camera order. Must not throw.
  std::function<void(const Transition&)> on_transition;

  // Looks at every camera not removed; returns the transitions (after calling on_transition).
  // Throws the index's errors.
  std::vector<Transition> check();

  // A camera's recording state at `now` for the API: its stream status and record flag as `row`
  // says now, its segment as the last check() saw it. Before the first look at a camera that
  // should be recording: idle, "not checked yet".
  RecordingState state(const cameras::Row& row, TimePoint now) const;

  struct Stall {
    std::string camera_id;
    RecordingState state;
  };
  // Cameras stalled at the last check(), by id.
  std::vector<Stall> stalled() const;

 private:
  struct Memory {
    RecordingFacts facts;
    std::int64_t size = -1;  // of facts.newest->file at the last look; -1: not seen
    RecordingState verdict;
  };
  RecordingFacts facts_for(const cameras::Row& row, const Memory* last, TimePoint now) const;

  std::filesystem::path root_;
  Database& db_;
  const Clock& clock_;
  StallRule rule_;
  mutable std::mutex mutex_;
  std::map<std::string, Memory, std::less<>> cameras_;
};

}  // namespace hs
