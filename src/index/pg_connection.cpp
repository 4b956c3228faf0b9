// PostgreSQL connections and statements through libpq. Error policy: a server that cannot be
// reached (refused, gone mid-call, shutting down, starting up) is Unavailable, which the API answers
// with 503 and the hook client spools; any other failure is Error naming the call, the statement and
// the server's message. Passwords never reach a message: URLs are redacted, and the password given
// apart from the URL is handed to libpq only.
//
// Transactions: a write transaction starts with pg_advisory_xact_lock on one key, so writers of all
// nodes run one at a time, as SQLite's BEGIN IMMEDIATE makes them; READ COMMITTED then never fails a
// statement half-way for a concurrent writer (no serialization failures, no deadlocks between the
// index's writers), and group commit's savepoints stay the only partial rollback. A snapshot read is
// REPEATABLE READ READ ONLY.
#include "index/pg_connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <mutex>
#include <thread>

#include "index/schema_pg.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs::index {

namespace {

// The one lock key of the index's writers (and migrations): "hs_index" in ASCII.
constexpr const char* kWriteLock = "SELECT pg_advisory_xact_lock(7526755928306263416)";

struct Finish {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct Clear {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
struct FreeNotify {
  void operator()(PGnotify* n) const noexcept { PQfreemem(n); }
};
using ConnHandle = std::unique_ptr<PGconn, Finish>;
using Result = std::unique_ptr<PGresult, Clear>;

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (auto& c : s)
    if (c == '\n') c = ' ';
  return s;
}

// The start of a statement, for messages.
std::string excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 80;
  std::string s(sql.substr(0, kMax));
  for (auto& c : s)
    if (c == '\n') c = ' ';
  if (sql.size() > kMax) s += "...";
  return s;
}

// SQLSTATE classes of a server that is not there for now: connection exceptions (08), shutdown
// and start-up (57P01-57P03), too many connections (53300).
bool unavailable_state(const char* sqlstate) {
  if (!sqlstate) return false;
  std::string_view s(sqlstate);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300";
}

// Connection parameters: libpq parses the URL (expand_dbname), the password given apart overrides
// it, and a connect timeout bounds how long a request waits for a server that does not answer.
ConnHandle open_connection(const PgSettings& settings) {
  const char* keys[] = {"connect_timeout", "application_name", "dbname", "password", nullptr};
  const char* values[] = {"3", "hook-server", settings.url.c_str(),
                          settings.password.empty() ? nullptr : settings.password.c_str(), nullptr};
  if (settings.password.empty()) keys[3] = nullptr;
  ConnHandle conn(PQconnectdbParams(keys, values, 1));
  // The server's NOTICEs (e.g. "relation ... already exists, skipping") go to the log, not stderr.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char* message) { log::get("index")->debug("postgresql: {}", trimmed(message)); },
      nullptr);
  return conn;
}

class PgConnection;

class PgStatement final : public Statement {
 public:
  // `name`: the prepared statement's name, empty for a statement run with its text each time.
  PgStatement(PgConnection& conn, std::string sql, std::string name)
      : conn_(conn), sql_(std::move(sql)), name_(std::move(name)) {}

  void bind_int64(int index, std::int64_t value) override {
    auto& slot = param(index);
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    slot.assign(buf, end);
    set_[index - 1] = true;
  }
  void bind_text(int index, std::string_view value) override {
    // Text parameters travel NUL-terminated: a NUL inside would cut the value short, silently.
    if (value.find('\0') != std::string_view::npos)
      throw BadInput(fmt::format("a NUL byte cannot be stored in the index: {}", quote(value)));
    param(index).assign(value);
    set_[index - 1] = true;
  }
  void bind_null(int index) override {
    param(index);
    set_[index - 1] = false;
  }
  bool step() override {
    if (!result_) run();
    return ++row_ < rows_;
  }
  std::int64_t column_int64(int index) override {
    if (PQgetisnull(result_.get(), row_, index)) return 0;
    const char* v = PQgetvalue(result_.get(), row_, index);
    std::int64_t out = 0;
    std::from_chars(v, v + PQgetlength(result_.get(), row_, index), out);
    return out;
  }
  std::string_view column_text(int index) override {
    return {PQgetvalue(result_.get(), row_, index), static_cast<std::size_t>(PQgetlength(result_.get(), row_, index))};
  }
  bool column_is_null(int index) override { return PQgetisnull(result_.get(), row_, index) != 0; }
  std::int64_t exec() override {
    if (!result_) run();
    const char* n = PQcmdTuples(result_.get());
    std::int64_t out = 0;
    if (n && *n) std::from_chars(n, n + std::strlen(n), out);
    return out;
  }
  void reset() noexcept override {
    result_.reset();
    rows_ = 0;
    row_ = -1;
    std::fill(set_.begin(), set_.end(), false);
  }

