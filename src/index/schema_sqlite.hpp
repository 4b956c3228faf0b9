#pragma once
// The SQLite schema as a list of migrations, numbered by PRAGMA user_version. A PostgreSQL list
// with the same version numbers sits beside it (each version means the same tables and columns in
// both), so the table operations see one schema whatever the engine.
#include <span>

namespace hs::index {

struct Migration {
  int version;      // the schema version this migration produces
  const char* sql;  // one script, run in one transaction
};

// In order, from version 1. Never edit a released entry: add a new one.
std::span<const Migration> sqlite_migrations();

}  // namespace hs::index
