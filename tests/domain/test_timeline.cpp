// Timelines, table-driven: span merging within the tolerance, segment ends, clipping, each gap
// reason and their precedence; then a seeded property test that spans and gaps always tile the range.
#include <catch2/catch.hpp>
#include <random>

#include "domain/timeline.hpp"

using namespace hs;
using namespace std::chrono;

namespace {

// Times in the tables are seconds after T0.
const TimePoint T0 = parse_rfc3339("2026-03-01T00:00:00Z");
TimePoint at(double s) {
  return T0 + Micros{static_cast<std::int64_t>(s * 1e6)};
}
std::string secs(TimePoint t) {
  auto us = (t - T0).count();
  return us % 1000000 == 0 ? std::to_string(us / 1000000) : std::to_string(static_cast<double>(us) / 1e6);
}

SegmentFact seg(double start, std::optional<double> duration, std::int64_t bytes = 100,
                SegmentState state = SegmentState::complete) {
  SegmentFact s{at(start), std::nullopt, bytes, state};
  if (duration) s.duration = Micros{static_cast<std::int64_t>(*duration * 1e6)};
  return s;
}
SegmentFact recording(double start) {
  return seg(start, std::nullopt, 50, SegmentState::recording);
}
SegmentFact missing(double start, std::optional<double> duration) {
  return seg(start, duration, 0, SegmentState::missing);
}
StateInterval state(StateKind k, double start, std::optional<double> end) {
  return {k, at(start), end ? std::optional<TimePoint>(at(*end)) : std::nullopt};
}
Deletion deletion(double start, double end, DeletedBy by) {
  return {at(start), at(end), by};
}

// "0-60 span(2,200b)" and "60-90 offline", "90-95 deleted:disk", in time order, joined by " | ".
std::string render(const Timeline& t) {
  struct Piece {
    TimePoint start;
    std::string text;
  };
  std::vector<Piece> pieces;
  for (const auto& s : t.spans)
    pieces.push_back({s.start, secs(s.start) + "-" + secs(s.end) + " span(" + std::to_string(s.segments) + "," +
                                   std::to_string(s.bytes) + "b" + (s.recording ? ",rec" : "") + ")"});
  for (const auto& g : t.gaps) {
    std::string reason(gap_reason_name(g.reason));
    if (g.deleted_by) reason += ":" + std::string(deleted_by_name(*g.deleted_by));
    pieces.push_back({g.start, secs(g.start) + "-" + secs(g.end) + " " + reason});
  }
  std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.start < b.start; });
  std::string out;
  for (const auto& p : pieces) out += (out.empty() ? "" : " | ") + p.text;
  return out;
}

// Spans and gaps are sorted, do not overlap, and tile [from, min(to, now)); totals add up.
void check_tiling(const Timeline& t, TimePoint now, Micros tolerance) {
  const TimePoint end = std::min(t.to, now);
  std::vector<std::pair<TimePoint, TimePoint>> pieces;
  for (const auto& s : t.spans) pieces.emplace_back(s.start, s.end);
  for (const auto& g : t.gaps) pieces.emplace_back(g.start, g.end);
  std::sort(pieces.begin(), pieces.end());
  TimePoint cursor = t.from;
  for (const auto& [a, b] : pieces) {
    REQUIRE(a == cursor);
    REQUIRE(b > a);
    cursor = b;
  }
  if (end > t.from)
    REQUIRE(cursor == end);
  else
    REQUIRE(pieces.empty());
  for (std::size_t i = 1; i < t.spans.size(); ++i) {
    REQUIRE(t.spans[i].start > t.spans[i - 1].end);
    // Spans apart by no more than the tolerance would have merged (unless the range cut one).
    if (t.spans[i - 1].end < end && t.spans[i].start > t.from)
      REQUIRE(t.spans[i].start - t.spans[i - 1].end > tolerance);
  }
  for (std::size_t i = 1; i < t.gaps.size(); ++i) {
    const auto& a = t.gaps[i - 1];
    const auto& b = t.gaps[i];
    REQUIRE(b.start >= a.end);
    if (b.start == a.end) REQUIRE((a.reason != b.reason || a.deleted_by != b.deleted_by));
  }
  Micros sum = t.covered;
  for (auto g : t.gap_totals) sum += g;
  REQUIRE(sum == (end > t.from ? end - t.from : Micros{0}));
}

}  // namespace