 private:
  std::string& param(int index) {
    const auto i = static_cast<std::size_t>(index - 1);
    if (i >= values_.size()) {
      values_.resize(i + 1);
      set_.resize(i + 1, false);
    }
    return values_[i];
  }
  void run();

  PgConnection& conn_;
  std::string sql_;
  std::string name_;
  std::uint64_t prepared_in_ = 0;  // the connection's session it was prepared in (0: not yet)
  std::vector<std::string> values_;
  std::vector<bool> set_;  // false: NULL
  Result result_;
  int rows_ = 0;
  int row_ = -1;
};

class PgConnection final : public Connection {
 public:
  PgConnection(const PgSettings& settings, std::string location, bool writer,
               std::shared_ptr<std::atomic<int>> writer_pid)
      : settings_(settings), location_(std::move(location)), writer_(writer), writer_pid_(std::move(writer_pid)) {
    conn_ = open_connection(settings_);
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      auto message = fmt::format("cannot connect to index {}: {}", location_, trimmed(PQerrorMessage(conn_.get())));
      // A server that refuses logins or has no such database will not get better by waiting.
      if (message.find("password") != std::string::npos || message.find("does not exist") != std::string::npos ||
          message.find("no pg_hba.conf") != std::string::npos)
        throw Error(message);
      throw Unavailable(message);
    }
    start_session();
  }
  ~PgConnection() override { drop_statements(); }

  void begin_write() override {
    retrying(true, [&] { return command("BEGIN", nullptr); });
    in_tx_ = true;
    command(kWriteLock, "BEGIN");
  }
  void begin_read() override {
    retrying(true, [&] { return command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", nullptr); });
    in_tx_ = true;
  }
  void savepoint() override { command("SAVEPOINT job", nullptr); }
  void release_savepoint() override { command("RELEASE SAVEPOINT job", nullptr); }
  void rollback_to_savepoint() override { command("ROLLBACK TO SAVEPOINT job", nullptr); }
  void commit() override {
    struct Ends {
      bool& flag;
      ~Ends() { flag = false; }
    } ends{in_tx_};
    Result r = command("COMMIT", nullptr);
    // A transaction in error commits as ROLLBACK without an error of its own.
    if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
      throw Error(fmt::format("index {}: COMMIT failed: the transaction was rolled back", location_));
    report_changes();
  }
  void rollback() override {
    struct Ends {
      bool& flag;
      ~Ends() { flag = false; }
    } ends{in_tx_};
    command("ROLLBACK", nullptr);
  }
  bool in_transaction() override {
    if (PQstatus(conn_.get()) != CONNECTION_OK) return in_tx_;
    const auto s = PQtransactionStatus(conn_.get());
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
  }

  bool watch_changes(ChangeObserver* observer) override {
    observer_ = observer;
    return true;
  }

  void exec(std::string_view sql) override {
    const std::string text = render_for_pg(sql);
    retrying(!writer_, [&] {
      Result r(PQexec(conn_.get(), text.c_str()));
      check(r.get(), "PQexec", sql);
      return r;
    });
  }
  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<PgStatement>(*this, render_for_pg(sql), std::string());
  }

  // Runs a prepared (or, with an empty name, unnamed) statement; prepares it first in this
  // session. Called by PgStatement.
  Result execute(const std::string& name, const std::string& sql, std::uint64_t& prepared_in,
                 const std::vector<std::string>& values, const std::vector<bool>& set) {
    std::vector<const char*> params(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) params[i] = set[i] ? values[i].c_str() : nullptr;
    const int n = static_cast<int>(params.size());
    return retrying(!writer_, [&] {
      if (name.empty()) {
        Result r(PQexecParams(conn_.get(), sql.c_str(), n, nullptr, params.data(), nullptr, nullptr, 0));
        check(r.get(), "PQexecParams", sql);
        return r;
      }
      if (prepared_in != session_) {
        Result p(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
        check(p.get(), "PQprepare", sql);
        prepared_in = session_;
      }
      Result r(PQexecPrepared(conn_.get(), name.c_str(), n, params.data(), nullptr, nullptr, 0));
      check(r.get(), "PQexecPrepared", sql);
      return r;
    });
  }

 protected:
  // The first compile of a statement is the kept one, prepared under its id's name; a private copy
  // (the kept one is in use) runs unnamed, so nothing accumulates on the server.
  std::unique_ptr<Statement> compile(const Sql& sql) override {
    const auto id = static_cast<std::size_t>(sql.id());
    if (id >= named_.size()) named_.resize(id + 1, false);
    if (named_[id]) return std::make_unique<PgStatement>(*this, render_for_pg(sql.text()), std::string());
    named_[id] = true;
    return std::make_unique<PgStatement>(*this, render_for_pg(sql.text()), fmt::format("hs{}", sql.id()));
  }

 private:
  // A session's settings; its prepared statements are gone with the previous session.
  void start_session() {
    ++session_;
    if (writer_) {
      writer_pid_->store(PQbackendPID(conn_.get()));
      // Our own commits' notifications come back on this connection at COMMIT (report_changes).
      Result r(PQexec(conn_.get(), "SELECT 'LISTEN ' || quote_ident('hs_segments.' || current_schema())"));
      check(r.get(), "PQexec", "LISTEN");
      std::string listen = PQgetvalue(r.get(), 0, 0);
      Result l(PQexec(conn_.get(), listen.c_str()));
      check(l.get(), "PQexec", listen);
    }
  }

  // Outside a transaction, a connection that was lost is reset (one attempt per call: a server
  // still down answers Unavailable at once). Inside one, the transaction is gone with it.
  void ready() {
    if (PQstatus(conn_.get()) == CONNECTION_OK) return;
    if (in_tx_) throw Unavailable(fmt::format("index {}: connection lost during a transaction", location_));
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK)
      throw Unavailable(fmt::format("index {} unreachable: {}", location_, trimmed(PQerrorMessage(conn_.get()))));
    log::get("index")->info("reconnected to {}", location_);
    start_session();
    if (writer_ && observer_) observer_->segments_changed({});  // empty: what happened meanwhile is unknown
  }

  // Runs `attempt` on a ready connection. A connection found lost by it (a pooled one, after the
  // server restarted) is reset and `attempt` runs once more, when that cannot apply anything twice:
  // `safe` (a reader's statement, a BEGIN) and outside a transaction.
  template <class F>
  Result retrying(bool safe, F&& attempt) {
    ready();
    try {
      return attempt();
    } catch (const Unavailable&) {
      if (!safe || in_tx_ || PQstatus(conn_.get()) == CONNECTION_OK) throw;
      ready();
      return attempt();
    }
  }

  Result command(const char* sql, const char* after) {
    Result r(PQexec(conn_.get(), sql));
    check(r.get(), "PQexec", after ? fmt::format("{}; {}", after, sql) : std::string(sql));
    return r;
  }

  void check(PGresult* r, const char* call, std::string_view sql) {
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* sqlstate = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
    if (message.empty()) message = trimmed(PQerrorMessage(conn_.get()));
    auto text = fmt::format("index {}: {}({}) failed: {}", location_, call, excerpt(sql), message);
    if (PQstatus(conn_.get()) != CONNECTION_OK || unavailable_state(sqlstate)) throw Unavailable(text);
    throw Error(text);
  }

  // The cameras whose segments this transaction (and any other, meanwhile) changed.
  void report_changes() {
    while (true) {
      std::unique_ptr<PGnotify, FreeNotify> n(PQnotifies(conn_.get()));
      if (!n) break;
      if (observer_) observer_->segments_changed(n->extra);
    }
  }

  PgSettings settings_;
  std::string location_;
  bool writer_;
  std::shared_ptr<std::atomic<int>> writer_pid_;
  ConnHandle conn_;
  std::uint64_t session_ = 0;
  bool in_tx_ = false;
  std::vector<bool> named_;  // by Sql id: its kept statement exists
  ChangeObserver* observer_ = nullptr;
};

