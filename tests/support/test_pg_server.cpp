// The PostgreSQL test server itself: it starts, survives a crash and a stop, and holds its data.
#include <catch2/catch.hpp>

#include "support/pg_server.hpp"

namespace hs::test {
namespace {

std::string psql(const std::string& url, const std::string& sql) {
  std::string out;
  REQUIRE(run_command({"psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql}, &out) == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("the PostgreSQL test server keeps committed rows across a crash and a restart", "[pg][support]") {
  PgServer pg;
  auto db = pg.fresh_database();
  psql(db, "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)");
  pg.kill();
  std::string out;
  CHECK(run_command({"psql", db, "-qAtc", "SELECT 1"}, &out) != 0);  // down
  pg.start();
  CHECK(psql(db, "SELECT sum(x) FROM t") == "3");
  pg.stop();
  pg.start();
  CHECK(psql(db, "SELECT count(*) FROM t") == "2");
  CHECK(pg.fresh_database() != db);
}

}  // namespace hs::test
