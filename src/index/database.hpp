#pragma once
// The SQLite index file: one writer connection behind a mutex (SQLite allows one writer at a time
// anyway) and a small pool of reader connections, so API queries run beside hook writes under WAL.
// Schema versions live in PRAGMA user_version; migrations run in order at open.
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
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

  // Runs fn inside one write transaction (BEGIN IMMEDIATE ... COMMIT; rolled back on exception).
  template <class F>
  auto write(F&& fn) {
    std::lock_guard lock(write_mutex_);
    SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
    if constexpr (std::is_void_v<decltype(fn(*writer_))>) {
      fn(*writer_);
      tx.commit();
    } else {
      auto result = fn(*writer_);
      tx.commit();
      return result;
    }
  }

  // Runs fn with a reader connection (a consistent snapshot when fn opens a transaction).
  template <class F>
  auto read(F&& fn) {
    Lease lease(*this);
    return fn(*lease.db);
  }

 private:
  struct Lease {
    explicit Lease(Database& d);
    ~Lease();
    Database& owner;
    std::unique_ptr<SQLite::Database> db;
  };
  std::unique_ptr<SQLite::Database> open_connection(bool write) const;
  void migrate();

  std::filesystem::path file_;
  std::mutex write_mutex_;
  std::unique_ptr<SQLite::Database> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<SQLite::Database>> readers_;
};

}  // namespace hs
