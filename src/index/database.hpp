#pragma once
// The index: one writer connection (SQLite allows one writer at a time anyway) and a small pool of
// reader connections, so API queries run beside hook writes. Callers never see a connection: they
// get a Reader (reader()) or, inside write(), a Writer, whose methods are the table operations
// (index/transaction.hpp).
//
// Writes are group-committed: callers that arrive while a transaction is running queue up, and the
// next one to get the writer runs all queued work in one transaction, each piece inside its own
// SAVEPOINT (a piece that throws is rolled back alone and its caller gets the exception). Under
// concurrent hooks this turns N commits into one without changing what any caller sees.
// The engine behind it is an index::Backend (index/connection.hpp): SQLite (index/sqlite_connection.*)
// or PostgreSQL (index/pg_connection.*).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/connection.hpp"
#include "index/transaction.hpp"

namespace hs {

struct Config;
class ReadTransaction;

class Database final : private index::ChangeObserver {
 public:
  // Connects through `backend` as node `node` (config node.id) and migrates to the newest schema;
  // rows written before nodes existed become this node's. Throws Error naming the index.
  explicit Database(std::unique_ptr<index::Backend> backend, std::string node = kDefaultNode);
  // SQLite in `file` (created when missing): WAL, synchronous=NORMAL, foreign keys, busy timeout.
  explicit Database(std::filesystem::path file, std::string node = kDefaultNode);
  static constexpr const char* kDefaultNode = "local";

  // This process's node id.
  const std::string& node() const { return node_; }
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Where the index lives (the SQLite file, the PostgreSQL URL without password), for logs.
  std::string location() const { return backend_->location(); }
  int schema_version();
  int latest_schema_version() const { return backend_->latest_schema_version(); }
  // The engine's check of its files (Backend::integrity_check): "ok" or what it found.
  std::string integrity_check();

  // Runs fn(Writer&) inside a write transaction and returns its result once that transaction
  // committed. If fn throws, its changes are rolled back and the exception is rethrown here. fn
  // must not call write() itself.
  template <class F>
  auto write(F&& fn) {
    using R = decltype(fn(writer_tx_));
    if constexpr (std::is_void_v<R>) {
      Job job{[&](Writer& w) { fn(w); }};
      submit(job);
    } else {
      std::optional<R> result;
      Job job{[&](Writer& w) { result.emplace(fn(w)); }};
      submit(job);
      return std::move(*result);
    }
  }

  // Announces that this thread is about to write (a hook being handled): a transaction starting
  // meanwhile waits up to kCommitDelay for the write to join it. Released by the thread's next
  // write() or when the Announce ends, whichever comes first.
  struct Announce {
    explicit Announce(Database& d);
    ~Announce();
    Announce(const Announce&) = delete;
    Announce& operator=(const Announce&) = delete;
    Database& db;
  };
  static constexpr std::chrono::microseconds kCommitDelay{300};

  // A number that grows whenever a committed write changed (inserted, updated or deleted) one of
  // this camera's segment rows; equal numbers mean unchanged listings, so rendered pages can be
  // reused. Read it before reading the rows it vouches for. It restarts with the process.
  // Writes of this Database move it before write() returns; writes of other processes (other nodes
  // on a shared PostgreSQL) move it when the engine's change feed tells (a few milliseconds later;
  // SQLite has no feed: one process writes its index).
  std::uint64_t segments_version(const std::string& camera_id) const;

  // Why the index cannot be written now (a full disk: Unavailable), "" when the last write
  // transaction committed. Set by a write that failed so, cleared by the next that commits.
  std::string write_failure() const;

  // A reader on a pooled connection, each statement seeing the latest commit.
  ReadTransaction reader();
  // A reader whose statements all see one consistent snapshot, until it ends.
  ReadTransaction snapshot();

 private:
  friend class ReadTransaction;
  using Connection = std::unique_ptr<index::Connection>;
  struct Job {
    std::function<void(Writer&)> run;
    std::exception_ptr error;
    bool done = false;
  };
  // Queues the job and returns when the transaction holding it committed (or failed). Rethrows.
  void submit(Job& job);
  void run_batch(std::vector<Job*>& batch);
  Connection lease_reader();
  void return_reader(Connection c) noexcept;

  std::string node_;
  std::unique_ptr<index::Backend> backend_;
  std::mutex write_mutex_;  // held by whoever uses writer_
  std::mutex queue_mutex_;
  std::condition_variable queue_done_;
  std::condition_variable queue_changed_;  // a job queued or an announcement withdrawn
  int announced_ = 0;                      // announced writes not queued yet
  std::vector<Job*> queue_;
  bool leader_ = false;
  Connection writer_;
  Writer writer_tx_;
  std::mutex pool_mutex_;
  std::vector<Connection> readers_;
  std::atomic<std::uint64_t> transactions_{0}, jobs_{0};  // group-commit effect, logged at close
  mutable std::mutex failure_mutex_;
  std::string write_failure_;  // see write_failure()

  // Segment changes, collected from the writer while a batch runs (under write_mutex_), resolved to
  // cameras before COMMIT and published after it.
  void row_changed(std::string_view table, index::RowChange change, std::int64_t row_id) override;
  void segments_changed(std::string_view camera_id) override;
  // From the change feed's thread: another writer changed `camera` (nullopt: any camera).
  void changed_elsewhere(std::optional<std::string_view> camera);
  void resolve_segment_changes();
  void publish_segment_changes();
  std::vector<std::int64_t> changed_rows_;
  std::vector<std::string> changed_cameras_;
  bool changed_unknown_ = false;  // a deleted row, or too many to resolve: every camera changed
  bool rows_reported_ = true;     // false: the engine cannot report rows, every write changes all
  mutable std::mutex versions_mutex_;
  std::uint64_t version_counter_ = 0;
  std::uint64_t all_changed_at_ = 0;
  std::unordered_map<std::string, std::uint64_t> camera_changed_at_;
  std::unique_ptr<index::ChangeFeed> feed_;  // last member: stopped first
};

// What reader() and snapshot() return: a Reader that owns its pooled connection until it ends.
class ReadTransaction : public Reader {
 public:
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  friend class Database;
  ReadTransaction(Database& db, Database::Connection connection, bool snapshot);

  Database& db_;
  Database::Connection owned_;
  bool snapshot_;
};

// The index configured for this server: PostgreSQL when index.url is set (its password from
// index.password_file or PGPASSWORD), else SQLite in <data_dir>/index.db. Throws Error naming the
// index (Unavailable when the PostgreSQL server cannot be reached).
std::unique_ptr<Database> open_index(const Config& config);

}  // namespace hs