void PgStatement::run() {
  result_ = conn_.execute(name_, sql_, prepared_in_, values_, set_);
  rows_ = PQntuples(result_.get());
  row_ = -1;
}

// Listens on a connection of its own for the notifications of segments changed by other writers.
class PgChangeFeed final : public ChangeFeed {
 public:
  PgChangeFeed(PgSettings settings, std::string location, std::shared_ptr<std::atomic<int>> writer_pid,
               std::function<void(std::optional<std::string_view>)> changed)
      : settings_(std::move(settings)),
        location_(std::move(location)),
        writer_pid_(std::move(writer_pid)),
        changed_(std::move(changed)),
        wake_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    // Listening before the database is handed out: no write after it is missed. A server down now
    // is retried by the thread.
    connect();
    thread_ = std::thread([this] { run(); });
  }
  ~PgChangeFeed() override {
    stop_ = true;
    std::uint64_t one = 1;
    if (::write(wake_, &one, sizeof one) < 0) {  // the poll timeout ends the wait anyway
    }
    thread_.join();
    ::close(wake_);
  }

 private:
  bool connect() {
    conn_ = open_connection(settings_);
    if (PQstatus(conn_.get()) != CONNECTION_OK) return false;
    Result r(PQexec(conn_.get(), "SELECT 'LISTEN ' || quote_ident('hs_segments.' || current_schema())"));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return false;
    Result l(PQexec(conn_.get(), PQgetvalue(r.get(), 0, 0)));
    return PQresultStatus(l.get()) == PGRES_COMMAND_OK;
  }

  void run() {
    bool was_connected = true;  // the database was just opened: nothing to catch up on
    auto retry = std::chrono::milliseconds(100);
    while (!stop_) {
      if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
        if (!connect()) {
          if (was_connected)
            log::get("index")->warn("change feed of {} lost: {}", location_, trimmed(PQerrorMessage(conn_.get())));
          was_connected = false;
          wait(retry);
          retry = std::min(retry * 2, std::chrono::milliseconds(2000));
          continue;
        }
        retry = std::chrono::milliseconds(100);
        if (!was_connected) {
          log::get("index")->info("change feed of {} reconnected", location_);
          changed_(std::nullopt);  // notifications sent meanwhile are lost
        }
        was_connected = true;
      }
      if (!wait(std::chrono::milliseconds(1000), PQsocket(conn_.get()))) continue;
      if (!PQconsumeInput(conn_.get())) continue;  // the status check above reconnects
      const int writer = writer_pid_->load();
      while (true) {
        std::unique_ptr<PGnotify, FreeNotify> n(PQnotifies(conn_.get()));
        if (!n) break;
        if (n->be_pid != writer) changed_(std::string_view(n->extra));
      }
    }
  }

  // Sleeps up to `timeout` or until the feed stops; with a socket, returns true when it is readable.
  bool wait(std::chrono::milliseconds timeout, int socket = -1) {
    pollfd fds[2] = {{wake_, POLLIN, 0}, {socket, POLLIN, 0}};
    const int n = ::poll(fds, socket >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
    return n > 0 && socket >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }

  PgSettings settings_;
  std::string location_;
  std::shared_ptr<std::atomic<int>> writer_pid_;
  std::function<void(std::optional<std::string_view>)> changed_;
  int wake_;
  ConnHandle conn_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

std::string redact_pg_url(std::string_view url) {
  // postgresql://user:password@host/... and postgres://...; ?password=... in the query.
  std::string out(url);
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto at = out.find('@', start);
    const auto slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&') continue;
    const auto end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

std::string render_for_pg(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return render_tokens(std::move(out), {{"{skip_locked}", "FOR UPDATE SKIP LOCKED"}});
}

PgBackend::PgBackend(PgSettings settings) : settings_(std::move(settings)) {}

std::unique_ptr<Connection> PgBackend::connect(bool writer) const {
  return std::make_unique<PgConnection>(settings_, location(), writer, writer_pid_);
}

int PgBackend::latest_schema_version() const { return static_cast<int>(pg_migrations().size()); }

int PgBackend::schema_version(Connection& connection) const {
  auto q = connection.prepare(
      "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE -1 END");
  q->step();
  if (q->int64(0) == 0) return 0;
  auto v = connection.prepare("SELECT COALESCE(max(version), 0) FROM schema_version");
  v->step();
  return static_cast<int>(v->int64(0));
}

void PgBackend::migrate(Connection& writer) const {
  const int latest = latest_schema_version();
  writer.begin_write();  // the writers' lock: one node migrates, the others wait and find it done
  try {
    writer.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const int version = schema_version(writer);
    if (version > latest)
      throw Error(fmt::format("index {} has schema version {}, newer than this hook-server ({}): upgrade hook-server",
                              location(), version, latest));
    for (const Migration& m : pg_migrations()) {
      if (m.version <= version) continue;
      writer.savepoint();
      try {
        writer.exec(m.sql);
      } catch (const std::exception& e) {
        throw Error(fmt::format("index {}: migration to schema {} failed: {}", location(), m.version, e.what()));
      }
      writer.release_savepoint();
      writer.exec("DELETE FROM schema_version");
      writer.exec(fmt::format("INSERT INTO schema_version (version) VALUES ({})", m.version));
      log::get("index")->info("migrated {} to schema version {}", location(), m.version);
    }
    writer.commit();
  } catch (...) {
    try {
      if (writer.in_transaction()) writer.rollback();
    } catch (...) {  // the migration's error is the one to report
    }
    throw;
  }
}

std::unique_ptr<ChangeFeed> PgBackend::watch_segments(
    std::function<void(std::optional<std::string_view>)> changed) const {
  return std::make_unique<PgChangeFeed>(settings_, location(), writer_pid_, std::move(changed));
}

}  // namespace hs::index
