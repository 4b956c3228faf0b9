#pragma once
// The index suites run on both engines: `GENERATE(from_range(index_engines()))` in a test case, then
// fresh_index(engine, dir) for an empty index of that engine. SQLite is a file in `dir`; PostgreSQL
// is a schema of its own (CREATE SCHEMA + search_path in the URL) in one database of the shared
// test server (support/pg_server.hpp), so a test costs one CREATE SCHEMA, not a database.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "index/connection.hpp"

namespace hs {
class Database;
}

namespace hs::test {

enum class IndexEngine { sqlite, postgresql };

std::vector<IndexEngine> index_engines();
const char* engine_name(IndexEngine engine);

// postgresql://...?options=-csearch_path%3D<schema>, the schema created empty, unique in this run.
std::string fresh_pg_schema_url();

std::unique_ptr<index::Backend> fresh_backend(IndexEngine engine, const std::filesystem::path& dir);
std::unique_ptr<Database> fresh_index(IndexEngine engine, const std::filesystem::path& dir);

}  // namespace hs::test
