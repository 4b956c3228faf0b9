// Opening the index, connection pooling and schema migrations.
#include "index/database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>

#include "index/schema_sqlite.hpp"
#include "index/statements.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

Database::Lease::Lease(Database& d) : owner(d) {
  {
    std::lock_guard lock(d.pool_mutex_);
    if (!d.readers_.empty()) {
      db = std::move(d.readers_.back());
      d.readers_.pop_back();
    }
  }
  if (!db) db = d.open_connection(false);
}

Database::Lease::~Lease() {
  std::lock_guard lock(owner.pool_mutex_);
  if (owner.readers_.size() < 16) owner.readers_.push_back(std::move(db));
}

void Database::Close::operator()(SQLite::Database* db) const noexcept {
  detach_statement_cache(*db);
  delete db;
}

Database::Connection Database::open_connection(bool write) const {
  try {
    int flags = write ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX
                      : SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX;
    Connection db(new SQLite::Database(file_.string(), flags, 5000));
    db->exec("PRAGMA foreign_keys = ON");
    db->exec("PRAGMA temp_store = MEMORY");
    // 8 MiB of page cache for the writer, 2 MiB per reader: enough for the hot index pages.
    db->exec(write ? "PRAGMA cache_size = -8000" : "PRAGMA cache_size = -2000");
    if (write) {
      db->exec("PRAGMA journal_mode = WAL");
      db->exec("PRAGMA synchronous = NORMAL");
      // Checkpoint every ~16 MiB of WAL instead of 4: the pages hooks touch (the tails of the
      // segment and event tables and their indexes) are rewritten by every commit, and a checkpoint
      // copies each page once however often it changed, so fewer checkpoints copy much less.
      db->exec("PRAGMA wal_autocheckpoint = 4000");
    }
    attach_statement_cache(*db);
    return db;
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("cannot open index {}: {}", file_.string(), e.what()));
  }
}

Database::Database(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  writer_ = open_connection(true);
  migrate();
  sqlite3_update_hook(writer_->getHandle(), &Database::on_row_change, this);
}

void Database::on_row_change(void* self, int op, const char*, const char* table, long long rowid) {
  auto* d = static_cast<Database*>(self);
  if (std::strcmp(table, "segments") != 0 || d->changed_unknown_) return;
  constexpr std::size_t kMaxResolved = 64;  // bigger batches (reconcile, retention) change "all"
  if (op == SQLITE_DELETE || d->changed_rows_.size() >= kMaxResolved) {
    d->changed_unknown_ = true;
    d->changed_rows_.clear();
  } else {
    d->changed_rows_.push_back(rowid);
  }
}

// Inside the transaction, under write_mutex_: which cameras the changed rows belong to.
void Database::resolve_segment_changes() {
  for (std::int64_t row : changed_rows_) {
    if (changed_unknown_) break;
    Prepared q(*writer_, "SELECT camera_id FROM segments WHERE id = ?1");
    q->bind(1, static_cast<int64_t>(row));
    if (q->executeStep()) changed_cameras_.push_back(q->getColumn(0).getString());
    else changed_unknown_ = true;  // gone again within the transaction
  }
  changed_rows_.clear();
}

// After COMMIT (or a rollback: over-reporting a change is harmless), under write_mutex_.
void Database::publish_segment_changes() {
  if (!changed_rows_.empty()) changed_unknown_ = true;  // not resolved: the batch failed early
  if (changed_cameras_.empty() && !changed_unknown_) return;
  std::lock_guard lock(versions_mutex_);
  ++version_counter_;
  if (changed_unknown_) all_changed_at_ = version_counter_;
  for (auto& c : changed_cameras_) camera_changed_at_[std::move(c)] = version_counter_;
  changed_rows_.clear();
  changed_cameras_.clear();
  changed_unknown_ = false;
}

std::uint64_t Database::segments_version(const std::string& camera_id) const {
  std::lock_guard lock(versions_mutex_);
  auto it = camera_changed_at_.find(camera_id);
  return std::max(all_changed_at_, it == camera_changed_at_.end() ? 0 : it->second);
}

Database::~Database() {
  if (transactions_ > 0)
    log::get("index")->debug("{} writes in {} transactions ({:.1f} per commit)", jobs_.load(), transactions_.load(),
                             static_cast<double>(jobs_) / static_cast<double>(transactions_));
}

