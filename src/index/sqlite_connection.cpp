// SQLite connections and statements. SQLiteCpp opens and closes the connection and carries SQLite's
// errors (SQLite::Exception); statements are sqlite3 handles of our own (SQLiteCpp 3.2 keeps its
// handle private and copies a shared pointer per column read), finalized by a unique_ptr.
#include "index/sqlite_connection.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include "index/schema_sqlite.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs::index {

namespace {

struct Finalize {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

class SqliteStatement final : public Statement {
 public:
  // `persistent`: kept for the life of the connection (SQLite then plans its memory accordingly).
  SqliteStatement(sqlite3* db, std::string_view sql, bool persistent) : db_(db) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
    stmt_.reset(stmt);
    if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
    handle_ = stmt;
  }

  void bind_int64(int index, std::int64_t value) override { check(sqlite3_bind_int64(handle_, index, value)); }
  void bind_text(int index, std::string_view value) override {
    check(sqlite3_bind_text(handle_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(handle_, index)); }
  bool step() override {
    const int rc = sqlite3_step(handle_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // A full disk passes: the same write succeeds once there is room, so it is a 503 (the hook
    // client spools) and not a 500 or a spooled event rejected for good.
    if ((rc & 0xff) == SQLITE_FULL)
      throw StorageFull(fmt::format("index not writable: {} (free space in data_dir)", sqlite3_errmsg(db_)));
    throw SQLite::Exception(db_, rc);
  }
  std::int64_t column_int64(int index) override { return sqlite3_column_int64(handle_, index); }
  std::string_view column_text(int index) override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(handle_, index));
    if (!text) return {};
    return {text, static_cast<std::size_t>(sqlite3_column_bytes(handle_, index))};
  }
  bool column_is_null(int index) override { return sqlite3_column_type(handle_, index) == SQLITE_NULL; }
  std::int64_t exec() override {
    while (step()) {
    }
    return sqlite3_changes(db_);
  }
  void reset() noexcept override {
    sqlite3_reset(handle_);
    sqlite3_clear_bindings(handle_);
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
  }

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
  sqlite3_stmt* handle_ = nullptr;
};

// greatest(a, b, ...): the largest non-null number, as PostgreSQL's GREATEST (NULL when all are).
void greatest(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  sqlite3_value* best = nullptr;
  for (int i = 0; i < argc; ++i) {
    sqlite3_value* v = argv[i];
    const int type = sqlite3_value_numeric_type(v);
    if (type == SQLITE_NULL) continue;
    if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
      sqlite3_result_error(ctx, "greatest() takes numbers", -1);
      return;
    }
    const bool integers = type == SQLITE_INTEGER && best && sqlite3_value_type(best) == SQLITE_INTEGER;
    if (!best || (integers ? sqlite3_value_int64(v) > sqlite3_value_int64(best)
                           : sqlite3_value_double(v) > sqlite3_value_double(best)))
      best = v;
  }
  if (best) sqlite3_result_value(ctx, best);
  else sqlite3_result_null(ctx);
}

