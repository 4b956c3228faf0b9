// The accept queue really grows: with cpp-httplib's backlog of 5, a burst of connections to a
// server that has not accepted yet leaves most of them waiting for a SYN retransmission.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "util/listen_backlog.hpp"

using namespace hs;

namespace {

struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// Opens n non-blocking connections to 127.0.0.1:port at once; returns how many completed their
// handshake within 300 ms (a dropped SYN is retried only after 1 s).
int connected_within_300ms(int port, int n) {
  std::vector<Socket> clients(static_cast<size_t>(n));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (auto& c : clients) {
    ::fcntl(c.fd, F_SETFL, O_NONBLOCK);
    ::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  ::usleep(300'000);
  int done = 0;
  for (auto& c : clients) {
    pollfd p{c.fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, 0) == 1 && ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) ++done;
  }
  return done;
}

int listening_socket(Socket& s, int backlog) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(s.fd, backlog) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("the listening socket's accept queue is raised in place", "[util][http]") {
  Socket small;
  int port = listening_socket(small, 5);
  CHECK(connected_within_300ms(port, 40) < 40);  // the kernel drops SYNs beyond the queue

  Socket raised;
  int port2 = listening_socket(raised, 5);
  REQUIRE(raise_listen_backlog(port2, 1024));
  CHECK(connected_within_300ms(port2, 40) == 40);

  CHECK_FALSE(raise_listen_backlog(1, 1024));  // nothing of ours listens there
}
