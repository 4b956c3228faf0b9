// The index's connections (one writer, pooled readers), group commit, and the per-camera segment
// versions behind the page cache.
#include "index/database.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "config/config.hpp"
#include "index/pg_connection.hpp"
#include "index/sqlite_connection.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

namespace {

// The first line of index.password_file.
std::string read_password(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line))
    throw ConfigError(fmt::format("index.password_file: cannot read {}: {}", quote(file.string()),
                                  in ? "the file is empty" : std::strerror(errno)));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::unique_ptr<Database> open_index(const Config& config) {
  if (config.index.url.empty())
    return std::make_unique<Database>(std::make_unique<index::SqliteBackend>(config.data_dir / "index.db"), config.node.id);
  index::PgSettings settings{config.index.url, {}};
  if (!config.index.password_file.empty()) settings.password = read_password(config.index.password_file);
  return std::make_unique<Database>(std::make_unique<index::PgBackend>(std::move(settings)), config.node.id);
}

Database::Database(std::filesystem::path file, std::string node)
    : Database(std::make_unique<index::SqliteBackend>(std::move(file)), std::move(node)) {}

Database::Database(std::unique_ptr<index::Backend> backend, std::string node)
    : node_(std::move(node)), backend_(std::move(backend)), writer_(backend_->connect(true)), writer_tx_(*writer_, node_) {
  {
    std::lock_guard lock(write_mutex_);
    backend_->migrate(*writer_);
  }
  rows_reported_ = writer_->watch_changes(this);
  feed_ = backend_->watch_segments([this](std::optional<std::string_view> camera) { changed_elsewhere(camera); });
  // Cheap once done: a partial index holds the rows without a node (none, after the first open).
  // An index that cannot be written now (a full disk) still opens; the next open adopts them.
  try {
    if (std::size_t n = write([](Writer& w) { return w.adopt_unowned(); }); n > 0)
      log::get("index")->info("{} rows written before nodes existed now belong to node {}", n, node_);
  } catch (const std::exception& e) {
    log::get("index")->warn("rows written before nodes existed not adopted by node {} yet: {}", node_, e.what());
  }
}

Database::Connection Database::lease_reader() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!readers_.empty()) {
      Connection c = std::move(readers_.back());
      readers_.pop_back();
      return c;
    }
  }
  return backend_->connect(false);
}

void Database::return_reader(Connection c) noexcept {
  std::lock_guard lock(pool_mutex_);
  if (readers_.size() < 16) readers_.push_back(std::move(c));
}

ReadTransaction Database::reader() { return ReadTransaction(*this, lease_reader(), false); }

ReadTransaction Database::snapshot() { return ReadTransaction(*this, lease_reader(), true); }

ReadTransaction::ReadTransaction(Database& db, Database::Connection connection, bool snapshot)
    : Reader(*connection, db.node_), db_(db), owned_(std::move(connection)), snapshot_(snapshot) {
  if (snapshot_) owned_->begin_read();
}

ReadTransaction::~ReadTransaction() {
  if (snapshot_) {
    try {
      owned_->commit();
    } catch (const std::exception& e) {  // a read-only transaction: nothing is lost, the connection goes
      log::get("index")->warn("ending a read transaction failed: {}", e.what());
      return;
    }
  }
  db_.return_reader(std::move(owned_));
}

void Database::row_changed(std::string_view table, index::RowChange change, std::int64_t row_id) {
  if (table != "segments" || changed_unknown_) return;
  constexpr std::size_t kMaxResolved = 64;  // bigger batches (reconcile, retention) change "all"
  if (change == index::RowChange::remove || changed_rows_.size() >= kMaxResolved) {
    changed_unknown_ = true;
    changed_rows_.clear();
  } else {
    changed_rows_.push_back(row_id);
  }
}

void Database::segments_changed(std::string_view camera_id) {
  if (camera_id.empty()) changed_unknown_ = true;
  else changed_cameras_.emplace_back(camera_id);
}

void Database::changed_elsewhere(std::optional<std::string_view> camera) {
  std::lock_guard lock(versions_mutex_);
  ++version_counter_;
  if (camera) camera_changed_at_[std::string(*camera)] = version_counter_;
  else all_changed_at_ = version_counter_;
}

// Inside the transaction, under write_mutex_: which cameras the changed rows belong to.
void Database::resolve_segment_changes() {
  if (!rows_reported_) changed_unknown_ = true;
  for (std::int64_t row : changed_rows_) {
    if (changed_unknown_) break;
    if (auto camera = writer_tx_.camera_of_segment(row)) changed_cameras_.push_back(std::move(*camera));
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
  ++transactions_;
  jobs_ += batch.size();
  try {
    writer_->begin_write();
    try {
      if (batch.size() == 1) {
        batch[0]->run(writer_tx_);  // alone: an exception rolls the transaction back
      } else {
        for (Job* j : batch) {
          writer_->savepoint();
          try {
            j->run(writer_tx_);
            writer_->release_savepoint();
          } catch (...) {
            j->error = std::current_exception();
            writer_->rollback_to_savepoint();
            writer_->release_savepoint();
          }
        }
      }
      resolve_segment_changes();
      writer_->commit();
    } catch (...) {
      if (writer_->in_transaction()) {
        try {
          writer_->rollback();
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
  // A job that could not write for want of room makes the index unwritable until one commits.
  std::string failure;
  for (Job* j : batch) {
    if (!j->error) continue;
    try {
      std::rethrow_exception(j->error);
    } catch (const index::StorageFull& e) {
      failure = e.what();
    } catch (...) {  // the job's own error, or an engine down (health probes that itself)
    }
  }
  {
    std::lock_guard failure_lock(failure_mutex_);
    if (failure != write_failure_) {
      if (failure.empty()) log::get("index")->info("index writable again");
      else log::get("index")->error("{}", failure);
    }
    write_failure_ = std::move(failure);
  }
  publish_segment_changes();
}

std::string Database::write_failure() const {
  std::lock_guard lock(failure_mutex_);
  return write_failure_;
}

std::string Database::integrity_check() {
  std::lock_guard lock(write_mutex_);
  return backend_->integrity_check(*writer_);
}

int Database::schema_version() {
  std::lock_guard lock(write_mutex_);
  return backend_->schema_version(*writer_);
}

}  // namespace hs
