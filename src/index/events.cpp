// The event log: the Reader and Writer operations on the events table.
#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

const Sql kAppend{
    "INSERT INTO events (at_us, received_us, kind, path, camera_id, segment, outcome, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"};
const Sql kPrune{"DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?2) AND received_us < ?1"};
const Sql kRecent{
    "SELECT id, at_us, received_us, kind, path, COALESCE(camera_id, ''), COALESCE(segment, ''), outcome, detail "
    "FROM events WHERE CAST(?1 AS TEXT) IS NULL OR camera_id = ?1 ORDER BY id DESC LIMIT ?2"};

// Empty text is stored as NULL (no camera, no segment).
void bind_or_null(index::Statement& q, int index, const std::string& text) {
  if (text.empty()) q.bind_null(index);
  else q.bind(index, text);
}

}  // namespace

void Writer::append_event(const events::Entry& e) {
  auto q = query(kAppend);
  q->bind(1, e.at);
  q->bind(2, e.received);
  q->bind(3, e.kind);
  q->bind(4, e.path);
  bind_or_null(*q, 5, e.camera_id);
  bind_or_null(*q, 6, e.segment);
  q->bind(7, e.outcome);
  q->bind(8, e.detail);
  q->exec();
}

std::size_t Writer::prune_events(TimePoint before, int limit) {
  auto q = query(kPrune);
  q->bind(1, before);
  q->bind(2, std::int64_t{limit});
  return static_cast<std::size_t>(q->exec());
}

std::vector<events::Entry> Reader::recent_events(int limit, const std::optional<std::string>& camera_id) {
  auto q = query(kRecent);
  q->bind(1, camera_id);
  q->bind(2, std::int64_t{limit});
  std::vector<events::Entry> out;
  while (q->step())
    out.push_back(events::Entry{q->int64(0), q->time(1), q->time(2), q->text(3), q->text(4), q->text(5), q->text(6),
                                q->text(7), q->text(8)});
  return out;
}

}  // namespace hs