int Database::latest_schema_version() { return static_cast<int>(index::sqlite_migrations().size()); }

namespace {
// The Database this thread announced a write to (Database::Announce), so its next write counts it.
thread_local const Database* t_announced = nullptr;
}  // namespace

Database::Announce::Announce(Database& d) : db(d) {
  if (t_announced) return;  // nested: the outer announcement stands
  t_announced = &d;
  std::lock_guard lock(d.queue_mutex_);
  ++d.announced_;
}

Database::Announce::~Announce() {
  if (t_announced != &db) return;
  t_announced = nullptr;
  std::lock_guard lock(db.queue_mutex_);
  --db.announced_;
  db.queue_changed_.notify_all();
}

void Database::submit(Job& job) {
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&job);
  if (t_announced == this) {  // the announced write has arrived
    t_announced = nullptr;
    --announced_;
  }
  queue_changed_.notify_all();
  while (!job.done) {
    if (leader_) {
      queue_done_.wait(lock);
      continue;
    }
    // Lead: take everything queued so far (our job included) into one transaction. Writes that
    // were announced but are not queued yet are microseconds away (their request is being
    // parsed): waiting a moment for them turns several commits into one.
    leader_ = true;
    auto deadline = std::chrono::steady_clock::now() + kCommitDelay;
    while (announced_ > 0 && queue_changed_.wait_until(lock, deadline) != std::cv_status::timeout) {
    }
    std::vector<Job*> batch;
    batch.swap(queue_);
    lock.unlock();
    run_batch(batch);
    lock.lock();
    for (Job* j : batch) j->done = true;
    leader_ = false;
    queue_done_.notify_all();
  }
  if (job.error) std::rethrow_exception(job.error);
}

void Database::run_batch(std::vector<Job*>& batch) {
  std::lock_guard lock(write_mutex_);
  // Transaction control goes through the statement cache too: parsing BEGIN/SAVEPOINT/RELEASE/COMMIT
  // on every batch costs as much as a small insert.
  auto step = [this](const char* sql) {
    Prepared q(*writer_, sql);
    q->exec();
  };
  ++transactions_;
  jobs_ += batch.size();
  try {
    step("BEGIN IMMEDIATE");
    try {
      if (batch.size() == 1) {
        batch[0]->run(*writer_);  // alone: an exception rolls the transaction back
      } else {
        for (Job* j : batch) {
          step("SAVEPOINT job");
          try {
            j->run(*writer_);
            step("RELEASE job");
          } catch (...) {
            j->error = std::current_exception();
            step("ROLLBACK TO job");
            step("RELEASE job");
          }
        }
      }
      resolve_segment_changes();
      step("COMMIT");
    } catch (...) {
      if (sqlite3_get_autocommit(writer_->getHandle()) == 0) {  // still inside BEGIN
        try {
          step("ROLLBACK");
        } catch (...) {  // the original error is the one to report
        }
      }
      throw;
    }
  } catch (...) {
    // BEGIN, COMMIT or a lone job failed: nothing of the batch was written.
    for (Job* j : batch)
      if (!j->error) j->error = std::current_exception();
  }
  publish_segment_changes();
}

int Database::schema_version() {
  std::lock_guard lock(write_mutex_);
  return writer_->execAndGet("PRAGMA user_version").getInt();
}

void Database::migrate() {
  std::lock_guard lock(write_mutex_);
  const int latest = latest_schema_version();
  int version = writer_->execAndGet("PRAGMA user_version").getInt();
  if (version > latest)
    throw Error(fmt::format("index {} has schema version {}, newer than this hook-server ({}): upgrade hook-server",
                            file_.string(), version, latest));
  for (const auto& m : index::sqlite_migrations()) {
    if (m.version <= version) continue;
    try {
      SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
      writer_->exec(m.sql);
      writer_->exec(fmt::format("PRAGMA user_version = {}", m.version));
      tx.commit();
    } catch (const SQLite::Exception& e) {
      throw Error(fmt::format("index {}: migration to schema {} failed: {}", file_.string(), m.version, e.what()));
    }
    log::get("index")->info("migrated {} to schema version {}", file_.string(), m.version);
  }
}

}  // namespace hs
