#pragma once
// The seam between the index's table operations and a database engine. The operations
// (index/{cameras,segments,events,clips,audit,notifications,expiry}.cpp) are written once against
// these classes; an engine implements Connection, Statement and Backend (SQLite:
// index/sqlite_connection.*) plus its own list of schema migrations, and touches no operation.
//
// Statements are identified by `Sql` objects defined next to the operation that runs them. A
// connection compiles each one the first time it is asked for it and keeps it in a vector indexed
// by the statement's id, so the short statements of the hook and query paths are parsed and planned
// once per connection instead of once per call.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/time.hpp"

namespace hs::index {

// One statement of the index. The text is written once for every engine, in the SQL that SQLite
// 3.40 and PostgreSQL 15 share: `?1`-style parameters (an engine with `$1` renders them),
// `ON CONFLICT ... DO UPDATE ... WHERE`, `RETURNING`, `IS DISTINCT FROM`, window functions,
// `CAST(x AS BIGINT)` for sums. Where the engines differ the text says so explicitly, and each
// backend renders it:
//   greatest(a, b, ...)  the larger non-null argument (PostgreSQL's GREATEST; SQLite gets a
//                        registered function of that name: its own MAX(a, b) returns NULL on NULL)
//   {skip_locked}        after the SELECT that picks rows to claim: PostgreSQL's
//                        `FOR UPDATE SKIP LOCKED`, so two nodes never claim one row; nothing in
//                        SQLite, where the one writer claims alone
// Define Sql objects at namespace scope only: ids are handed out while the program starts.
class Sql {
 public:
  explicit Sql(std::string text);
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  int id() const { return id_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  int id_;
};

// A compiled statement with its parameters and, after a step, the current row.
class Statement {
 public:
  virtual ~Statement() = default;

  // Parameters are numbered from 1 (?1). Text is not copied: it must stay valid until the
  // statement is reset (the end of the operation that binds it).
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  // Moves to the next result row; false when there is none. Throws the engine's error.
  virtual bool step() = 0;
  // Columns are numbered from 0. Text is valid until the next step or reset.
  virtual std::int64_t column_int64(int index) = 0;
  virtual std::string_view column_text(int index) = 0;
  virtual bool column_is_null(int index) = 0;
  // Runs to the end and returns how many rows it inserted, updated or deleted.
  virtual std::int64_t exec() = 0;
  // Ready to run again, with no parameter bound.
  virtual void reset() noexcept = 0;

  // Typed conveniences over the calls above.
  void bind(int index, std::int64_t value) { bind_int64(index, value); }
  void bind(int index, std::string_view value) { bind_text(index, value); }
  void bind(int index, const std::string& value) { bind_text(index, value); }
  void bind(int index, const char* value) { bind_text(index, value); }
  void bind(int index, std::string&&) = delete;  // would dangle: text is not copied
  void bind(int index, std::optional<std::string>&&) = delete;
  void bind(int index, TimePoint t) { bind_int64(index, epoch_us(t)); }
  void bind(int index, Micros d) { bind_int64(index, static_cast<std::int64_t>(d.count())); }
  template <class T>
  void bind(int index, const std::optional<T>& value) {
    if (value) bind(index, *value);
    else bind_null(index);
  }

  std::int64_t int64(int index) { return column_int64(index); }
  std::string text(int index) { return std::string(column_text(index)); }
  bool is_null(int index) { return column_is_null(index); }
  TimePoint time(int index) { return TimePoint{Micros{column_int64(index)}}; }
  std::optional<Micros> optional_micros(int index) {
    return column_is_null(index) ? std::nullopt : std::optional<Micros>(Micros{column_int64(index)});
  }
  std::optional<TimePoint> optional_time(int index) {
    return column_is_null(index) ? std::nullopt : std::optional<TimePoint>(time(index));
  }

