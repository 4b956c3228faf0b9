// The in-process server fixture.
#include "support/server_fixture.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "config/config.hpp"
#include "domain/record_path.hpp"
#include "build_paths.hpp"

namespace hs::test {

namespace fs = std::filesystem;

ServerFixture::ServerFixture(std::string yaml_extra, std::string zone, std::string mediamtx_extra, std::string server_extra)
    : yaml_extra_(std::move(yaml_extra)),
      timezone_(std::move(zone)),
      mediamtx_extra_(std::move(mediamtx_extra)),
      server_extra_(std::move(server_extra)) {
  fs::create_directories(recordings());
  write_config();
}

ServerFixture::~ServerFixture() { stop(); }

void ServerFixture::write_config() {
  std::ofstream out(config_file());
  auto indented = [&](const std::string& lines) {
    for (size_t start = 0; start < lines.size();) {
      size_t end = lines.find('\n', start);
      if (end == std::string::npos) end = lines.size();
      out << "  " << lines.substr(start, end - start) << "\n";
      start = end + 1;
    }
  };
  out << fmt::format("server:\n  listen: 127.0.0.1:{}\n", port_);
  indented(server_extra_);
  out << fmt::format(R"(data_dir: ./var
reconcile_interval: 1h
mediamtx:
  working_dir: ./mtx
  timezone: {}
  urls: {{rtsp: "rtsp://127.0.0.1:8554", hls: "http://127.0.0.1:8888", webrtc: "http://127.0.0.1:8889", playback: "http://127.0.0.1:9996"}}
  hook_command: {}
  base_config: {}/mediamtx-config/base.yml
  output: ./mediamtx.yml
)",
                     timezone_, HOOK_SERVER_BIN, HOOK_SERVER_SOURCE_DIR);
  indented(mediamtx_extra_);
  // Tests written before access control run in the lab mode unless they set their own.
  if (yaml_extra_.find("access:") == std::string::npos) out << "access: {mode: open}\n";
  out << yaml_extra_ << "\n";
}

void ServerFixture::start() {
  if (app_) return;
  Config config = load_config(config_file());
  app_ = std::make_unique<ServerApp>(std::move(config), clock_ ? *clock_ : ServerApp::system_clock(), disk_);
  port_ = app_->bind();
  write_config();  // hook clients read the port from the file
  thread_ = std::thread([this] { app_->run(); });
  httplib::Client cli("127.0.0.1", port_);
  for (int i = 0; i < 200; ++i) {
    if (auto res = cli.Get("/api/health"); res && res->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("server did not answer /api/health within 2 s");
}

void ServerFixture::stop() {
  if (!app_) return;
  app_->stop();
  if (thread_.joinable()) thread_.join();
  app_.reset();
}

std::string ServerFixture::url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::string ServerFixture::hook_command(const std::string& event) const {
  return fmt::format("{} hook {} --config '{}'", HOOK_SERVER_BIN, event, config_file().string());
}

httplib::Result ServerFixture::request(const std::string& method, const std::string& path, const std::string& body,
                                       const httplib::Headers& headers) {
  httplib::Client cli("127.0.0.1", port_);
  cli.set_read_timeout(10, 0);
  if (method == "GET") return cli.Get(path, headers);
  if (method == "POST") return cli.Post(path, headers, body, "application/json");
  if (method == "PATCH") return cli.Patch(path, headers, body, "application/json");
  if (method == "DELETE") return cli.Delete(path, headers);
  if (method == "OPTIONS") return cli.Options(path, headers);
  FAIL("unsupported method " << method);
  return cli.Get(path);
}

nlohmann::json ServerFixture::get(const std::string& path, int expect_status) {
  auto res = request("GET", path);
  REQUIRE(res);
  INFO("GET " << path << " -> " << res->status << " " << res->body);
  REQUIRE(res->status == expect_status);
  REQUIRE(res->get_header_value("Content-Type") == "application/json");
  return nlohmann::json::parse(res->body);
}

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return done();
}

std::vector<std::string> place_segments(const std::vector<fs::path>& made, const fs::path& working_dir,
                                        const std::string& path, TimePoint first, double seconds,
                                        const std::string& zone) {
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone::named(zone));
  std::vector<std::string> names;
  TimePoint start = first;
  for (const auto& file : made) {
    std::string rel = rp.encode(path, start);
    fs::path target = working_dir / "recordings" / rel;
    fs::create_directories(target.parent_path());
    fs::rename(file, target);
    names.push_back("./recordings/" + rel);
    start += std::chrono::duration_cast<Micros>(std::chrono::duration<double>(seconds));
  }
  return names;
}

std::vector<std::string> touch_segments(const fs::path& working_dir, const std::string& path, int count) {
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone{});
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    std::string rel = rp.encode(path, parse_rfc3339("2025-02-01T00:00:00Z") + std::chrono::minutes{i});
    fs::create_directories((working_dir / "recordings" / rel).parent_path());
    std::ofstream(working_dir / "recordings" / rel) << "segment " << i;
    names.push_back("./recordings/" + rel);
  }
  return names;
}

void set_mtime_ago(const fs::path& file, std::chrono::seconds ago) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - ago);
}

}  // namespace hs::test
