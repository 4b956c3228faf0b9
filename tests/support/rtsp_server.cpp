// Launching and stopping tests/support/rtsp_server.py, and a TCP listener that never answers.
#include "support/rtsp_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/media.hpp"
#include "util/error.hpp"
#include "build_paths.hpp"

extern char** environ;

namespace hs::test {

namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool can_connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool rtsp_server_available() {
  static const bool ok = [] {
    if (::access(kPython, X_OK) != 0) return false;
    return run_command({kPython, "-c",
                        "import gi; gi.require_version('GstRtspServer', '1.0'); "
                        "from gi.repository import GstRtspServer"}) == 0;
  }();
  return ok;
}

RtspServer::RtspServer(Options opt) {
  const std::string script = (std::filesystem::path(HOOK_SERVER_TEST_DIR) / "support" / "rtsp_server.py").string();
  std::vector<std::string> argv = {kPython, script, "--port", "0", "--width", std::to_string(opt.width), "--height",
                                   std::to_string(opt.height), "--fps", std::to_string(opt.fps), "--gop",
                                   std::to_string(opt.gop), "--lifetime", std::to_string(opt.lifetime_s)};
  for (const auto& p : opt.paths) argv.insert(argv.end(), {"--path", p});

  char tmpl[] = "/tmp/hook-server-rtsp-XXXXXX";
  int err_fd = ::mkstemp(tmpl);
  if (err_fd < 0) throw std::runtime_error(fmt::format("mkstemp failed: {}", std::strerror(errno)));
  stderr_file_ = tmpl;

  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(err_fd);
    throw std::runtime_error(fmt::format("pipe2 failed: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, kPython, &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_fd);
  stdin_fd_ = in_pipe[1];
  if (rc != 0) {
    pid_ = -1;
    ::close(out_pipe[0]);
    stop();
    throw std::runtime_error(fmt::format("cannot start {}: {}", kPython, std::strerror(rc)));
  }

  // Wait for "READY <port>".
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_pipe[0], POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    char buf[256];
    ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out_pipe[0]);
  if (line.rfind("READY ", 0) == 0) port_ = std::atoi(line.c_str() + 6);
  for (int i = 0; port_ > 0 && i < 100 && !can_connect(port_); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (port_ <= 0 || !can_connect(port_)) {
    stop();
    std::string err = read_file(stderr_file_);
    std::filesystem::remove(stderr_file_);
    throw std::runtime_error(fmt::format("RTSP test server did not come up (stdout {}): {}", hs::quote(line), err));
  }
}

RtspServer::~RtspServer() {
  stop();
  std::error_code ec;
  std::filesystem::remove(stderr_file_, ec);
}

void RtspServer::stop() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);  // EOF on its stdin: it quits by itself
  stdin_fd_ = -1;
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {  // up to 2 s
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string RtspServer::base() const { return fmt::format("rtsp://127.0.0.1:{}", port_); }
std::string RtspServer::url(const std::string& path) const { return fmt::format("{}/{}", base(), path); }


}  // namespace hs::test
