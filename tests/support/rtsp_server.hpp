#pragma once
// A real RTSP server on 127.0.0.1 for snapshot tests: tests/support/rtsp_server.py (GStreamer's RTSP
// server through /usr/bin/python3 + gi) serving a live H.264 test pattern on each path, camera-like
// (a new reader waits for the next IDR), 404 on any other path. Started on a free port; the
// destructor stops it (SIGTERM, then SIGKILL) and reaps it, and the server also exits by itself
// when this process dies (EOF on its stdin) or after its lifetime.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/silent_server.hpp"  // a hung camera: SilentServer

namespace hs::test {

class RtspServer {
 public:
  struct Options {
    std::vector<std::string> paths{"camera_1"};
    int width = 320;
    int height = 180;
    int fps = 25;
    int gop = 25;  // frames between IDRs
    int lifetime_s = 120;
  };
  // Throws std::runtime_error (with the server's stderr) when it does not come up within 10 s.
  explicit RtspServer(Options opt);
  RtspServer() : RtspServer(Options{}) {}
  ~RtspServer();
  RtspServer(const RtspServer&) = delete;
  RtspServer& operator=(const RtspServer&) = delete;

  int port() const { return port_; }
  std::string base() const;                         // rtsp://127.0.0.1:<port>
  std::string url(const std::string& path) const;  // rtsp://127.0.0.1:<port>/<path>

 private:
  void stop();
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
  std::filesystem::path stderr_file_;
};

// Whether /usr/bin/python3 can load GStreamer's RTSP server bindings (scripts/setup.sh installs them).
bool rtsp_server_available();

}  // namespace hs::test
