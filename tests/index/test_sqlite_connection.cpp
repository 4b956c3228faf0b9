// The SQLite backend behind the index seam: statements kept per connection and leased one at a
// time, the dialect notes rendered, transactions and savepoints, changed rows reported, migrations.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "index/schema_sqlite.hpp"
#include "index/sqlite_connection.hpp"
#include "support/media.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::index;
using hs::test::TempDir;

namespace {

const Sql kCount{"SELECT count(*) FROM t"};
const Sql kInsert{"INSERT INTO t (v) VALUES (?1) RETURNING id"};
const Sql kAll{"SELECT id, v FROM t ORDER BY id"};
const Sql kGreatest{"SELECT greatest(?1, ?2), greatest(?1, NULL), greatest(NULL, NULL)"};
const Sql kClaim{"SELECT id FROM t WHERE v IS DISTINCT FROM ?1 ORDER BY id LIMIT 1 {skip_locked}"};

std::int64_t count(Connection& c) {
  auto q = c.query(kCount);
  q->step();
  return q->int64(0);
}

struct Observer final : ChangeObserver {
  std::vector<std::tuple<std::string, RowChange, std::int64_t>> seen;
  void row_changed(std::string_view table, RowChange change, std::int64_t row) override {
    seen.emplace_back(std::string(table), change, row);
  }
  void segments_changed(std::string_view) override {}
};

}  // namespace

TEST_CASE("a connection keeps one statement per id and leases a private one when it is in use", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "sub" / "x.db");
  auto c = backend.connect(true);
  c->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  for (std::string v : {"a", "b", "c"}) {
    auto q = c->query(kInsert);
    q->bind(1, v);
    REQUIRE(q->step());
    CHECK(q->int64(0) > 0);
  }
  Statement* first = nullptr;
  {
    auto q = c->query(kCount);
    first = &*q;
  }
  {
    auto again = c->query(kCount);
    CHECK(&*again == first);  // the same compiled statement, reset and unbound
  }
  // Reading rows of one statement while an operation inside uses the same one.
  std::vector<std::string> values;
  auto all = c->query(kAll);
  while (all->step()) {
    auto inner = c->query(kAll);
    CHECK(&*inner != &*all);
    REQUIRE(inner->step());
    values.push_back(all->text(1));
  }
  CHECK(values == std::vector<std::string>{"a", "b", "c"});
  CHECK(count(*c) == 3);
}

TEST_CASE("the dialect notes are rendered for SQLite", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "x.db");
  auto c = backend.connect(true);
  c->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  c->exec("INSERT INTO t (v) VALUES ('a'), (NULL)");
  {
    auto q = c->query(kGreatest);
    q->bind(1, std::int64_t{7});
    q->bind(2, std::int64_t{-3});
    REQUIRE(q->step());
    CHECK(q->int64(0) == 7);
    CHECK(q->int64(1) == 7);  // NULL is ignored, as PostgreSQL's GREATEST does
    CHECK(q->is_null(2));
  }
  auto q = c->query(kClaim);
  q->bind(1, "a");
  REQUIRE(q->step());
  CHECK(q->int64(0) == 2);  // NULL IS DISTINCT FROM 'a'
}

TEST_CASE("savepoints roll back one piece of a transaction, changed rows are reported", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "x.db");
  auto c = backend.connect(true);
  c->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  Observer seen;
  REQUIRE(c->watch_changes(&seen));
  c->begin_write();
  CHECK(c->in_transaction());
  c->savepoint();
  c->exec("INSERT INTO t (v) VALUES ('kept')");
  c->release_savepoint();
  c->savepoint();
  c->exec("INSERT INTO t (v) VALUES ('dropped')");
  c->rollback_to_savepoint();
  c->release_savepoint();
  c->exec("UPDATE t SET v = 'kept!' WHERE id = 1");
  c->exec("DELETE FROM t WHERE id = 1");
  c->commit();
  CHECK_FALSE(c->in_transaction());
  CHECK(count(*c) == 0);
  CHECK(seen.seen == std::vector<std::tuple<std::string, RowChange, std::int64_t>>{
                         {"t", RowChange::insert, 1}, {"t", RowChange::insert, 2}, {"t", RowChange::update, 1},
                         {"t", RowChange::remove, 1}});
}

TEST_CASE("a reader sees what the writer committed and cannot write", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "x.db");
  auto w = backend.connect(true);
  backend.migrate(*w);
  auto r = backend.connect(false);
  CHECK(backend.schema_version(*r) == backend.latest_schema_version());
  CHECK(backend.latest_schema_version() == static_cast<int>(sqlite_migrations().size()));
  CHECK_THROWS_WITH(r->exec("DELETE FROM segments"), "attempt to write a readonly database");
  w->exec("INSERT INTO cameras (id, path, name, plan, origin, created_us, updated_us) "
          "VALUES ('1', 'camera_1', '1', 'basic', 'config', 0, 0)");
  auto q = r->prepare("SELECT path FROM cameras");
  REQUIRE(q->step());
  CHECK(q->text(0) == "camera_1");
}

