#pragma once
// The PostgreSQL schema as a list of migrations, with the version numbers of the SQLite list
// (index/schema_sqlite.*): version N means the same tables and columns on both engines. The current
// version is the one row of the table schema_version.
#include <span>

#include "index/migration.hpp"

namespace hs::index {

// In order, from version 1. Never edit a released entry: add a new one, with the same number as
// the SQLite migration it mirrors.
std::span<const Migration> pg_migrations();

}  // namespace hs::index
