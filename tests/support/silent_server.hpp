#pragma once
// A TCP server on 127.0.0.1 that accepts connections and never answers (a hung camera, a
// receiver or a MediaMTX that hangs): what a client gets is its own read timeout. The connections stay open until the
// object ends; the port can then be taken by a server that answers.
#include <atomic>
#include <thread>
#include <vector>

namespace hs::test {

class SilentServer {
 public:
  // Listens on `port` (0: a free one). Throws std::runtime_error when it cannot.
  explicit SilentServer(int port = 0);
  ~SilentServer();  // closes the listener and every connection
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }
  // Connections accepted so far.
  int accepted() const { return accepted_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::vector<int> connections_;  // owned by the thread until it ends
  std::thread thread_;
};

}  // namespace hs::test
