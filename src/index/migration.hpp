#pragma once
// One step of an index schema. Each engine keeps its own list (index/schema_sqlite.cpp,
// index/schema_pg.cpp) with the same version numbers: a version means the same tables and columns
// on every engine (tests/index/test_schema.cpp compares them).
namespace hs::index {

struct Migration {
  int version;      // the schema version this migration produces
  const char* sql;  // one script, run in one transaction
};

}  // namespace hs::index
