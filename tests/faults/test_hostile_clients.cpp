// Fault: slow and hostile clients at once: 500 idle connections (reopened as the server closes
// them), slowloris senders (a header byte every 500 ms, under the read timeout), requests with
// 1 MB of headers, and a flood of cheap requests from keep-alive clients. The promise: hooks from
// the real hook client are answered within its timeout (2 s: delivered, not spooled), and the
// server is still up afterwards.
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "support/mediamtx_standin.hpp"
#include "support/one_camera.hpp"
#include "support/serve_process.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using namespace hs::test;
using SteadyClock = std::chrono::steady_clock;

namespace {


int connect_to(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    return -1;
  }
  return s;
}

void send_all(int s, const std::string& data) {
  for (std::size_t sent = 0; sent < data.size();) {
    ssize_t n = ::send(s, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

// The hostile crowd, each kind in its own thread until stop.
struct Crowd {
  int port;
  std::atomic<bool> stop{false};
  std::atomic<long> requests{0}, idle_reopened{0}, big_header_answers{0};
  std::atomic<int> big_header_status{0};  // the last answer's status code
  std::vector<std::thread> threads;

  void idle(int count) {
    threads.emplace_back([this, count] {
      std::vector<pollfd> fds;
      for (int i = 0; i < count; ++i) fds.push_back({connect_to(port), POLLIN, 0});
      while (!stop) {
        ::poll(fds.data(), fds.size(), 50);
        for (auto& p : fds) {
          if (p.fd >= 0 && !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
          if (p.fd >= 0) ::close(p.fd);  // closed by the server (keep-alive timeout): open another
          p.fd = connect_to(port);
          p.revents = 0;
          ++idle_reopened;
        }
      }
      for (auto& p : fds)
        if (p.fd >= 0) ::close(p.fd);
    });
  }
  void slowloris(int count) {
    threads.emplace_back([this, count] {
      std::vector<int> fds;
      for (int i = 0; i < count; ++i) {
        fds.push_back(connect_to(port));
        send_all(fds.back(), "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      }
      while (!stop) {
        for (int& fd : fds) {
          if (fd < 0) continue;
          if (::send(fd, "a", 1, MSG_NOSIGNAL) != 1) {
            ::close(fd);
            fd = connect_to(port);
            send_all(fd, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
          }
        }
        for (int i = 0; i < 10 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{50});
      }
      for (int fd : fds)
        if (fd >= 0) ::close(fd);
    });
  }
  void big_headers() {
    threads.emplace_back([this] {
      std::string request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
      while (request.size() < (1 << 20)) request += "X-Pad: " + std::string(1000, 'a') + "\r\n";
      request += "\r\n";
      while (!stop) {
        int s = connect_to(port);
        if (s < 0) continue;
        timeval tv{2, 0};
        ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        send_all(s, request);
        char buf[64] = {};
        ssize_t n = ::recv(s, buf, sizeof buf - 1, 0);
        if (n > 12) {  // "HTTP/1.1 400 ..."
          ++big_header_answers;
          big_header_status = std::atoi(buf + 9);
        }
        ::close(s);
      }
    });
  }
  void flood(int clients) {
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([this] {
        httplib::Client cli("127.0.0.1", port);
        cli.set_keep_alive(true);
        while (!stop)
          if (auto res = cli.Get("/api/health"); res && res->status == 200) ++requests;
      });
    }
  }
  ~Crowd() {
    stop = true;
    for (auto& t : threads) t.join();
  }
};

}  // namespace

TEST_CASE("idle, slow, huge and flooding clients: hooks still land within the client's timeout", "[faults][http]") {
  constexpr int kHooks = 60;
  ServeProcess server(kOneCamera);
  auto names = touch_segments(server.working_dir(), "camera_1", kHooks);
  server.start();
  {
    Crowd crowd{server.port()};
    crowd.idle(500);
    crowd.slowloris(20);
    crowd.big_headers();
    crowd.flood(4);
    std::this_thread::sleep_for(std::chrono::seconds{2});  // the crowd is in

    const auto t0 = SteadyClock::now();
    const long requests0 = crowd.requests;
    std::chrono::milliseconds slowest{};
    int delivered = 0;
    for (int wave = 0; wave < kHooks / 10; ++wave) {
      MediamtxStandin mtx(server.working_dir());
      for (int i = wave * 10; i < wave * 10 + 10; ++i)
        mtx.launch(server.hook_command("segment-complete"), MediamtxStandin::segment_complete_vars("camera_1", names[static_cast<size_t>(i)], 60));
      for (const auto& r : mtx.wait_all()) {
        INFO(r.output);
        CHECK(r.exit_code == 0);
        CHECK(r.output.empty());  // answered within its timeout, not spooled
        delivered += r.output.empty();
        slowest = std::max(slowest, r.elapsed);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{300});
    }
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    const double rate = static_cast<double>(crowd.requests - requests0) / seconds;
    INFO("big-header answers: " << crowd.big_header_answers << ", last " << crowd.big_header_status);
    CHECK(crowd.big_header_answers > 0);
    WARN("hostile crowd (500 idle, reopened " << crowd.idle_reopened << " times; 20 slowloris; 1 MB headers answered "
                                             << crowd.big_header_answers << " times with HTTP " << crowd.big_header_status
                                             << "; 4 flooding clients at "
                                             << static_cast<long>(rate) << " requests/s): " << delivered << " of " << kHooks
                                             << " hooks delivered, slowest " << slowest.count() << " ms");
  }
  CHECK(server.get("/api/cameras/1")["recordings"]["segments"] == kHooks);
  server.kill(SIGTERM);
  CHECK(server.wait().exit_code == 0);
}
