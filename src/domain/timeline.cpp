// The timeline of a camera: footage merged into spans, and each hole explained by a sweep over the
// boundaries of every fact that could explain it (rules and precedence in timeline.hpp).
#include "domain/timeline.hpp"

#include <algorithm>

namespace hs {

std::string_view gap_reason_name(GapReason r) {
  switch (r) {
    case GapReason::deleted:
      return "deleted";
    case GapReason::missing:
      return "missing";
    case GapReason::not_recording:
      return "not_recording";
    case GapReason::offline:
      return "offline";
    case GapReason::stalled:
      return "stalled";
    case GapReason::unknown:
      return "unknown";
  }
  return "?";
}

std::string_view deleted_by_name(DeletedBy by) {
  switch (by) {
    case DeletedBy::retention:
      return "retention";
    case DeletedBy::disk:
      return "disk";
    case DeletedBy::manual:
      return "manual";
  }
  return "?";
}

std::optional<DeletedBy> parse_deleted_by(std::string_view name) {
  for (auto by : {DeletedBy::retention, DeletedBy::disk, DeletedBy::manual})
    if (deleted_by_name(by) == name) return by;
  return std::nullopt;
}

std::string_view state_kind_name(StateKind k) {
  switch (k) {
    case StateKind::offline:
      return "offline";
    case StateKind::not_recording:
      return "not_recording";
    case StateKind::stalled:
      return "stalled";
  }
  return "?";
}

std::optional<StateKind> parse_state_kind(std::string_view name) {
  for (auto k : {StateKind::offline, StateKind::not_recording, StateKind::stalled})
    if (state_kind_name(k) == name) return k;
  return std::nullopt;
}

namespace {

bool is_footage(SegmentState s) {
  return s == SegmentState::recording || s == SegmentState::complete;
}

struct Resolved {
  Extent extent;
  bool footage = false;
};

// Every segment's [start, end) by the rules of timeline.hpp, in start order.
std::vector<Resolved> resolve(const TimelineFacts& facts, const TimelineRules& rules, TimePoint now) {
  std::vector<const SegmentFact*> order;
  order.reserve(facts.segments.size());
  for (const auto& s : facts.segments) order.push_back(&s);
  auto by_start = [](const SegmentFact* a, const SegmentFact* b) { return a->start < b->start; };
  if (!std::is_sorted(order.begin(), order.end(), by_start)) std::stable_sort(order.begin(), order.end(), by_start);

  // Starts of open stalled intervals, sorted: a recording segment stops at the first one after its start.
  std::vector<TimePoint> open_stalls;
  for (const auto& st : facts.states)
    if (st.kind == StateKind::stalled && !st.end) open_stalls.push_back(st.start);
  std::sort(open_stalls.begin(), open_stalls.end());

  std::vector<Resolved> out;
  out.reserve(order.size());
  std::size_t next = 0;  // first segment starting after the current one
  for (std::size_t i = 0; i < order.size(); ++i) {
    const SegmentFact& s = *order[i];
    Resolved r;
    r.footage = is_footage(s.state);
    r.extent.start = s.start;
    r.extent.bytes = s.bytes;
    r.extent.count = s.count;
    if (s.duration) {
      r.extent.end = s.start + *s.duration;
    } else {
      next = std::max(next, i + 1);
      while (next < order.size() && order[next]->start <= s.start) ++next;
      TimePoint end = now;
      if (next < order.size()) end = std::min(end, order[next]->start);
      if (s.state == SegmentState::recording) {
        auto stall = std::lower_bound(open_stalls.begin(), open_stalls.end(), s.start);
        if (stall != open_stalls.end()) end = std::min(end, *stall);
        r.extent.recording = end == now;
      } else {
        end = std::min(end, s.start + rules.segment_duration);
      }
      r.extent.end = std::max(end, s.start);
    }
    out.push_back(r);
  }
  return out;
}

// Sweep layers, in the order that decides an instant: covered first, then the gap precedence.
enum Layer : std::size_t {
  kCovered,
  kDeletedManual,
  kDeletedDisk,
  kDeletedRetention,
  kMissing,
  kNotRecording,
  kOffline,
  kStalled,
  kUnknown,  // no layer: never counted
  kLayers = kUnknown
};

Layer deletion_layer(DeletedBy by) {
  switch (by) {
    case DeletedBy::manual:
      return kDeletedManual;
    case DeletedBy::disk:
      return kDeletedDisk;
    case DeletedBy::retention:
      return kDeletedRetention;
  }
  return kDeletedRetention;
}

Layer state_layer(StateKind k) {
  switch (k) {
    case StateKind::not_recording:
      return kNotRecording;
    case StateKind::offline:
      return kOffline;
    case StateKind::stalled:
      return kStalled;
  }
  return kStalled;
}

Gap gap_of(Layer layer, TimePoint start, TimePoint end) {
  Gap g{start, end, GapReason::unknown, std::nullopt};
  switch (layer) {
    case kDeletedManual:
      g.reason = GapReason::deleted;
      g.deleted_by = DeletedBy::manual;
      break;
    case kDeletedDisk:
      g.reason = GapReason::deleted;
      g.deleted_by = DeletedBy::disk;
      break;
    case kDeletedRetention:
      g.reason = GapReason::deleted;
      g.deleted_by = DeletedBy::retention;
      break;
    case kMissing:
      g.reason = GapReason::missing;
      break;
    case kNotRecording:
      g.reason = GapReason::not_recording;
      break;
    case kOffline:
      g.reason = GapReason::offline;
      break;
    case kStalled:
      g.reason = GapReason::stalled;
      break;
    default:
      break;
  }
  return g;
}

struct Mark {
  TimePoint at;
  Layer layer;
  int delta;
};

}  // namespace

std::vector<Extent> footage_extents(const TimelineFacts& facts, const TimelineRules& rules, TimePoint now) {
  std::vector<Extent> out;
  for (const auto& r : resolve(facts, rules, now))
    if (r.footage) out.push_back(r.extent);
  return out;
}

std::vector<SegmentFact> fold_footage(std::vector<SegmentFact> segments, const TimelineRules& rules) {
  auto foldable = [](const SegmentFact& s) {
    return s.state == SegmentState::complete && s.duration && s.duration->count() > 0;
  };
  std::vector<SegmentFact> out;
  out.reserve(segments.size() / 8 + 1);
  TimePoint run_end{};  // of out.back(), while it is a run that may grow
  bool open = false;
  for (auto& s : segments) {
    if (!foldable(s)) {
      out.push_back(std::move(s));
      open = false;
      continue;
    }
    const TimePoint end = s.start + *s.duration;
    if (open && s.start >= out.back().start && s.start <= run_end + rules.tolerance) {
      auto& run = out.back();
      run_end = std::max(run_end, end);
      run.duration = run_end - run.start;
      run.bytes += s.bytes;
      run.count += s.count;
    } else {
      out.push_back(std::move(s));
      run_end = end;
      open = true;
    }
  }
  return out;
}

Timeline build_timeline(const TimelineFacts& facts, const TimelineRules& rules, TimePoint from, TimePoint to,
                        TimePoint now) {
  Timeline t;
  t.from = from;
  t.to = to;
  const TimePoint end = std::min(to, now);
  if (end <= from) return t;

  auto resolved = resolve(facts, rules, now);
  std::vector<Mark> marks;
  auto add = [&](TimePoint a, TimePoint b, Layer layer) {
    if (b <= a || b <= from || a >= end) return;
    marks.push_back({a, layer, +1});
    marks.push_back({b, layer, -1});
  };

  // Spans: footage in start order, merged within the tolerance; only segments overlapping the range
  // are counted, but all of them extend a span (a span may start before `from`).
  Span open;
  bool have_open = false;
  auto close_span = [&] {
    if (!have_open) return;
    Span clipped = open;
    clipped.start = std::max(open.start, from);
    clipped.end = std::min(open.end, end);
    if (clipped.end > clipped.start) {  // a segment with nothing recorded yet is no span
      clipped.recording = open.recording && clipped.end == now;
      t.spans.push_back(clipped);
      add(clipped.start, clipped.end, kCovered);
    }
    have_open = false;
  };
  for (const auto& r : resolved) {
    if (!r.footage) {
      add(r.extent.start, r.extent.end, kMissing);
      continue;
    }
    const Extent& e = r.extent;
    if (have_open && e.start <= open.end + rules.tolerance) {
      open.end = std::max(open.end, e.end);
      open.recording = open.recording || e.recording;
    } else {
      close_span();
      open = Span{e.start, e.end, 0, 0, e.recording};
      have_open = true;
    }
    if (e.end > from && e.start < end) {
      open.segments += e.count;
      open.bytes += e.bytes;
    }
  }
  close_span();

  for (const auto& d : facts.deletions) add(d.start, d.end, deletion_layer(d.by));
  for (const auto& s : facts.states) add(s.start, s.end.value_or(now), state_layer(s.kind));

  std::sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.at < b.at; });
  std::array<int, kLayers> count{};
  auto top = [&] {
    for (std::size_t l = 0; l < kLayers; ++l)
      if (count[l] > 0) return static_cast<Layer>(l);
    return kUnknown;
  };
  auto emit = [&](Layer layer, TimePoint a, TimePoint b) {
    if (b <= a || layer == kCovered) return;
    Gap g = gap_of(layer, a, b);
    if (!t.gaps.empty() && t.gaps.back().end == a && t.gaps.back().reason == g.reason &&
        t.gaps.back().deleted_by == g.deleted_by)
      t.gaps.back().end = b;
    else
      t.gaps.push_back(g);
  };
  TimePoint cursor = from;
  std::size_t i = 0;
  for (; i < marks.size() && marks[i].at <= from; ++i) count[marks[i].layer] += marks[i].delta;
  while (i < marks.size() && marks[i].at < end) {
    const TimePoint at = marks[i].at;
    emit(top(), cursor, at);
    while (i < marks.size() && marks[i].at == at) {
      count[marks[i].layer] += marks[i].delta;
      ++i;
    }
    cursor = at;
  }
  emit(top(), cursor, end);

  for (const auto& s : t.spans) t.covered += s.end - s.start;
  for (const auto& g : t.gaps) t.gap_totals[static_cast<std::size_t>(g.reason)] += g.end - g.start;
  return t;
}

}  // namespace hs
