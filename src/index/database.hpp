#pragma once
// The SQLite index file: one writer connection (SQLite allows one writer at a time anyway) and a
// small pool of reader connections, so API queries run beside hook writes under WAL.
//
// Writes are group-committed: callers that arrive while a transaction is running queue up, and the
// next one to get the writer runs all queued work in one transaction, each piece inside its own
// SAVEPOINT (a piece that throws is rolled back alone and its caller gets the exception). Under
// concurrent hooks this turns N commits into one without changing what any caller sees.
// Schema versions live in PRAGMA user_version; migrations run in order at open.
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace hs {

class Database {
 public:
  // Opens (creating) the file, sets WAL, synchronous=NORMAL, foreign keys, busy timeout, and
  // migrates to the newest schema. Throws Error naming the file and SQLite's message.
  explicit Database(std::filesystem::path file);
  ~Database();

  const std::filesystem::path& file() const { return file_; }
  int schema_version();
  static int latest_schema_version();

  // Runs fn inside a write transaction and returns its result once that transaction committed.
  // If fn throws, its changes are rolled back and the exception is rethrown here. fn must not call
  // write() itself.
  template <class F>
  auto write(F&& fn) {
    using R = decltype(fn(*writer_));
    if constexpr (std::is_void_v<R>) {
      Job job{[&](SQLite::Database& db) { fn(db); }};
      submit(job);
    } else {
      std::optional<R> result;
      Job job{[&](SQLite::Database& db) { result.emplace(fn(db)); }};
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
  std::uint64_t segments_version(const std::string& camera_id) const;

  // Runs fn with a reader connection (a consistent snapshot when fn opens a transaction).
  template <class F>
  auto read(F&& fn) {
    Lease lease(*this);
    return fn(*lease.db);
  }

 private:
  // A connection with its prepared-statement cache (index/statements.hpp), dropped before it closes.
  struct Close {
    void operator()(SQLite::Database* db) const noexcept;
  };
  using Connection = std::unique_ptr<SQLite::Database, Close>;
  struct Lease {
    explicit Lease(Database& d);
    ~Lease();
    Database& owner;
    Connection db;
  };
  struct Job {
    std::function<void(SQLite::Database&)> run;
    std::exception_ptr error;
    bool done = false;
  };
  // Queues the job and returns when the transaction holding it committed (or failed). Rethrows.
  void submit(Job& job);
  void run_batch(std::vector<Job*>& batch);
  Connection open_connection(bool write) const;
  void migrate();

  std::filesystem::path file_;
  std::mutex write_mutex_;  // held by whoever uses writer_
  std::mutex queue_mutex_;
  std::condition_variable queue_done_;
  std::condition_variable queue_changed_;  // a job queued or an announcement withdrawn
  int announced_ = 0;                      // announced writes not queued yet
  std::vector<Job*> queue_;
  bool leader_ = false;
  Connection writer_;
  std::mutex pool_mutex_;
  std::vector<Connection> readers_;
  std::atomic<std::uint64_t> transactions_{0}, jobs_{0};  // group-commit effect, logged at close

  // Segment changes, collected by SQLite's update hook on the writer while a batch runs (under
  // write_mutex_), resolved to cameras before COMMIT and published after it.
  static void on_row_change(void* self, int op, const char* db, const char* table, long long rowid);
  void resolve_segment_changes();
  void publish_segment_changes();
  std::vector<std::int64_t> changed_rows_;
  std::vector<std::string> changed_cameras_;
  bool changed_unknown_ = false;  // a deleted row, or too many to resolve: every camera changed
  mutable std::mutex versions_mutex_;
  std::uint64_t version_counter_ = 0;
  std::uint64_t all_changed_at_ = 0;
  std::unordered_map<std::string, std::uint64_t> camera_changed_at_;
};

}  // namespace hs
