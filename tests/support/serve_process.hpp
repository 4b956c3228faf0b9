#pragma once
// `hook-server serve` as a process of its own, for tests that kill it (SIGKILL, SIGTERM) or take
// its disk away: a temp folder with hook-server.yml (a free port on 127.0.0.1, data_dir ./var,
// MediaMTX's working directory ./mtx with ./mtx/recordings), the server started through the
// MediaMTX stand-in's spawn (own process group, output kept in a file).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/media.hpp"
#include "support/mediamtx_standin.hpp"

namespace hs::test {

class ServeProcess {
 public:
  // `yaml_extra` is appended to hook-server.yml (cameras:, retention:, ...); `data_dir` replaces
  // ./var (e.g. a mount point the test made); `mediamtx_extra` is added to the mediamtx: flow map
  // (e.g. "urls: {...}").
  explicit ServeProcess(std::string yaml_extra, std::string data_dir = "./var", std::string mediamtx_extra = "");
  // SIGKILLs a server still running.
  ~ServeProcess();

  // Launches `hook-server serve` and waits until /api/health answers 200 (fails the test after
  // `limit`). Restarting after kill()/wait() reuses the port and the data.
  void start(std::chrono::milliseconds limit = std::chrono::seconds{10});
  // Sends `sig` to the server process.
  void kill(int sig);
  // Waits for the server to exit (SIGKILLs it and fails after `limit`); its exit status and output.
  MediamtxStandin::Result wait(std::chrono::milliseconds limit = std::chrono::seconds{10});
  bool running() const { return id_ >= 0; }

  // `<hook-server> hook <event> --config '<file>'`: the runOn* line gen-config writes.
  std::string hook_command(const std::string& event) const { return command("hook " + event); }
  // `<hook-server> <words> --config '<file>'`, for the stand-in's launch().
  std::string command(const std::string& words) const;
  // `<hook-server> <args> --config '<file>'` run to its end; returns the exit code, output in `out`.
  int run_cli(const std::vector<std::string>& args, std::string* out = nullptr) const;

  httplib::Client client() const;
  // GET on the running server, the body parsed; null when it does not answer (transport error).
  nlohmann::json get(const std::string& path, int* status = nullptr) const;

  const std::filesystem::path& dir() const { return tmp_.path(); }
  std::filesystem::path config_file() const { return dir() / "hook-server.yml"; }
  std::filesystem::path working_dir() const { return dir() / "mtx"; }
  std::filesystem::path recordings() const { return working_dir() / "recordings"; }
  std::filesystem::path data_dir() const;
  int port() const { return port_; }

 private:
  TempDir tmp_;
  std::string data_dir_;
  int port_;
  std::unique_ptr<MediamtxStandin> launcher_;  // one per start: its zombie is reaped with it
  int id_ = -1;
};

}  // namespace hs::test
