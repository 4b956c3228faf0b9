#pragma once
// The real server in the test process: a temp folder with hook-server.yml, a real SQLite index,
// MediaMTX's working directory (mtx/) with its recordings root (mtx/recordings), and the HTTP server
// on 127.0.0.1 at a free port. hook_command() is the runOn* line MediaMTX would run.
#include <httplib.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/server_app.hpp"
#include "support/media.hpp"

namespace hs::test {

class ServerFixture {
 public:
  // `yaml_extra` is appended to the generated hook-server.yml (e.g. a cameras: list);
  // `mediamtx_extra` and `server_extra` hold extra "key: value" lines for its mediamtx: and server:
  // sections. Without an access: section in `yaml_extra` the server runs in access.mode open.
  explicit ServerFixture(std::string yaml_extra = "", std::string zone = "UTC", std::string mediamtx_extra = "",
                         std::string server_extra = "");
  ~ServerFixture();

  // The clock the server runs on from the next start() (a FakeClock where time must pass); it must
  // outlive the server. Default: the system clock.
  void use_clock(const Clock& clock) { clock_ = &clock; }
  // The disk probe of its retention (free space the test decides); it must outlive the server.
  // Default: statvfs.
  void use_disk(const DiskProbe& disk) { disk_ = &disk; }

  // Starts (or restarts on the same port) the server and waits until /api/health answers.
  void start();
  void stop();
  bool running() const { return app_ != nullptr; }

  ServerApp& app() { return *app_; }
  const std::filesystem::path& dir() const { return tmp_.path(); }
  std::filesystem::path config_file() const { return tmp_.path() / "hook-server.yml"; }
  std::filesystem::path working_dir() const { return tmp_.path() / "mtx"; }
  std::filesystem::path recordings() const { return working_dir() / "recordings"; }
  std::filesystem::path spool_dir() const { return tmp_.path() / "var" / "spool"; }
  int port() const { return port_; }
  std::string url() const;
  // `<hook-server binary> hook <event> --config '<file>'`, as gen-config writes it.
  std::string hook_command(const std::string& event) const;

  // GET/POST on the server; the body parsed as JSON. Fails the test on transport errors.
  nlohmann::json get(const std::string& path, int expect_status = 200);
  httplib::Result request(const std::string& method, const std::string& path, const std::string& body = "",
                          const httplib::Headers& headers = {});

 private:
  void write_config();

  TempDir tmp_;
  std::string yaml_extra_, timezone_, mediamtx_extra_, server_extra_;
  int port_ = 0;
  const Clock* clock_ = nullptr;  // the system clock
  const DiskProbe* disk_ = nullptr;
  std::unique_ptr<ServerApp> app_;
  std::thread thread_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int free_port();

// Polls `done` every 10 ms until it holds or `limit` passes; returns its last answer.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds{10});

// Moves the segment files made by make_segments() to the names MediaMTX gives them for `path`
// starting at `first`, one after another (`seconds` apart), below `recordings`. Returns the names
// relative to `working_dir` in MediaMTX's form ("./recordings/camera_1/2025-...mp4").
std::vector<std::string> place_segments(const std::vector<std::filesystem::path>& made,
                                        const std::filesystem::path& working_dir, const std::string& path,
                                        TimePoint first, double seconds, const std::string& timezone = "UTC");

// Small files named like MediaMTX's segments for `path` ("segment <i>" inside, not media), one a
// minute from 2025-02-01T00:00:00Z, below `working_dir`/recordings. Returns the names as MediaMTX
// passes them to hooks ("./recordings/camera_1/2025-...mp4"). For tests of counts and faults,
// where probing real media would only cost time.
std::vector<std::string> touch_segments(const std::filesystem::path& working_dir, const std::string& path, int count);

// Sets the file's modification time `ago` before now: a segment MediaMTX stopped writing.
void set_mtime_ago(const std::filesystem::path& file, std::chrono::seconds ago);

}  // namespace hs::test
