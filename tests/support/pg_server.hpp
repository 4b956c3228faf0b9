#pragma once
// A private PostgreSQL server for tests, driven through scripts/pg-test-server.sh (one place knows
// how to make, start, crash and remove a cluster; the test stage and benchmarks use it too).
// 127.0.0.1 only, trust authentication for the user `hs`.
#include <string>

#include "support/media.hpp"

namespace hs::test {

class PgServer {
 public:
  // initdb + start on a free port. Throws std::runtime_error with the script's output on failure.
  PgServer();
  ~PgServer();  // stops the server and removes the cluster
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // postgresql://hs@127.0.0.1:<port>/<database>
  std::string url(const std::string& database = "postgres") const;
  // Creates a database with a name unique in this server and returns its URL.
  std::string fresh_database();

  void stop();   // fast shutdown (clients are disconnected); start() brings it back on the same port
  void kill();   // SIGKILL of the postmaster: a crash
  void start();
  int port() const { return port_; }

 private:
  void script(const char* command);
  TempDir dir_;
  int port_ = 0;
  int databases_ = 0;
};

// The server shared by the tests of this process, started on first use and stopped at exit; when
// HOOK_SERVER_TEST_PG_URL names a running server (postgresql://user@host:port/db), that one is used.
// Each call makes a fresh database and returns its URL.
std::string shared_pg_database();

}  // namespace hs::test
