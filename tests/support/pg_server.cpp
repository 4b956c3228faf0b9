// PgServer: the C++ face of scripts/pg-test-server.sh.
#include "support/pg_server.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "build_paths.hpp"

namespace hs::test {

namespace {

std::string script_path() {
  return (std::filesystem::path(HOOK_SERVER_SOURCE_DIR) / "scripts" / "pg-test-server.sh").string();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// CREATE DATABASE through psql (the client is installed with the server).
void create_database(const std::string& server_url, const std::string& name) {
  std::string out;
  int rc = run_command({"psql", server_url, "-v", "ON_ERROR_STOP=1", "-qAtc", "CREATE DATABASE " + name}, &out);
  if (rc != 0) throw std::runtime_error(fmt::format("psql {}: CREATE DATABASE {} failed ({})", server_url, name, rc));
}

std::string with_database(const std::string& url, const std::string& database) {
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

std::string unique_name(int n) { return fmt::format("hs_test_{}_{}", ::getpid(), n); }

}  // namespace

PgServer::PgServer() {
  std::string out;
  int rc = run_command({script_path(), "start", (dir_.path() / "pg").string()}, &out);
  if (rc != 0) throw std::runtime_error(fmt::format("pg-test-server.sh start failed ({}): {}", rc, out));
  auto url = trim(out);
  auto colon = url.rfind(':');
  port_ = std::stoi(url.substr(colon + 1, url.rfind('/') - colon - 1));
}

PgServer::~PgServer() {
  std::string out;
  run_command({script_path(), "destroy", (dir_.path() / "pg").string()}, &out);
}

void PgServer::script(const char* command) {
  std::string out;
  int rc = run_command({script_path(), command, (dir_.path() / "pg").string()}, &out);
  if (rc != 0) throw std::runtime_error(fmt::format("pg-test-server.sh {} failed ({}): {}", command, rc, out));
}

void PgServer::stop() { script("stop"); }
void PgServer::kill() { script("kill"); }
void PgServer::start() { script("start"); }

std::string PgServer::url(const std::string& database) const {
  return fmt::format("postgresql://hs@127.0.0.1:{}/{}", port_, database);
}

std::string PgServer::fresh_database() {
  auto name = unique_name(++databases_);
  create_database(url(), name);
  return url(name);
}

std::string shared_pg_database() {
  static std::mutex mutex;
  static std::unique_ptr<PgServer> own;  // destroyed at exit: the cluster goes with it
  static std::atomic<int> counter{0};
  std::lock_guard lock(mutex);
  std::string server;
  if (const char* env = std::getenv("HOOK_SERVER_TEST_PG_URL"); env && *env) {
    server = env;
  } else {
    if (!own) own = std::make_unique<PgServer>();
    server = own->url();
  }
  auto name = unique_name(++counter);
  create_database(server, name);
  return with_database(server, name);
}

}  // namespace hs::test
