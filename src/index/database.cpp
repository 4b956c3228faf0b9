// Opening the index, connection pooling and schema migrations.
#include "index/database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>

#include "index/statements.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

namespace {

// Each entry migrates from version i to i+1. Never edit a released entry: add a new one.
const char* const kMigrations[] = {
    // 1: cameras, stream status, segments, event log.
    R"sql(
CREATE TABLE cameras (
  id             TEXT PRIMARY KEY,
  path           TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  source         TEXT NOT NULL DEFAULT '',
  plan           TEXT NOT NULL,
  retention_us   INTEGER,
  record         INTEGER NOT NULL DEFAULT 1,
  rtsp_transport TEXT NOT NULL DEFAULT 'tcp',
  origin         TEXT NOT NULL CHECK (origin IN ('config', 'api', 'discovered')),
  removed_us     INTEGER,
  created_us     INTEGER NOT NULL,
  updated_us     INTEGER NOT NULL
);
CREATE TABLE stream_status (
  camera_id   TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  state       TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'error')),
  since_us    INTEGER NOT NULL,
  event_us    INTEGER NOT NULL,
  source_type TEXT NOT NULL DEFAULT ''
);
CREATE TABLE segments (
  id            INTEGER PRIMARY KEY,
  camera_id     TEXT NOT NULL REFERENCES cameras(id),
  file          TEXT NOT NULL UNIQUE,
  start_us      INTEGER NOT NULL,
  duration_us   INTEGER,
  size_bytes    INTEGER NOT NULL DEFAULT 0,
  state         TEXT NOT NULL CHECK (state IN ('recording', 'complete', 'missing', 'deleting')),
  permanent     INTEGER NOT NULL DEFAULT 0,
  expires_us    INTEGER,
  notified_us   INTEGER,
  created_us    INTEGER NOT NULL,
  updated_us    INTEGER NOT NULL
);
CREATE INDEX segments_camera_start ON segments (camera_id, start_us);
CREATE INDEX segments_expiry ON segments (expires_us) WHERE permanent = 0;
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  at_us       INTEGER NOT NULL,
  received_us INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  path        TEXT NOT NULL,
  camera_id   TEXT,
  segment     TEXT,
  outcome     TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_at ON events (at_us);
)sql",
    // 2: retention: permanent clips, deletion audit, notifications with their deliveries, the
    // retention each camera's expiries were computed with.
    R"sql(
ALTER TABLE segments ADD COLUMN delete_reason TEXT;
ALTER TABLE cameras ADD COLUMN applied_retention_us INTEGER;
CREATE INDEX segments_deleting ON segments (state) WHERE state = 'deleting';
CREATE TABLE clips (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL REFERENCES cameras(id),
  start_us    INTEGER NOT NULL,
  end_us      INTEGER NOT NULL CHECK (end_us > start_us),
  label       TEXT NOT NULL DEFAULT '',
  created_us  INTEGER NOT NULL
);
CREATE INDEX clips_camera_start ON clips (camera_id, start_us);
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at_us       INTEGER NOT NULL,
  segment_id  INTEGER NOT NULL,
  camera_id   TEXT NOT NULL,
  file        TEXT NOT NULL,
  start_us    INTEGER NOT NULL,
  size_bytes  INTEGER NOT NULL,
  reason      TEXT NOT NULL CHECK (reason IN ('retention', 'disk', 'manual')),
  outcome     TEXT NOT NULL
);
CREATE INDEX audit_camera_at ON audit (camera_id, at_us);
CREATE INDEX audit_at ON audit (at_us);
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  created_us  INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('expiry', 'disk', 'alert')),
  camera_id   TEXT,
  payload     TEXT NOT NULL
);
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  url             TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'delivered')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_us INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_us    INTEGER
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_us) WHERE state != 'delivered';
)sql",
    // 3: no query reads the event log by time (it is read newest first, by id): its time index
    // only cost every hook one more B-tree write.
    R"sql(
DROP INDEX events_at;
)sql",
};

constexpr int kLatest = static_cast<int>(std::size(kMigrations));

}  // namespace

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

int Database::latest_schema_version() { return kLatest; }

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
  int version = writer_->execAndGet("PRAGMA user_version").getInt();
  if (version > kLatest)
    throw Error(fmt::format("index {} has schema version {}, newer than this hook-server ({}): upgrade hook-server",
                            file_.string(), version, kLatest));
  for (int v = version; v < kLatest; ++v) {
    try {
      SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
      writer_->exec(kMigrations[v]);
      writer_->exec(fmt::format("PRAGMA user_version = {}", v + 1));
      tx.commit();
    } catch (const SQLite::Exception& e) {
      throw Error(fmt::format("index {}: migration to schema {} failed: {}", file_.string(), v + 1, e.what()));
    }
    log::get("index")->info("migrated {} to schema version {}", file_.string(), v + 1);
  }
}

}  // namespace hs
