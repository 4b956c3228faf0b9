#pragma once
// The times a segment of a live camera can have: what the hook route and reconcile accept from a
// file name. Pure: `now` is passed in.
//
// Footage starts no earlier than Unix time 0 (MediaMTX names segments by its host clock) and ends
// no later than a day ahead of the index's clock (the slack for two hosts' clocks and a wrong
// mediamtx.timezone, which are at most 26 h apart). A name outside that — year 0000 or 9999, a
// start a week ahead — was not written for a live camera: the hook route refuses it (400, which
// the hook client does not spool) and reconcile skips it (counted as `implausible`, logged), so
// it never becomes a row that sorts before every real one or that retention keeps until 9999.
#include <optional>
#include <string>

#include "util/time.hpp"

namespace hs {

inline constexpr Micros kFutureSlack = std::chrono::hours{24};

// Why a segment starting at `start` and lasting `duration` (unknown while recording) cannot be
// footage of a live camera at `now`, e.g. "starts 9999-12-31T23:59:59.000Z, after now + 1 day
// (2026-12-03T16:00:00.000Z)"; nullopt when it can.
std::optional<std::string> implausible_segment_time(TimePoint start, std::optional<Micros> duration, TimePoint now);

}  // namespace hs
