// The per-connection statement caches behind Prepared.
#include "index/statements.hpp"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace hs {

namespace {

struct Entry {
  std::unique_ptr<SQLite::Statement> stmt;
  bool in_use = false;
};

// One connection's statements. A connection is used by one thread at a time (the writer under the
// write lock, a reader while leased), so its cache needs no lock of its own.
using Cache = std::unordered_map<const char*, Entry>;

std::shared_mutex registry_mutex;
std::unordered_map<const SQLite::Database*, std::unique_ptr<Cache>>& registry() {
  static auto* r = new std::unordered_map<const SQLite::Database*, std::unique_ptr<Cache>>();
  return *r;
}

Cache* cache_of(const SQLite::Database& db) {
  std::shared_lock lock(registry_mutex);
  auto it = registry().find(&db);
  return it == registry().end() ? nullptr : it->second.get();
}

}  // namespace

Prepared::Prepared(SQLite::Database& db, const char* sql) {
  if (Cache* cache = cache_of(db)) {
    Entry& e = (*cache)[sql];
    if (!e.in_use) {
      if (!e.stmt) e.stmt = std::make_unique<SQLite::Statement>(db, sql);
      e.in_use = true;
      in_use_ = &e.in_use;
      stmt_ = e.stmt.get();
      return;
    }
  }
  owned_ = std::make_unique<SQLite::Statement>(db, sql);
  stmt_ = owned_.get();
}

Prepared::~Prepared() {
  if (!in_use_) return;
  stmt_->tryReset();
  try {
    stmt_->clearBindings();
  } catch (...) {  // cannot fail for a valid statement; never throw from a destructor
  }
  *in_use_ = false;
}

void attach_statement_cache(const SQLite::Database& db) {
  std::unique_lock lock(registry_mutex);
  registry()[&db] = std::make_unique<Cache>();
}

void detach_statement_cache(const SQLite::Database& db) noexcept {
  std::unique_ptr<Cache> cache;
  {
    std::unique_lock lock(registry_mutex);
    auto it = registry().find(&db);
    if (it == registry().end()) return;
    cache = std::move(it->second);
    registry().erase(it);
  }
  // Finalized here, before the connection closes.
}

}  // namespace hs
