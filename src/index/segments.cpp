// Segments: the Reader and Writer operations on the segments table, idempotent upserts for hooks
// and keyset pagination for the API.
#include <fmt/format.h>

#include "index/fragments.hpp"
#include "index/transaction.hpp"
#include "util/error.hpp"

namespace hs {

namespace index {

Segment read_segment(Statement& q) {
  Segment s;
  s.id = q.int64(0);
  s.camera_id = q.text(1);
  s.file = q.text(2);
  s.start = q.time(3);
  s.duration = q.optional_micros(4);
  s.size_bytes = q.int64(5);
  s.state = parse_segment_state(q.column_text(6)).value_or(SegmentState::missing);
  s.permanent = q.int64(7) != 0;
  s.expires_at = q.optional_time(8);
  s.notified_at = q.optional_time(9);
  s.node = q.text(10);
  return s;
}

}  // namespace index

namespace {

using index::Sql;

const Sql kCreated{
    "INSERT INTO segments (camera_id, file, start_us, state, expires_us, created_us, updated_us, node) "
    "VALUES (?1, ?2, ?3, 'recording', ?4, ?5, ?5, ?6) ON CONFLICT (file) DO NOTHING RETURNING id"};
const Sql kCompleted{
    "INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, expires_us, created_us, "
    "updated_us, node) VALUES (?1, ?2, ?3, ?4, ?5, 'complete', ?6, ?7, ?7, ?8) "
    "ON CONFLICT (file) DO UPDATE SET state = 'complete', duration_us = ?4, size_bytes = ?5, updated_us = ?7 "
    "WHERE segments.state != 'deleting' AND (segments.state != 'complete' OR segments.duration_us IS DISTINCT FROM ?4 "
    "OR segments.size_bytes != ?5) RETURNING id"};
const Sql kSetState{
    "UPDATE segments SET state = ?2, updated_us = ?3 WHERE id = ?1 AND state != ?2 AND state != 'deleting'"};

const Sql kById{fmt::format("SELECT {} FROM segments s WHERE s.id = ?1", index::kSegmentColumns)};
const Sql kByFile{fmt::format("SELECT {} FROM segments s WHERE s.file = ?1", index::kSegmentColumns)};
const Sql kCameraOf{"SELECT camera_id FROM segments WHERE id = ?1"};
const Sql kNewest{fmt::format(
    "SELECT {}, s.created_us, s.updated_us FROM segments s WHERE s.camera_id = ?1 AND s.state != 'deleting' "
    "ORDER BY s.start_us DESC, s.id DESC LIMIT 1",
    index::kSegmentColumns)};
const Sql kPage{fmt::format(
    "SELECT {} FROM segments s WHERE s.camera_id = ?1 AND s.state != 'deleting' "
    "AND s.start_us >= ?2 AND s.start_us < ?3 AND COALESCE(s.start_us + s.duration_us, ?4) > ?5 "
    "AND (s.start_us, s.id) > (?6, ?7) ORDER BY s.start_us, s.id LIMIT ?8",
    index::kSegmentColumns)};
const Sql kOldest{
    "SELECT start_us FROM segments WHERE camera_id = ?1 AND state IN ('recording', 'complete') "
    "ORDER BY start_us LIMIT 1"};
const Sql kSummary{
    "SELECT count(*), CAST(COALESCE(sum(size_bytes), 0) AS BIGINT), min(start_us), max(start_us) FROM segments "
    "WHERE camera_id = ?1 AND state IN ('recording', 'complete')"};
// In pages by id: PostgreSQL hands a statement's rows over as one result held in memory (1.2 GB
// for the 10 M file names of bench/scale10m.sh), a page at a time holds one page.
const Sql kFiles{"SELECT file, id, state FROM segments WHERE node = ?1 AND id > ?2 ORDER BY id LIMIT ?3"};
constexpr std::int64_t kFilesPage = 50'000;

// Runs an INSERT ... RETURNING id: a row comes back only when one was inserted or updated.
std::optional<std::int64_t> returned_id(index::Statement& q) {
  if (!q.step()) return std::nullopt;
  const std::int64_t id = q.int64(0);
  while (q.step()) {
  }
  return id;
}

std::string encode_cursor(const Segment& s) { return fmt::format("{}.{}", epoch_us(s.start), s.id); }

std::pair<std::int64_t, std::int64_t> decode_cursor(const std::string& c) {
  auto dot = c.find('.');
  try {
    if (dot == std::string::npos) throw std::invalid_argument("no dot");
    size_t n1 = 0, n2 = 0;
    std::int64_t a = std::stoll(c.substr(0, dot), &n1);
    std::int64_t b = std::stoll(c.substr(dot + 1), &n2);
    if (n1 != dot || n2 != c.size() - dot - 1) throw std::invalid_argument("junk");
    return {a, b};
  } catch (const std::exception&) {
    throw BadInput(fmt::format("cursor: not a cursor from a previous page: {}", quote(c)));
  }
}

}  // namespace

std::optional<std::int64_t> Writer::segment_created(std::string_view camera_id, std::string_view file, TimePoint start,
                                                    std::optional<TimePoint> expires_at, TimePoint now) {
  auto q = query(kCreated);
  q->bind(1, camera_id);
  q->bind(2, file);
  q->bind(3, start);
  q->bind(4, expires_at);
  q->bind(5, now);
  q->bind(6, node());
  return returned_id(*q);
}

std::optional<std::int64_t> Writer::segment_completed(std::string_view camera_id, std::string_view file,
                                                      TimePoint start, std::optional<Micros> duration,
                                                      std::int64_t size_bytes, std::optional<TimePoint> expires_at,
                                                      TimePoint now) {
  auto q = query(kCompleted);
  q->bind(1, camera_id);
  q->bind(2, file);
  q->bind(3, start);
  q->bind(4, duration);
  q->bind(5, size_bytes);
  q->bind(6, expires_at);
  q->bind(7, now);
  q->bind(8, node());
  return returned_id(*q);
}

bool Writer::set_segment_state(std::int64_t id, SegmentState state, TimePoint now) {
  auto q = query(kSetState);
  q->bind(1, id);
  q->bind(2, segment_state_name(state));
  q->bind(3, now);
  return q->exec() > 0;
}

std::optional<Segment> Reader::segment(std::int64_t id) {
  auto q = query(kById);
  q->bind(1, id);
  if (q->step()) return index::read_segment(*q);
  return std::nullopt;
}

std::optional<Segment> Reader::segment_by_file(std::string_view file) {
  auto q = query(kByFile);
  q->bind(1, file);
  if (q->step()) return index::read_segment(*q);
  return std::nullopt;
}

std::optional<std::string> Reader::camera_of_segment(std::int64_t id) {
  auto q = query(kCameraOf);
  q->bind(1, id);
  if (q->step()) return q->text(0);
  return std::nullopt;
}

std::optional<segments::Newest> Reader::newest_segment(std::string_view camera_id) {
  auto q = query(kNewest);
  q->bind(1, camera_id);
  if (!q->step()) return std::nullopt;
  Segment s = index::read_segment(*q);
  return segments::Newest{std::move(s), q->time(index::kSegmentColumnCount), q->time(index::kSegmentColumnCount + 1)};
}

segments::Page Reader::segment_page(std::string_view camera_id, std::optional<TimePoint> from,
                                    std::optional<TimePoint> to, int limit, const std::optional<std::string>& cursor,
                                    TimePoint now) {
  const std::int64_t lo = from ? epoch_us(*from) : INT64_MIN / 2;
  const std::int64_t hi = to ? epoch_us(*to) : INT64_MAX / 2;
  std::int64_t after_start = INT64_MIN, after_id = INT64_MIN;
  if (cursor) std::tie(after_start, after_id) = decode_cursor(*cursor);
  auto q = query(kPage);
  q->bind(1, camera_id);
  q->bind(2, from ? lo - segments::kMaxSegmentLength.count() : lo);
  q->bind(3, hi);
  q->bind(4, now);
  q->bind(5, lo);
  q->bind(6, after_start);
  q->bind(7, after_id);
  q->bind(8, std::int64_t{limit} + 1);
  segments::Page page;
  while (q->step()) page.items.push_back(index::read_segment(*q));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = encode_cursor(page.items.back());
  }
  return page;
}

segments::Summary Reader::segment_summary(std::string_view camera_id) {
  auto q = query(kSummary);
  q->bind(1, camera_id);
  segments::Summary s;
  if (q->step()) {
    s.segments = q->int64(0);
    s.bytes = q->int64(1);
    s.oldest = q->optional_time(2);
    s.newest = q->optional_time(3);
  }
  return s;
}

std::optional<TimePoint> Reader::oldest_segment_start(std::string_view camera_id) {
  auto q = query(kOldest);
  q->bind(1, camera_id);
  if (!q->step()) return std::nullopt;
  return q->time(0);
}

void Reader::each_segment_file(
    const std::function<void(std::string_view file, std::int64_t id, SegmentState state)>& row) {
  std::int64_t after = 0;
  for (;;) {
    auto q = query(kFiles);
    q->bind(1, node());
    q->bind(2, after);
    q->bind(3, kFilesPage);
    std::int64_t n = 0;
    while (q->step()) {
      after = q->int64(1);
      ++n;
      row(q->column_text(0), after, parse_segment_state(q->column_text(2)).value_or(SegmentState::missing));
    }
    if (n < kFilesPage) return;
  }
}

}  // namespace hs