TEST_CASE("timeline spans, gaps and reasons", "[timeline]") {
  struct Row {
    const char* what;
    TimelineFacts facts;
    double from, to, now;
    const char* expected;
  };
  const auto off = StateKind::offline;
  const auto rec_off = StateKind::not_recording;
  const auto stalled = StateKind::stalled;
  const Row rows[] = {
      {"nothing known", {}, 0, 100, 1000, "0-100 unknown"},
      {"adjacent segments merge", {{seg(0, 60), seg(60, 60)}}, 0, 120, 1000, "0-120 span(2,200b)"},
      {"a hole up to the tolerance merges", {{seg(0, 60), seg(61, 59)}}, 0, 120, 1000, "0-120 span(2,200b)"},
      {"a hole past the tolerance does not",
       {{seg(0, 60), seg(61.000001, 58)}},
       0,
       120,
       1000,
       "0-60 span(1,100b) | 60-61.000001 unknown | 61.000001-119.000001 span(1,100b) | 119.000001-120 unknown"},
      {"overlapping segments merge", {{seg(0, 60), seg(30, 60)}}, 0, 90, 1000, "0-90 span(2,200b)"},
      {"input order does not matter", {{seg(60, 60), seg(0, 60)}}, 0, 120, 1000, "0-120 span(2,200b)"},
      {"clipped to the range; whole sizes of the segments in it",
       {{seg(0, 60), seg(60, 60), seg(120, 60)}},
       30,
       90,
       1000,
       "30-90 span(2,200b)"},
      {"a span reaching into the range from before it",
       {{seg(0, 60), seg(60, 60)}},
       100,
       200,
       1000,
       "100-120 span(1,100b) | 120-200 unknown"},
      {"the tiling stops at now; a recording segment ends at now",
       {{seg(0, 60), recording(60)}},
       0,
       300,
       150,
       "0-150 span(2,150b,rec)"},
      {"a recording segment cut short by the next one (its complete hook never came)",
       {{recording(0), seg(100, 50)}},
       0,
       200,
       1000,
       "0-150 span(2,150b) | 150-200 unknown"},
      {"a recording segment stops where an open stall began",
       {{recording(0)}, {state(stalled, 40, std::nullopt)}},
       0,
       100,
       100,
       "0-40 span(1,50b) | 40-100 stalled"},
      {"a stall that began before the segment does not cut it",
       {{recording(50)}, {state(stalled, 40, std::nullopt)}},
       0,
       100,
       100,
       "0-40 unknown | 40-50 stalled | 50-100 span(1,50b,rec)"},
      {"footage wins over a state that says it could not exist (a late hook)",
       {{seg(20, 10)}, {state(off, 0, 100)}},
       0,
       100,
       1000,
       "0-20 offline | 20-30 span(1,100b) | 30-100 offline"},
      {"a vanished file",
       {{seg(0, 60), missing(60, 60), seg(120, 60)}},
       0,
       180,
       1000,
       "0-60 span(1,100b) | 60-120 missing | 120-180 span(1,100b)"},
      {"a vanished file of unknown length ends at the next segment",
       {{missing(0, std::nullopt), seg(100, 10)}},
       0,
       110,
       1000,
       "0-100 missing | 100-110 span(1,100b)"},
      {"... or after a segment duration",
       {{missing(0, std::nullopt)}},
       0,
       4000,
       5000,
       "0-3600 missing | 3600-4000 unknown"},
      {"precedence: deleted > missing > not_recording > offline > stalled > unknown",
       {{missing(85, 10)},
        {state(off, 0, 100), state(rec_off, 50, 150), state(stalled, 140, 170)},
        {deletion(80, 90, DeletedBy::retention)}},
       0,
       200,
       1000,
       "0-50 offline | 50-80 not_recording | 80-90 deleted:retention | 90-95 missing | 95-150 not_recording | "
       "150-170 stalled | 170-200 unknown"},
      {"overlapping deletions: manual, then disk, then retention",
       {{},
        {},
        {deletion(0, 30, DeletedBy::retention), deletion(10, 20, DeletedBy::disk),
         deletion(15, 25, DeletedBy::manual)}},
       0,
       30,
       1000,
       "0-10 deleted:retention | 10-15 deleted:disk | 15-25 deleted:manual | 25-30 deleted:retention"},
      {"back-to-back deletions of one deleter are one gap",
       {{seg(0, 60)}, {}, {deletion(60, 120, DeletedBy::disk), deletion(120, 180, DeletedBy::disk)}},
       0,
       180,
       1000,
       "0-60 span(1,100b) | 60-180 deleted:disk"},
      {"an open state lasts until now",
       {{}, {state(off, 10, std::nullopt)}},
       0,
       100,
       50,
       "0-10 unknown | 10-50 offline"},
      {"states clipped at from", {{}, {state(off, -500, 20)}}, 0, 30, 1000, "0-20 offline | 20-30 unknown"},
      {"a state that ended before it started is ignored", {{}, {state(off, 20, 10)}}, 0, 30, 1000, "0-30 unknown"},
      {"a range in the future of now is empty", {{seg(0, 10)}}, 100, 200, 50, ""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto t = build_timeline(r.facts, TimelineRules{}, at(r.from), at(r.to), at(r.now));
    CHECK(render(t) == r.expected);
    check_tiling(t, at(r.now), TimelineRules{}.tolerance);
  }
}

TEST_CASE("timeline totals", "[timeline]") {
  TimelineFacts f{
      {seg(0, 60), seg(120, 60)}, {state(StateKind::offline, 60, 90)}, {deletion(200, 260, DeletedBy::retention)}};
  auto t = build_timeline(f, TimelineRules{}, at(0), at(300), at(1000));
  CHECK(t.covered == seconds{120});
  CHECK(t.gap_totals[static_cast<std::size_t>(GapReason::offline)] == seconds{30});
  CHECK(t.gap_totals[static_cast<std::size_t>(GapReason::unknown)] == seconds{30 + 20 + 40});
  CHECK(t.gap_totals[static_cast<std::size_t>(GapReason::deleted)] == seconds{60});
}

TEST_CASE("timeline names", "[timeline]") {
  CHECK(gap_reason_name(GapReason::not_recording) == "not_recording");
  for (auto by : {DeletedBy::retention, DeletedBy::disk, DeletedBy::manual})
    CHECK(parse_deleted_by(deleted_by_name(by)) == by);
  CHECK_FALSE(parse_deleted_by("cleaner"));
  for (auto k : {StateKind::offline, StateKind::not_recording, StateKind::stalled})
    CHECK(parse_state_kind(state_kind_name(k)) == k);
  CHECK_FALSE(parse_state_kind("online"));
}

TEST_CASE("timeline spans and gaps always tile the range (seeded)", "[timeline]") {
  std::mt19937 rng(12);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int round = 0; round < 300; ++round) {
    TimelineFacts f;
    const int n = uniform(0, 30);
    double t = uniform(-200, 100);
    for (int i = 0; i < n; ++i) {
      t += uniform(-20, 40) + uniform(0, 1000) / 1000.0;  // overlaps, exact joins, holes around the tolerance
      const int kind = uniform(0, 9);
      if (kind == 0)
        f.segments.push_back(recording(t));
      else if (kind == 1)
        f.segments.push_back(missing(t, uniform(0, 1) ? std::optional<double>(uniform(1, 60)) : std::nullopt));
      else
        f.segments.push_back(seg(t, uniform(0, 60) + uniform(0, 1000) / 1000.0));
    }
    for (int i = uniform(0, 6); i > 0; --i) {
      double a = uniform(-300, 1500);
      f.states.push_back(state(static_cast<StateKind>(uniform(0, 2)), a,
                               uniform(0, 3) ? std::optional<double>(a + uniform(-10, 300)) : std::nullopt));
    }
    for (int i = uniform(0, 6); i > 0; --i) {
      double a = uniform(-300, 1500);
      f.deletions.push_back(deletion(a, a + uniform(0, 120), static_cast<DeletedBy>(uniform(0, 2))));
    }
    const double from = uniform(-100, 500), to = from + uniform(0, 1500), now = uniform(-100, 2000);
    CAPTURE(round, from, to, now);
    auto timeline = build_timeline(f, TimelineRules{}, at(from), at(to), at(now));
    check_tiling(timeline, at(now), TimelineRules{}.tolerance);
    for (const auto& s : timeline.spans) REQUIRE((!s.recording || s.end == at(now)));
  }
}

