#pragma once
// The SQLite schema as a list of migrations, numbered by PRAGMA user_version. The PostgreSQL list
// (index/schema_pg.*) has the same version numbers (each version means the same tables and columns
// in both), so the table operations see one schema whatever the engine.
#include <span>

#include "index/migration.hpp"

namespace hs::index {

// In order, from version 1. Never edit a released entry: add a new one.
std::span<const Migration> sqlite_migrations();

}  // namespace hs::index
