#pragma once
// PostgreSQL behind the index's backend seam (index/connection.hpp), through libpq: one writer
// connection that serializes with every other node's writer, pooled readers, statements prepared
// once per connection, changed segments reported through LISTEN/NOTIFY (a trigger of the schema,
// index/schema_pg.cpp), and a server that is down answered with Unavailable, not a crash.
#include <atomic>
#include <memory>
#include <string>

#include "index/connection.hpp"

namespace hs::index {

// Where and how to connect: a postgresql:// URL (libpq's syntax, with its query parameters) and an
// optional password kept apart from it, so the URL can be logged.
struct PgSettings {
  std::string url;
  std::string password;  // empty: libpq's own sources (PGPASSWORD, ~/.pgpass)
};

// The URL with any password in it replaced by ***, for logs and messages.
std::string redact_pg_url(std::string_view url);

// `?N` parameters become `$N` (outside quoted strings and identifiers), `{skip_locked}` becomes
// FOR UPDATE SKIP LOCKED: the index's shared SQL as PostgreSQL takes it.
std::string render_for_pg(std::string_view sql);

class PgBackend final : public Backend {
 public:
  explicit PgBackend(PgSettings settings);

  std::string location() const override { return redact_pg_url(settings_.url); }
  // Throws Unavailable when the server cannot be reached, Error for anything else (a wrong
  // database, a refused login), naming the redacted URL and libpq's message.
  std::unique_ptr<Connection> connect(bool writer) const override;
  // Migrates under an advisory lock: two nodes starting together migrate once.
  void migrate(Connection& writer) const override;
  int schema_version(Connection& connection) const override;
  int latest_schema_version() const override;
  std::unique_ptr<ChangeFeed> watch_segments(std::function<void(std::optional<std::string_view>)> changed) const override;

 private:
  PgSettings settings_;
  // The writer's server process: the change feed skips what the writer already reported itself.
  std::shared_ptr<std::atomic<int>> writer_pid_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace hs::index
