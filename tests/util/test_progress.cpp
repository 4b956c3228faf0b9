// The terminal status line: drawn only on a terminal (a pseudo-terminal here), rate-limited within a
// phase, erased at the end; its text.
#include "util/progress.hpp"

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

using hs::TerminalProgress;

namespace {

std::string drain(int fd) {
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TEST_CASE("progress lines show the phase, the count and the share done", "[util]") {
  CHECK(TerminalProgress::line("walking", 12345, 0) == "walking 12,345");
  CHECK(TerminalProgress::line("indexing new files", 1200, 5000) == "indexing new files 1,200/5,000 (24%)");
  CHECK(TerminalProgress::line("deleting expired", 0, 0) == "deleting expired 0");
}

TEST_CASE("nothing is drawn when the output is not a terminal", "[util]") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_NONBLOCK) == 0);
  {
    TerminalProgress p(fds[1]);
    CHECK_FALSE(p.active());
    CHECK_FALSE(p.fn());  // callers skip their calls altogether
    p.update("walking", 5, 0);
  }
  CHECK(drain(fds[0]).empty());
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("on a terminal the line is redrawn in place and erased at the end", "[util]") {
  int master = -1, slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  ::fcntl(master, F_SETFL, O_NONBLOCK);
  {
    TerminalProgress p(slave);
    REQUIRE(p.active());
    auto fn = p.fn();
    REQUIRE(fn);
    fn("walking", 1, 0);
    fn("walking", 2, 0);  // within 100 ms of the last draw: skipped
    fn("indexing new files", 0, 4);  // a new phase: drawn at once
    fn("indexing new files", 4, 4);  // the end of a phase: drawn at once
  }
  std::string out = drain(master);
  CHECK(out == "\r\x1b[2Kwalking 1\r\x1b[2Kindexing new files 0/4 (0%)\r\x1b[2Kindexing new files 4/4 (100%)\r\x1b[2K");
  ::close(master);
  ::close(slave);
}
