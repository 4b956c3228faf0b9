#pragma once
// Prepared statements kept per connection. Compiling SQL costs more than running it for the short
// statements of the hook and query paths (sqlite3_prepare parses, resolves names and plans each
// time), so index functions take their statements from here instead of building a
// SQLite::Statement per call.
//
// The cache is keyed by the address of the SQL text, so `sql` must have static storage (a literal,
// or a function-local static string). Connections opened by Database have a cache; on any other
// connection, and when the cached statement is already in use further up the stack, Prepared
// compiles a private statement, so callers never need to know.
#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>

namespace hs {

class Prepared {
 public:
  Prepared(SQLite::Database& db, const char* sql);
  ~Prepared();  // resets the statement and clears its bindings for the next user
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  SQLite::Statement& operator*() { return *stmt_; }
  SQLite::Statement* operator->() { return stmt_; }

 private:
  std::unique_ptr<SQLite::Statement> owned_;
  SQLite::Statement* stmt_ = nullptr;
  bool* in_use_ = nullptr;
};

// Database calls these when it opens a connection and before it closes one (statements must be
// finalized before their connection can close).
void attach_statement_cache(const SQLite::Database& db);
void detach_statement_cache(const SQLite::Database& db) noexcept;

}  // namespace hs
