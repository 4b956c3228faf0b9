#pragma once
// SQLite behind the index's backend seam (index/connection.hpp), through SQLiteCpp: one file, WAL,
// one writer and pooled readers, statements kept per connection, the update hook for changed rows.
#include <filesystem>

#include "index/connection.hpp"
#include "util/error.hpp"

namespace hs::index {

// The index's disk is full (SQLITE_FULL): a 503 like any Unavailable (the hook client spools),
// and the one failure Database::write_failure() reports, since writes succeed again once there is
// room.
struct StorageFull : Unavailable {
  using Unavailable::Unavailable;
};

class SqliteBackend final : public Backend {
 public:
  // The index file; its folder is created when missing.
  explicit SqliteBackend(std::filesystem::path file);

  std::string location() const override { return file_.string(); }
  std::unique_ptr<Connection> connect(bool writer) const override;
  void migrate(Connection& writer) const override;
  int schema_version(Connection& connection) const override;
  int latest_schema_version() const override;
  std::string integrity_check(Connection& connection) const override;

 private:
  std::filesystem::path file_;
};

}  // namespace hs::index
