// The private keys and the admin token never leave their 0600 files: the real binary serves, issues
// and rotates in access.mode jwt with its log captured; neither its log, nor the command outputs,
// nor API answers (errors included), nor the generated mediamtx.yml hold any line of a private key,
// and the log names the admin token's file but not the token.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "access/key_store.hpp"
#include "build_paths.hpp"
#include "support/media.hpp"
#include "support/server_fixture.hpp"

extern char** environ;

using namespace hs;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int run(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

TEST_CASE("no private key line and no admin token in logs, outputs, API answers or generated YAML", "[access][e2e]") {
  test::TempDir tmp;
  int port = test::free_port();
  auto config = tmp.path() / "hook-server.yml";
  std::ofstream(config) << fmt::format(R"(server: {{listen: "127.0.0.1:{}"}}
data_dir: ./var
access: {{mode: jwt}}
mediamtx:
  working_dir: ./mtx
  hook_command: {}
  base_config: {}/mediamtx-config/base.yml
  output: ./mediamtx.yml
cameras:
  - {{id: "1", source: "rtsp://10.0.0.1/a"}}
)",
                                       port, HOOK_SERVER_BIN, HOOK_SERVER_SOURCE_DIR);
  auto log = tmp.path() / "serve.log";
  std::string bin = HOOK_SERVER_BIN;
  std::vector<std::string> args{bin, "serve", "--config", config.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_APPEND, 0600);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  } reap{pid};

  httplib::Client cli("127.0.0.1", port);
  REQUIRE(test::eventually([&] {
    auto r = cli.Get("/api/health");
    return r && r->status == 200;
  }));
  std::string answers;
  for (const char* path : {"/.well-known/jwks.json", "/api/health", "/api/cameras", "/api/nothing", "/api/recordings/x"}) {
    auto r = cli.Get(path);
    REQUIRE(r);
    answers += r->body + "\n";
  }
  auto admin = slurp(tmp.path() / "var" / "admin-token");
  admin.pop_back();  // the newline
  for (const std::string& token : {std::string("Bearer ") + admin, std::string("Bearer not.a.jwt"), std::string("Bearer ") + std::string(5000, 'x')}) {
    auto r = cli.Delete("/api/clips/1", {{"Authorization", token}});
    REQUIRE(r);
    answers += r->body + "\n";
  }

  auto out = tmp.path() / "commands.txt";
  REQUIRE(run(fmt::format("'{}' gen-config --config '{}' >> '{}' 2>&1", bin, config.string(), out.string())) == 0);
  REQUIRE(run(fmt::format("'{}' keys rotate --config '{}' >> '{}' 2>&1", bin, config.string(), out.string())) == 0);
  REQUIRE(test::eventually([&] {
    auto r = cli.Get("/.well-known/jwks.json");
    return r && nlohmann::json::parse(r->body)["keys"].size() == 2;
  }));
  answers += cli.Get("/.well-known/jwks.json")->body;
  run(fmt::format("'{}' gen-config --config '{}' --check >> '{}' 2>&1", bin, config.string(), out.string()));

  auto everything = slurp(log) + slurp(out) + answers + slurp(tmp.path() / "mediamtx.yml");
  CHECK(everything.find("PRIVATE KEY") == std::string::npos);
  auto ring = access::KeyStore(tmp.path() / "var" / "signing-keys.json").load();
  REQUIRE(ring.keys.size() == 2);
  for (const auto& k : ring.keys) {
    std::istringstream pem(k.key.private_pem());
    std::string line;
    while (std::getline(pem, line)) {
      if (line.rfind("-----", 0) == 0) continue;
      INFO("a line of key " << k.kid);
      CHECK(everything.find(line) == std::string::npos);
    }
  }
  CHECK(admin.size() == 43);
  CHECK(everything.find(admin) == std::string::npos);
  CHECK(slurp(log).find((tmp.path() / "var" / "admin-token").string()) != std::string::npos);
  CHECK(slurp(tmp.path() / "mediamtx.yml").find("authMethod: jwt") != std::string::npos);
}
