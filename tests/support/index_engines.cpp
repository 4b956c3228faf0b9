// Fresh indexes of either engine for the index suites.
#include "support/index_engines.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "index/database.hpp"
#include "index/pg_connection.hpp"
#include "index/sqlite_connection.hpp"
#include "support/pg_server.hpp"

namespace hs::test {

std::vector<IndexEngine> index_engines() { return {IndexEngine::sqlite, IndexEngine::postgresql}; }

const char* engine_name(IndexEngine engine) { return engine == IndexEngine::sqlite ? "sqlite" : "postgresql"; }

std::string fresh_pg_schema_url() {
  static std::mutex mutex;
  static std::string database;  // one database for the process, a schema per index
  static std::atomic<int> counter{0};
  std::string db;
  {
    std::lock_guard lock(mutex);
    if (database.empty()) database = shared_pg_database();
    db = database;
  }
  auto schema = fmt::format("t{}_{}", ::getpid(), ++counter);
  index::PgBackend(index::PgSettings{db, {}}).connect(false)->exec("CREATE SCHEMA " + schema);
  return fmt::format("{}?options=-csearch_path%3D{}", db, schema);
}

std::unique_ptr<index::Backend> fresh_backend(IndexEngine engine, const std::filesystem::path& dir) {
  if (engine == IndexEngine::sqlite) return std::make_unique<index::SqliteBackend>(dir / "index.db");
  return std::make_unique<index::PgBackend>(index::PgSettings{fresh_pg_schema_url(), {}});
}

std::unique_ptr<Database> fresh_index(IndexEngine engine, const std::filesystem::path& dir) {
  return std::make_unique<Database>(fresh_backend(engine, dir));
}

}  // namespace hs::test
