// The deletion audit: the Reader and Writer operations on the audit table.
#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

const Sql kAppend{
    "INSERT INTO audit (at_us, segment_id, camera_id, file, start_us, size_bytes, reason, outcome, duration_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
const Sql kQuery{
    "SELECT id, at_us, segment_id, camera_id, file, start_us, size_bytes, reason, outcome, duration_us FROM audit "
    "WHERE (CAST(?1 AS TEXT) IS NULL OR camera_id = ?1) AND at_us >= ?2 AND at_us < ?3 ORDER BY at_us DESC, id DESC LIMIT ?4"};

const Sql kTotals{
    "SELECT reason, outcome, COUNT(*), CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM audit GROUP BY reason, outcome "
    "ORDER BY reason, outcome"};

}  // namespace

void Writer::append_audit(const audit::Entry& e) {
  auto q = query(kAppend);
  q->bind(1, e.at);
  q->bind(2, e.segment_id);
  q->bind(3, e.camera_id);
  q->bind(4, e.file);
  q->bind(5, e.start);
  q->bind(6, e.size_bytes);
  q->bind(7, e.reason);
  q->bind(8, e.outcome);
  q->bind(9, e.duration);
  q->exec();
}

std::vector<audit::Entry> Reader::audit_log(const std::optional<std::string>& camera_id, std::optional<TimePoint> from,
                                            std::optional<TimePoint> to, int limit) {
  auto q = query(kQuery);
  q->bind(1, camera_id);
  q->bind(2, from ? epoch_us(*from) : INT64_MIN);
  q->bind(3, to ? epoch_us(*to) : INT64_MAX);
  q->bind(4, std::int64_t{limit});
  std::vector<audit::Entry> out;
  while (q->step())
    out.push_back(audit::Entry{q->int64(0), q->time(1), q->int64(2), q->text(3), q->text(4), q->time(5), q->int64(6),
                               q->text(7), q->text(8), q->optional_micros(9)});
  return out;
}

std::vector<audit::Total> Reader::audit_totals() {
  auto q = query(kTotals);
  std::vector<audit::Total> out;
  while (q->step()) out.push_back(audit::Total{q->text(0), q->text(1), q->int64(2), q->int64(3)});
  return out;
}

}  // namespace hs