// Transaction control goes through the statement vector too: parsing BEGIN/SAVEPOINT/RELEASE/COMMIT
// on every batch costs as much as a small insert.
const Sql kBeginImmediate{"BEGIN IMMEDIATE"};
const Sql kBeginDeferred{"BEGIN"};
const Sql kSavepoint{"SAVEPOINT job"};
const Sql kRelease{"RELEASE job"};
const Sql kRollbackTo{"ROLLBACK TO job"};
const Sql kCommit{"COMMIT"};
const Sql kRollback{"ROLLBACK"};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::filesystem::path& file, bool writer)
      // NOMUTEX: a connection is used by one thread at a time (connection.hpp: the writer under the
      // write lock, a reader while leased), so SQLite's per-call connection mutex only cost time
      // (13 % of a 42,000-row timeline read in a profile: a lock and an unlock per column read).
      : db_(file.string(),
            writer ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX
                   : SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
            5000) {
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec("PRAGMA temp_store = MEMORY");
    // 8 MiB of page cache for the writer, 2 MiB per reader: enough for the hot index pages.
    db_.exec(writer ? "PRAGMA cache_size = -8000" : "PRAGMA cache_size = -2000");
    if (writer) {
      db_.exec("PRAGMA journal_mode = WAL");
      db_.exec("PRAGMA synchronous = NORMAL");
      // Checkpoint every ~16 MiB of WAL instead of 4: the pages hooks touch (the tails of the
      // segment and event tables and their indexes) are rewritten by every commit, and a checkpoint
      // copies each page once however often it changed, so fewer checkpoints copy much less.
      db_.exec("PRAGMA wal_autocheckpoint = 4000");
    }
    const int rc = sqlite3_create_function(db_.getHandle(), "greatest", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                           nullptr, &greatest, nullptr, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db_.getHandle(), rc);
  }
  ~SqliteConnection() override {
    sqlite3_update_hook(db_.getHandle(), nullptr, nullptr);
    drop_statements();  // statements are finalized before the connection closes
  }

  void begin_write() override { query(kBeginImmediate)->exec(); }
  void begin_read() override { query(kBeginDeferred)->exec(); }
  void savepoint() override { query(kSavepoint)->exec(); }
  void release_savepoint() override { query(kRelease)->exec(); }
  void rollback_to_savepoint() override { query(kRollbackTo)->exec(); }
  void commit() override { query(kCommit)->exec(); }
  void rollback() override { query(kRollback)->exec(); }
  bool in_transaction() override { return sqlite3_get_autocommit(db_.getHandle()) == 0; }

  bool watch_changes(ChangeObserver* observer) override {
    if (observer) sqlite3_update_hook(db_.getHandle(), &on_update, observer);
    else sqlite3_update_hook(db_.getHandle(), nullptr, nullptr);
    return true;
  }

  void exec(std::string_view sql) override { db_.exec(std::string(sql)); }
  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(db_.getHandle(), sql, false);
  }

 protected:
  std::unique_ptr<Statement> compile(const Sql& sql) override {
    if (sql.text().find('{') == std::string::npos)
      return std::make_unique<SqliteStatement>(db_.getHandle(), sql.text(), true);
    return std::make_unique<SqliteStatement>(db_.getHandle(), render_tokens(sql.text(), {{"{skip_locked}", ""}}), true);
  }

 private:
  static void on_update(void* observer, int op, const char*, const char* table, sqlite3_int64 row) {
    const RowChange change = op == SQLITE_INSERT ? RowChange::insert
                             : op == SQLITE_DELETE ? RowChange::remove
                                                   : RowChange::update;
    static_cast<ChangeObserver*>(observer)->row_changed(table, change, row);
  }

  SQLite::Database db_;
};

}  // namespace

SqliteBackend::SqliteBackend(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
}

std::unique_ptr<Connection> SqliteBackend::connect(bool writer) const {
  try {
    return std::make_unique<SqliteConnection>(file_, writer);
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("cannot open index {}: {}", file_.string(), e.what()));
  }
}

int SqliteBackend::latest_schema_version() const { return static_cast<int>(sqlite_migrations().size()); }

int SqliteBackend::schema_version(Connection& connection) const {
  auto q = connection.prepare("PRAGMA user_version");
  q->step();
  return static_cast<int>(q->int64(0));
}

std::string SqliteBackend::integrity_check(Connection& connection) const {
  auto q = connection.prepare("PRAGMA integrity_check");
  std::string found;
  while (q->step()) found += (found.empty() ? "" : "; ") + std::string(q->column_text(0));
  return found;
}

void SqliteBackend::migrate(Connection& writer) const {
  const int latest = latest_schema_version();
  const int version = schema_version(writer);
  if (version > latest)
    throw Error(fmt::format("index {} has schema version {}, newer than this hook-server ({}): upgrade hook-server",
                            file_.string(), version, latest));
  for (const Migration& m : sqlite_migrations()) {
    if (m.version <= version) continue;
    try {
      writer.begin_write();
      try {
        writer.exec(m.sql);
        writer.exec(fmt::format("PRAGMA user_version = {}", m.version));
        writer.commit();
      } catch (...) {
        try {
          if (writer.in_transaction()) writer.rollback();
        } catch (...) {  // the migration's error is the one to report
        }
        throw;
      }
    } catch (const SQLite::Exception& e) {
      throw Error(fmt::format("index {}: migration to schema {} failed: {}", file_.string(), m.version, e.what()));
    }
    log::get("index")->info("migrated {} to schema version {}", file_.string(), m.version);
  }
}

}  // namespace hs::index