TEST_CASE("an index newer than the program is refused with its version", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "x.db");
  auto w = backend.connect(true);
  w->exec("PRAGMA user_version = 99");
  CHECK_THROWS_WITH(backend.migrate(*w),
                    fmt::format("index {} has schema version 99, newer than this hook-server ({}): upgrade hook-server",
                                (dir.path() / "x.db").string(), backend.latest_schema_version()));
}

TEST_CASE("schema 5 rebuilds the outbox without the kind check and keeps its rows and their cascade", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "x.db");
  auto w = backend.connect(true);
  // An index of schema 4 with a notification and its delivery.
  for (const auto& m : sqlite_migrations())
    if (m.version <= 4) w->exec(m.sql);
  w->exec("PRAGMA user_version = 4");
  w->exec("INSERT INTO notifications (id, created_us, kind, camera_id, payload) VALUES (7, 1, 'expiry', '1', '{}')");
  w->exec("INSERT INTO deliveries (id, notification_id, url, state, attempts, next_attempt_us, last_error) "
          "VALUES (3, 7, 'http://127.0.0.1:9/x', 'retrying', 2, 5, 'HTTP 503')");
  CHECK_THROWS(w->exec("INSERT INTO notifications (created_us, kind, payload) VALUES (1, 'camera.offline', '{}')"));

  backend.migrate(*w);
  CHECK(backend.schema_version(*w) == backend.latest_schema_version());
  auto q = w->prepare("SELECT n.id, n.kind, d.id, d.state, d.attempts, d.last_error FROM deliveries d "
                      "JOIN notifications n ON n.id = d.notification_id");
  REQUIRE(q->step());
  CHECK(q->int64(0) == 7);
  CHECK(q->text(1) == "expiry");
  CHECK(q->int64(2) == 3);
  CHECK(q->text(3) == "retrying");
  CHECK(q->int64(4) == 2);
  CHECK(q->text(5) == "HTTP 503");
  // Event types are kinds now; deliveries still follow their notification.
  w->exec("INSERT INTO notifications (id, created_us, kind, payload) VALUES (8, 1, 'camera.offline', '{}')");
  w->exec("INSERT INTO deliveries (notification_id, url, state, next_attempt_us) VALUES (8, 'http://h/x', 'pending', 1)");
  CHECK_THROWS(w->exec("INSERT INTO deliveries (notification_id, url, state, next_attempt_us) VALUES (99, 'u', 'pending', 1)"));
  w->exec("DELETE FROM notifications WHERE id = 7");
  auto left = w->prepare("SELECT count(*) FROM deliveries");
  REQUIRE(left->step());
  CHECK(left->int64(0) == 1);
}

TEST_CASE("schema 6 gives every day that has segments a version, and its triggers move them", "[index]") {
  TempDir dir;
  SqliteBackend backend(dir.path() / "x.db");
  auto w = backend.connect(true);
  for (const auto& m : sqlite_migrations())
    if (m.version <= 5) w->exec(m.sql);
  w->exec("PRAGMA user_version = 5");
  w->exec("INSERT INTO cameras (id, path, name, plan, origin, created_us, updated_us) VALUES ('1', 'camera_1', 'Front', 'basic', 'api', 0, 0)");
  // Day 20,000 (2024-10-04) twice, day 20,001 once.
  for (auto [file, start] : {std::pair{"a", 20'000LL}, {"b", 20'000LL}, {"c", 20'001LL}})
    w->exec(fmt::format("INSERT INTO segments (camera_id, file, start_us, state, created_us, updated_us) "
                        "VALUES ('1', '{}', {}, 'complete', 0, 0)",
                        file, start * 86'400'000'000LL + 3'600'000'000LL));
  backend.migrate(*w);
  auto versions = [&] {
    std::vector<std::string> out;
    auto q = w->prepare("SELECT day, version FROM segment_days ORDER BY day");
    while (q->step()) out.push_back(fmt::format("{}:{}", q->int64(0), q->int64(1)));
    return out;
  };
  CHECK(versions() == std::vector<std::string>{"20000:1", "20001:1"});
  w->exec("UPDATE segments SET size_bytes = 5 WHERE file = 'a'");
  w->exec("UPDATE segments SET permanent = 1 WHERE file = 'b'");  // not seen by a timeline: no move
  w->exec("DELETE FROM segments WHERE file = 'c'");
  CHECK(versions() == std::vector<std::string>{"20000:2", "20001:2"});
}