 private:
  friend class Connection;
  friend class Query;
  bool leased_ = false;  // a Query of its connection holds it
};

// A statement leased from its connection for one operation: reset and handed back when the Query
// ends. Operations hold one for as long as they read its rows.
class Query {
 public:
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  friend class Connection;
  explicit Query(Statement& cached);
  explicit Query(std::unique_ptr<Statement> own);

  std::unique_ptr<Statement> owned_;  // a private statement: the cached one was in use
  Statement* stmt_;
};

enum class RowChange { insert, update, remove };

// Told about the rows a connection's statements change. An engine reports either rows (SQLite:
// every row inserted, updated or deleted, before COMMIT) or, when it knows them, the cameras whose
// segments changed (PostgreSQL: during COMMIT, from the schema's NOTIFY trigger).
class ChangeObserver {
 public:
  virtual void row_changed(std::string_view table, RowChange change, std::int64_t row_id) = 0;
  // An empty camera: any camera may have changed (the engine lost track, e.g. on a reconnect).
  virtual void segments_changed(std::string_view camera_id) = 0;

 protected:
  ~ChangeObserver() = default;
};

// One connection to the index, used by one thread at a time (the writer under the database's write
// lock, a reader while leased).
class Connection {
 public:
  virtual ~Connection();
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The statement `sql`, compiled on first use and kept. When it is already in use further up the
  // stack (an operation called while another one reads its rows), a private copy is compiled.
  Query query(const Sql& sql);

  // Transactions. A write transaction holds the engine's write lock from its start (so it never
  // fails half-way for a lock); a read transaction sees one consistent snapshot. Savepoints nest
  // inside a write transaction, one level deep (group commit's per-job savepoint).
  virtual void begin_write() = 0;
  virtual void begin_read() = 0;
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() = 0;

  // Reports the rows this connection changes to `observer` (null stops it). Returns false when
  // the engine cannot tell which rows changed: callers then treat every write as changing all.
  virtual bool watch_changes(ChangeObserver* observer) = 0;

  // SQL written at run time, not kept: schema scripts, settings, and tests' own statements. The
  // table operations use query().
  virtual void exec(std::string_view sql) = 0;
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;

 protected:
  // Compiles one of the index's statements, rendering the dialect notes described at Sql.
  virtual std::unique_ptr<Statement> compile(const Sql& sql) = 0;
  // Finalizes the kept statements; an engine's destructor calls it before it closes.
  void drop_statements() noexcept;

 private:
  std::vector<std::unique_ptr<Statement>> statements_;  // indexed by Sql::id()
};

// A running watch on other connections' writes (Backend::watch_segments); stops when destroyed.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
};

// Opens the connections of one index and keeps its schema current.
class Backend {
 public:
  virtual ~Backend() = default;
  // Where the index lives, for logs and messages (a file name, a URL without its password).
  virtual std::string location() const = 0;
  // The writer (one per database) or a reader. Throws Error naming the index.
  virtual std::unique_ptr<Connection> connect(bool writer) const = 0;
  // Migrates through the writer to latest_schema_version(). Throws Error naming the version that
  // failed, or a database newer than this program.
  virtual void migrate(Connection& writer) const = 0;
  virtual int schema_version(Connection& connection) const = 0;
  virtual int latest_schema_version() const = 0;
  // The engine's own check of its files: "ok", or what it found (SQLite's PRAGMA
  // integrity_check). An engine that checks itself (PostgreSQL) answers "ok".
  virtual std::string integrity_check(Connection&) const { return "ok"; }
  // Calls `changed(camera)` from a thread of its own when another connection (another node, a
  // maintenance command) commits changes to that camera's segments, and `changed(nullopt)` when
  // changes may have been missed (the feed reconnected). Null when the engine has no such feed.
  virtual std::unique_ptr<ChangeFeed> watch_segments(std::function<void(std::optional<std::string_view>)>) const {
    return nullptr;
  }
};

// Replaces each `{token}` of `text` by its rendering (dialect notes, see Sql).
std::string render_tokens(std::string text, const std::vector<std::pair<std::string_view, std::string_view>>& tokens);

}  // namespace hs::index
