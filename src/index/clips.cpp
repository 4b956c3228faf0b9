// Permanent clips: the Reader and Writer operations on the clips table (removing one is in
// index/expiry.cpp: its segments return to the retention cycle in the same statement group).
#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

const std::string kSelect = "SELECT id, camera_id, start_us, end_us, label, created_us FROM clips ";
const Sql kById{kSelect + "WHERE id = ?1"};
const Sql kList{kSelect + "WHERE CAST(?1 AS TEXT) IS NULL OR camera_id = ?1 ORDER BY camera_id, start_us, id"};
const Sql kAdd{"INSERT INTO clips (camera_id, start_us, end_us, label, created_us) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id"};

clips::Clip read_clip(index::Statement& q) {
  return clips::Clip{q.int64(0), q.text(1), q.time(2), q.time(3), q.text(4), q.time(5)};
}

}  // namespace

clips::Clip Writer::add_clip(std::string_view camera_id, TimePoint start, TimePoint end, const std::string& label,
                             TimePoint now) {
  auto q = query(kAdd);
  q->bind(1, camera_id);
  q->bind(2, start);
  q->bind(3, end);
  q->bind(4, label);
  q->bind(5, now);
  q->step();
  return clips::Clip{q->int64(0), std::string(camera_id), start, end, label, now};
}

std::optional<clips::Clip> Reader::clip(std::int64_t id) {
  auto q = query(kById);
  q->bind(1, id);
  if (q->step()) return read_clip(*q);
  return std::nullopt;
}

std::vector<clips::Clip> Reader::list_clips(const std::optional<std::string>& camera_id) {
  auto q = query(kList);
  q->bind(1, camera_id);
  std::vector<clips::Clip> out;
  while (q->step()) out.push_back(read_clip(*q));
  return out;
}

}  // namespace hs