TEST_CASE("folded footage gives the same timeline as its segments (seeded)", "[timeline]") {
  std::mt19937 rng(34);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int folded_away = 0;
  for (int round = 0; round < 500; ++round) {
    TimelineFacts f;
    double t = uniform(-200, 100);
    for (int i = uniform(0, 60); i > 0; --i) {
      t += uniform(-20, 40) + uniform(0, 1000) / 1000.0;
      const int kind = uniform(0, 11);
      if (kind == 0)
        f.segments.push_back(recording(t));
      else if (kind == 1)
        f.segments.push_back(missing(t, uniform(0, 1) ? std::optional<double>(uniform(1, 60)) : std::nullopt));
      else if (kind == 2)
        f.segments.push_back(seg(t, std::nullopt));  // complete, length unknown
      else
        f.segments.push_back(seg(t, uniform(0, 60) + uniform(0, 1000) / 1000.0, uniform(1, 500)));
    }
    std::stable_sort(f.segments.begin(), f.segments.end(),
                     [](const SegmentFact& a, const SegmentFact& b) { return a.start < b.start; });
    for (int i = uniform(0, 4); i > 0; --i) {
      double a = uniform(-300, 1500);
      f.states.push_back(state(static_cast<StateKind>(uniform(0, 2)), a,
                               uniform(0, 3) ? std::optional<double>(a + uniform(-10, 300)) : std::nullopt));
    }
    for (int i = uniform(0, 4); i > 0; --i) {
      double a = uniform(-300, 1500);
      f.deletions.push_back(deletion(a, a + uniform(0, 120), static_cast<DeletedBy>(uniform(0, 2))));
    }
    const double from = uniform(-100, 500), to = from + uniform(1, 1500), now = uniform(0, 2000);
    // Fold the segments starting in a stretch [a, b) inside [from, min(to, now)), as the timeline
    // route folds whole days inside the range.
    const double end = std::min(to, now);
    if (end <= from) continue;
    const double a = from + uniform(0, 100) / 100.0 * (end - from);
    const double b = a + uniform(0, 100) / 100.0 * (end - a);
    TimelineFacts g = f;
    g.segments.clear();
    std::vector<SegmentFact> stretch;
    for (const auto& s : f.segments) {
      if (s.start >= at(a) && s.start < at(b)) {
        stretch.push_back(s);
        continue;
      }
      if (!stretch.empty() && s.start >= at(b)) {
        for (auto& x : fold_footage(std::move(stretch), TimelineRules{})) g.segments.push_back(x);
        stretch.clear();
      }
      g.segments.push_back(s);
    }
    for (auto& x : fold_footage(std::move(stretch), TimelineRules{})) g.segments.push_back(x);
    folded_away += static_cast<int>(f.segments.size() - g.segments.size());
    CAPTURE(round, from, to, now, a, b);
    REQUIRE(render(build_timeline(g, TimelineRules{}, at(from), at(to), at(now))) ==
            render(build_timeline(f, TimelineRules{}, at(from), at(to), at(now))));
  }
  CHECK(folded_away > 300);  // the rounds did fold
}
