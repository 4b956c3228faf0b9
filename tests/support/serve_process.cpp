// `hook-server serve` in its own process (see serve_process.hpp).
#include "support/serve_process.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <signal.h>

#include <fstream>

#include "support/server_fixture.hpp"
#include "build_paths.hpp"

namespace hs::test {

namespace fs = std::filesystem;

ServeProcess::ServeProcess(std::string yaml_extra, std::string data_dir, std::string mediamtx_extra)
    : data_dir_(std::move(data_dir)), port_(free_port()) {
  fs::create_directories(recordings());
  std::ofstream(config_file()) << fmt::format(
      "server: {{listen: 127.0.0.1:{}}}\naccess: {{mode: open}}\ndata_dir: {}\n"
      "mediamtx: {{working_dir: ./mtx, timezone: UTC{}}}\n{}\n",
      port_, data_dir_, mediamtx_extra.empty() ? "" : ", " + mediamtx_extra, yaml_extra);
}

ServeProcess::~ServeProcess() {
  if (id_ >= 0) ::kill(launcher_->run(id_).pid, SIGKILL);
  launcher_.reset();  // reaps
}

fs::path ServeProcess::data_dir() const {
  fs::path p(data_dir_);
  return p.is_absolute() ? p : (dir() / p).lexically_normal();
}

void ServeProcess::start(std::chrono::milliseconds limit) {
  REQUIRE(id_ < 0);
  launcher_ = std::make_unique<MediamtxStandin>(dir());
  id_ = launcher_->launch(command("serve"), {});
  const bool up = eventually(
      [&] {
        int status = 0;
        get("/api/health", &status);
        return status == 200;
      },
      limit);
  if (!up) {
    auto r = launcher_->wait(id_, std::chrono::milliseconds{1});  // throws with its output if still running
    FAIL("hook-server serve exited with " << r.exit_code << ": " << r.output);
  }
}

void ServeProcess::kill(int sig) {
  REQUIRE(id_ >= 0);
  REQUIRE(::kill(launcher_->run(id_).pid, sig) == 0);
}

MediamtxStandin::Result ServeProcess::wait(std::chrono::milliseconds limit) {
  REQUIRE(id_ >= 0);
  int id = id_;
  id_ = -1;
  return launcher_->wait(id, limit);
}

std::string ServeProcess::command(const std::string& words) const {
  return fmt::format("{} {} --config '{}'", HOOK_SERVER_BIN, words, config_file().string());
}

int ServeProcess::run_cli(const std::vector<std::string>& args, std::string* out) const {
  std::vector<std::string> argv{HOOK_SERVER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--config");
  argv.push_back(config_file().string());
  return run_command(argv, out);
}

httplib::Client ServeProcess::client() const {
  httplib::Client cli("127.0.0.1", port_);
  cli.set_connection_timeout(1, 0);
  cli.set_read_timeout(10, 0);
  return cli;
}

nlohmann::json ServeProcess::get(const std::string& path, int* status) const {
  auto cli = client();
  auto res = cli.Get(path);
  if (status) *status = res ? res->status : 0;
  if (!res) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

}  // namespace hs::test
